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


class DamagedRecordError(ReadlistError):
    """A paper record edited by hand into a shape readlist will not change."""

    def __init__(self, key: str, problems: list[str]) -> None:
        """Name the record by ``key`` and say what is wrong with it."""
        self.key = key
        self.problems = problems
        super().__init__(
            f"paper {key or '(no key)'} is damaged ({'; '.join(problems)}); it was left as it "
            "is: fix it by hand, or run 'readlist doctor --fix' to move it into the quarantine file"
        )
