"""The remote tests: lookups against a local server (a package, so that mypy checks them)."""
