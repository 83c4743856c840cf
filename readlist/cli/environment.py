"""What a command runs against, injectable like httpie's ``Environment``: streams, variables, tools.

:func:`readlist.cli.main` takes one (the real process's by default) and every
command reads its streams, its environment variables, whether standard output is
a terminal, and the editor and browser it hands work to from :func:`current`.
Tests build one with in-memory streams and run commands in-process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from readlist.launch import EditedText


def _edit_text(text: str) -> EditedText:
    from readlist.launch import edit_text  # subprocess and tempfile: only when editing

    return edit_text(text)


def _edit_entry_text(text: str) -> EditedText:
    from readlist.launch import edit_entry_text

    return edit_entry_text(text)


def _open_url(url: str) -> object:
    from readlist.launch import open_url  # webbrowser: only when opening

    return open_url(url)


@dataclass(frozen=True)
class Environment:
    """The streams, variables, terminal and helper programs one run of the CLI uses."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: BinaryIO = field(default_factory=lambda: sys.stdin.buffer)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    #: Whether standard output is a terminal (a table and a footer) or a pipe (plain lines).
    stdout_isatty: bool | None = None
    #: Runs the user's editor on a text (``note KEY`` with no text).
    edit_text: Callable[[str], EditedText] = _edit_text
    #: Runs the user's editor on a paper's BibTeX entry (``edit KEY``).
    edit_entry_text: Callable[[str], EditedText] = _edit_entry_text
    #: Opens a checked http(s) URL in the web browser (``open``).
    open_url: Callable[[str], object] = _open_url

    @property
    def is_a_tty(self) -> bool:
        """Whether standard output is a terminal (asked of the stream unless given)."""
        if self.stdout_isatty is not None:
            return self.stdout_isatty
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty())


_current: ContextVar[Environment | None] = ContextVar("readlist_cli_environment", default=None)


def current() -> Environment:
    """The environment of the command running now (the process's own outside :func:`using`)."""
    return _current.get() or Environment()


@contextmanager
def using(env: Environment) -> Iterator[Environment]:
    """Run the body with ``env`` as :func:`current`."""
    token = _current.set(env)
    try:
        yield env
    finally:
        _current.reset(token)
