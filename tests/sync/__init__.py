"""The sync tests (a package, so that mypy checks them and same-named modules do not clash)."""
