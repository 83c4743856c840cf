"""How papers are shown, the same in the CLI and the TUI: status glyphs and short author lists."""

from __future__ import annotations

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
