"""Text from data as the interface shows it: literally, never markup, no control characters."""

from __future__ import annotations

from textual.content import Content

from readlist.text import one_line, strip_controls


def literal(text: str) -> Content:
    """``text`` on one line, shown exactly: ``[b]`` stays ``[b]``, escape sequences go."""
    return Content(one_line(text))


def literal_lines(text: str) -> Content:
    """``text`` shown exactly, newlines kept (for notes, messages and abstracts)."""
    return Content(strip_controls(text))
