"""The header line: how many papers there are, unread, reading and read."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from readlist.models import Status
from readlist.view import STATUS_GLYPHS

#: Cells between the two halves.
GAP = 2
#: Which variants to try, best first, as (library half, view half) levels; the view half
#: has two more levels (with the sync state) when sync is set up, see :meth:`_draw`.
PREFERENCE = ((0, 0), (0, 1), (1, 0), (1, 1), (2, 1), (1, 2), (2, 2), (3, 2))


def library_variants(statuses: Counter[Status]) -> list[Text]:
    """The left half, longest first: labels shorten before any count is dropped."""
    total = sum(statuses.values())
    counts = [(STATUS_GLYPHS[s], statuses[s], s.value) for s in Status]
    full = Text.assemble(("readlist", "bold"), "  ", (f"{total} papers", "bold"))
    for glyph, count, name in counts:
        full.append(f"   {glyph} {count} {name}")
    medium = Text(f"{total} papers", style="bold")
    for glyph, count, name in counts:
        medium.append(f"  {glyph} {count} {name}", style="")
    short = Text(f"{total} papers", style="bold")
    for glyph, count, _ in counts:
        short.append(f" {glyph}{count}", style="")
    tiny = Text(str(total), style="bold")
    for glyph, count, _ in counts:
        tiny.append(f" {glyph}{count}", style="")
    return [full, medium, short, tiny]


def view_variants(
    shown: int, selected: int, sort_by: str, sync: str = "", *, more: bool = False
) -> list[Text]:
    """The right half, longest first; ``sync`` (``synced 10:42``) goes first when short of room.

    ``more``: more rows than ``shown`` are coming (``showing 1000+``).
    """
    plus = "+" if more else ""
    full = Text(f"showing {shown}{plus}")
    short = Text(f"{shown}{plus} shown")
    if selected:
        full.append(f" · {selected} selected", style="bold")
        short.append(f" · {selected} sel.", style="bold")
    if sort_by:
        full.append(f" · sorted by {sort_by}")
        short.append(f" · {sort_by}")
    tiny = Text(f"{shown}{plus}")
    if selected:
        tiny.append(f"/{selected}✓", style="bold")
    if not sync:
        return [full, short, tiny]
    return [full + Text(f" · {sync}"), short + Text(f" · {sync}"), full, short, tiny]


class CountsHeader(Horizontal):
    """One line: the library's counts on the left, the current view on the right.

    When the line is narrow, labels shorten (``○ 85 unread`` → ``○85``) so every
    count stays in sight.
    """

    DEFAULT_CSS = """
    CountsHeader {
        height: 1;
        & > .counts-library { width: 1fr; }
        & > .counts-view { width: auto; text-align: right; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """An empty header; :meth:`show_counts` fills it."""
        super().__init__(id=id)
        self._left: list[Text] = [Text()]
        self._right: list[Text] = [Text()]

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
        sync: str = "",
        more: bool = False,
    ) -> None:
        """Redraw with these numbers (and the sync state, when sync is set up).

        ``more``: the rows on show are the first of more to come.
        """
        self._left = library_variants(statuses)
        self._right = view_variants(shown, selected, sort_by, sync, more=more)
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        """Pick the labels that fit the new width."""
        self._draw()

    def _draw(self) -> None:
        width = self.content_size.width or 10_000
        left, right = self._left[-1], self._right[-1]
        extra = max(len(self._right) - 3, 0)  # the variants with the sync state come first
        levels = [(0, level) for level in range(extra)]
        levels += [(left_level, right_level + extra) for left_level, right_level in PREFERENCE]
        for left_level, right_level in levels:
            candidate = self._left[left_level], self._right[right_level]
            if candidate[0].cell_len + GAP + candidate[1].cell_len <= width:
                left, right = candidate
                break
        self.query_one(".counts-library", Static).update(left)
        self.query_one(".counts-view", Static).update(right)
