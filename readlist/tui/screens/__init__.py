"""The screens of the interface: the library, triage, stats, help and the dialogs."""
