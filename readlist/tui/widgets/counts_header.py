"""The header line: how many papers there are, unread, reading and read."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from readlist.models import Status
from readlist.view import STATUS_GLYPHS


class CountsHeader(Horizontal):
    """One line: the library's counts on the left, the current view on the right."""

    DEFAULT_CSS = """
    CountsHeader {
        height: 1;
        & > .counts-library { width: 1fr; }
        & > .counts-view { width: 52; text-align: right; }
    }
    """

    def compose(self) -> ComposeResult:
        """Two halves."""
        yield Static(classes="counts-library")
        yield Static(classes="counts-view")

    def show_counts(
        self,
        statuses: Counter[Status],
        *,
        shown: int,
        selected: int = 0,
        sort_by: str = "",
    ) -> None:
        """Redraw with these numbers."""
        total = sum(statuses.values())
        left = Text.assemble(("readlist", "bold"), "  ", (f"{total} papers", "bold"))
        for status in Status:
            left.append(f"   {STATUS_GLYPHS[status]} {statuses[status]} {status.value}")
        right = Text(f"showing {shown}")
        if selected:
            right.append(f" · {selected} selected", style="bold")
        if sort_by:
            right.append(f" · sorted by {sort_by}")
        self.query_one(".counts-library", Static).update(left, layout=False)
        self.query_one(".counts-view", Static).update(right, layout=False)
