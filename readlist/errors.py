"""The errors readlist reports to users as one clear line."""

from __future__ import annotations


class ReadlistError(Exception):
    """Base for every error that is the user's input or environment, not a bug."""


class LibraryError(ReadlistError):
    """The library file cannot be read, trusted or saved."""


class KeyLookupError(ReadlistError):
    """A citation key (or prefix) names no paper, or more than one."""


class QueryError(ReadlistError):
    """A query could not be parsed."""
