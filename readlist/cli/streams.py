"""Where the CLI writes: results to stdout, messages to stderr (of :func:`current`), escaped."""

from __future__ import annotations

from readlist.cli.environment import current
from readlist.text import escape_controls


def shown(text: str) -> str:
    """``text`` safe for a terminal: file names, tags and keys in it may hold escapes."""
    return "\n".join(escape_controls(line) for line in text.removesuffix("\n").split("\n"))


def out(text: str) -> None:
    """A result line on stdout."""
    current().stdout.write(shown(text) + "\n")


def out_json(data: object) -> None:
    """A result as JSON on stdout."""
    from readlist.cli.render import to_json  # render loads Rich's cell widths and the view

    current().stdout.write(to_json(data) + "\n")


def err(text: str) -> None:
    """An error line on stderr."""
    current().stderr.write(f"readlist: {shown(text)}\n")


def note(text: str) -> None:
    """A plain message line on stderr (a summary that is not a result)."""
    current().stderr.write(shown(text) + "\n")


def warn(text: str) -> None:
    """A warning line on stderr."""
    current().stderr.write(f"warning: {shown(text)}\n")
