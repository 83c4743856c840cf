"""Dialogs: small screens that ask one thing and return a typed answer through ``dismiss``."""
