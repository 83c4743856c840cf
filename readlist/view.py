"""How papers are shown, the same in the CLI and the TUI: glyphs, short author lists, cells."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from readlist.models import Paper, Status
from readlist.text import one_line

STATUS_GLYPHS = {Status.UNREAD: "○", Status.READING: "◐", Status.READ: "●"}


def authors_short(paper: Paper, limit: int = 1) -> str:
    """``First Author et al.`` style, for narrow columns."""
    if not paper.authors:
        return ""
    shown = ", ".join(one_line(a) for a in paper.authors[:limit])
    if len(paper.authors) > limit or paper.authors_truncated:
        shown += " et al."
    return shown


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():  # a cell a character: `list` fits 40,000 fields
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def plural(count: int, noun: str) -> str:
    """``1 paper`` / ``3 papers``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
