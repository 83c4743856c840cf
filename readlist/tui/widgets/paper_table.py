"""The paper table: a virtual table that renders only the rows on screen.

Textual's ``DataTable`` measures every cell of every row it is given, which
costs most of a second for 10,000 papers on each keystroke of a search. This
table keeps the list of papers and draws each visible line on demand (the Line
API), so filtering a large library costs only the search itself. What the
columns are and what each cell says is in :mod:`readlist.tui.widgets.columns`.

Why ~400 lines: the Line API asks a widget for its own scrolling, cursor, selection
and mouse handling, which ``DataTable`` would otherwise give; they share the row list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readlist.models import Paper, Status
from readlist.tui.widgets.columns import (
    LEAD,
    NOTE_MARK,
    SORT_COLUMNS,
    Column,
    cell_values,
    content_widths,
    heading_text,
    layout,
)
from readlist.view import STATUS_GLYPHS, fit

SELECTED_MARK = "▌"
STATUS_CLASSES = {Status.UNREAD: "unread", Status.READING: "reading", Status.READ: "read"}
#: Rendered rows kept; the cache is emptied when it grows past this.
STRIP_CACHE_SIZE = 1000


@dataclass(frozen=True)
class RowStyles:
    """The styles one row is drawn with."""

    plain: Style
    status: Style
    tags: Style


class PaperTable(ScrollView, can_focus=True):
    """A scrolling table of papers with a row cursor and a multi-row selection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-table--header",
        "paper-table--cursor",
        "paper-table--selected",
        "paper-table--unread",
        "paper-table--reading",
        "paper-table--read",
        "paper-table--tags",
        "paper-table--dim",
    }

    DEFAULT_CSS = """
    PaperTable {
        background: $surface;
        overflow-x: hidden;
        & > .paper-table--header { text-style: bold; background: $panel; }
        & > .paper-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .paper-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-table--selected { background: $accent 30%; text-style: bold; }
        & > .paper-table--unread { text-style: bold; }
        & > .paper-table--reading { color: $warning; }
        & > .paper-table--read { color: $text-muted; }
        & > .paper-table--tags { color: $secondary; }
        & > .paper-table--dim { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "First paper", show=False),
        Binding("end,G", "last", "Last paper", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("space", "toggle_selection", "Select", show=False, tooltip="for bulk actions"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Index of the highlighted row."""

    sort_by: reactive[str] = reactive("published")
    """The sort order the rows are in, to mark the heading."""

    sort_reversed: reactive[bool] = reactive(False)
    """Whether that order is reversed (the mark points up)."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto another paper, or the rows changed under it."""

        table: PaperTable
        paper: Paper | None
        moved: bool = True
        """Whether the user moved the cursor (False: new rows were set)."""

        @property
        def control(self) -> PaperTable:
            """The table that posted the message."""
            return self.table

    @dataclass
    class SelectionChanged(Message):
        """Rows were selected or unselected."""

        table: PaperTable
        keys: frozenset[str]

        @property
        def control(self) -> PaperTable:
            """The table that posted the message."""
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        """An empty table; fill it with :meth:`set_papers`."""
        super().__init__(name=name, id=id)
        self._papers: list[Paper] = []
        self._index: dict[str, int] = {}
        self._selected: set[str] = set()
        self._highlighted_key: str | None = None
        self._setting_rows = False
        self._row_styles: dict[tuple[Status, bool, bool], RowStyles] = {}
        self._strips: dict[tuple[str, bool, bool, int], tuple[Paper, Strip]] = {}
        self._wanted: dict[str, int] = content_widths([])
        self._layout: tuple[int, list[tuple[Column, int]]] | None = None

    # -- data ------------------------------------------------------------------

    @property
    def papers(self) -> Sequence[Paper]:
        """The rows, in display order."""
        return self._papers

    @property
    def highlighted(self) -> Paper | None:
        """The paper under the cursor."""
        if 0 <= self.cursor < len(self._papers):
            return self._papers[self.cursor]
        return None

    @property
    def selected(self) -> frozenset[str]:
        """Keys of the selected papers (they may be outside the current rows)."""
        return frozenset(self._selected)

    def set_papers(
        self,
        papers: Iterable[Paper],
        *,
        keep: str | None = None,
        first: bool = False,
        positions: dict[str, int] | None = None,
    ) -> None:
        """Show ``papers``; the cursor stays on ``keep`` (default: the current paper).

        ``first``: put the cursor on the first row instead (the rows are a new search).
        ``positions``: each paper's row by key, when the caller worked it out already
        (off the event loop: at 50,000 rows it takes tens of milliseconds).
        """
        keep = keep if keep is not None else self._highlighted_key
        old_cursor = self.cursor
        if first:
            keep, old_cursor = None, 0
        self._papers = list(papers)
        self._index = (
            positions
            if positions is not None
            else {paper.key: n for n, paper in enumerate(self._papers)}
        )
        wanted = content_widths(self._papers)
        if wanted != self._wanted:
            self._wanted = wanted
            self._layout = None
            self._strips.clear()
        self.virtual_size = Size(0, len(self._papers) + 1)
        if keep is not None and keep in self._index:
            cursor = self._index[keep]
        else:
            cursor = min(old_cursor, len(self._papers) - 1)
        self._setting_rows = True
        try:
            self.cursor = max(cursor, 0)
        finally:
            self._setting_rows = False
        self.refresh()

    def forget(self, keys: Iterable[str]) -> None:
        """Drop keys (of removed papers) from the selection."""
        before = len(self._selected)
        self._selected.difference_update(keys)
        if len(self._selected) != before:
            self._post_selection()

    def clear_selection(self) -> None:
        """Unselect every row."""
        if self._selected:
            self._selected.clear()
            self.refresh()
            self._post_selection()

    def move_to(self, key: str) -> bool:
        """Put the cursor on the paper with ``key``; whether it is shown."""
        if key in self._index:
            self.cursor = self._index[key]
            return True
        return False

    # -- cursor ----------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        """Keep the cursor on a row."""
        return max(0, min(cursor, len(self._papers) - 1))

    def watch_cursor(self) -> None:
        """Scroll the cursor into view and announce the paper under it."""
        self._scroll_to_cursor()
        self.refresh()
        paper = self.highlighted
        self._highlighted_key = paper.key if paper else None
        self.post_message(self.Highlighted(self, paper, moved=not self._setting_rows))

    def watch_sort_by(self) -> None:
        """Redraw the heading."""
        self.refresh()

    def watch_sort_reversed(self) -> None:
        """Redraw the heading."""
        self.refresh()

    def columns(self, width: int) -> list[tuple[Column, int]]:
        """The columns at ``width`` (worked out once per width and content)."""
        if self._layout is None or self._layout[0] != width:
            self._layout = (width, layout(width, self._wanted))
        return self._layout[1]

    def _scroll_to_cursor(self) -> None:
        rows_visible = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size in step with the width and the cursor in view."""
        self.virtual_size = Size(0, len(self._papers) + 1)
        self._scroll_to_cursor()

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def action_cursor_down(self) -> None:
        """Move to the next paper."""
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Move to the previous paper."""
        self.cursor -= 1

    def action_first(self) -> None:
        """Move to the first paper."""
        self.cursor = 0

    def action_last(self) -> None:
        """Move to the last paper."""
        self.cursor = len(self._papers) - 1

    def action_page_down(self) -> None:
        """Move a page down."""
        self.cursor += self._page()

    def action_page_up(self) -> None:
        """Move a page up."""
        self.cursor -= self._page()

    def action_toggle_selection(self) -> None:
        """Select or unselect the highlighted paper, then move down."""
        paper = self.highlighted
        if paper is None:
            return
        if paper.key in self._selected:
            self._selected.discard(paper.key)
        else:
            self._selected.add(paper.key)
        self._post_selection()
        self.cursor += 1

    def _post_selection(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self, frozenset(self._selected)))

    def on_click(self, event: events.Click) -> None:
        """Move the cursor to the clicked row."""
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.cursor = round(self.scroll_offset.y) + offset.y - 1

    # -- rendering -------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"paper-table--{name}", partial=True)

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus): drop what was drawn with the old ones."""
        super().notify_style_update()
        self._row_styles.clear()
        self._strips.clear()

    def _styles_for(self, status: Status, selected: bool, cursor: bool) -> RowStyles:
        """The styles of a row in this state (combining styles is slow: cached)."""
        state = (status, selected, cursor)
        styles = self._row_styles.get(state)
        if styles is None:
            row = self.rich_style
            if selected:
                row += self._style("selected")
            cursor_style = self._style("cursor") if cursor else Style()
            status_style = self._style(STATUS_CLASSES[status])
            styles = RowStyles(
                plain=row + cursor_style,
                status=row + status_style + cursor_style,
                tags=row + self._style("tags") + cursor_style,
            )
            self._row_styles[state] = styles
        return styles

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the view: the heading, then one paper per line."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._heading(width, base)
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self._papers):
            if not self._papers and y == 1:
                return self._line(
                    [Segment("  No papers match.", base + self._style("dim"))], width, base
                )
            return Strip.blank(width, base)
        return self._row(index, width)

    def _line(self, segments: list[Segment], width: int, style: Style) -> Strip:
        return Strip(segments).crop_extend(0, width, style)

    def _heading(self, width: int, base: Style) -> Strip:
        style = base + self._style("header")
        marked = SORT_COLUMNS.get(self.sort_by)
        mark = "▴" if self.sort_reversed else "▾"
        segments = [Segment(fit(f" {mark}" if marked == "status" else "", LEAD), style)]
        for column, cell_width in self.columns(width):
            heading = heading_text(column, cell_width - (column.key == marked))
            heading += mark if column.key == marked else ""
            segments += [Segment(fit(heading, cell_width), style), Segment(" ", style)]
        return self._line(segments, width, style)

    def _row(self, index: int, width: int) -> Strip:
        paper = self._papers[index]
        selected = paper.key in self._selected
        cursor = index == self.cursor
        cache_key = (paper.key, selected, cursor, width)
        cached = self._strips.get(cache_key)
        if cached is not None and cached[0] is paper:
            return cached[1]
        styles = self._styles_for(paper.status, selected, cursor)
        values = cell_values(paper)
        segments = [
            Segment(SELECTED_MARK if selected else " ", styles.plain),
            Segment(STATUS_GLYPHS[paper.status], styles.status),
            Segment(NOTE_MARK if paper.notes.strip() else " ", styles.tags),
            Segment(" ", styles.plain),
        ]
        for column, cell_width in self.columns(width):
            style = {"title": styles.status, "tags": styles.tags}.get(column.key, styles.plain)
            segments.append(Segment(fit(values[column.key], cell_width), style))
            segments.append(Segment(" ", styles.plain))
        strip = self._line(segments, width, styles.plain)
        if len(self._strips) > STRIP_CACHE_SIZE:
            self._strips.clear()
        self._strips[cache_key] = (paper, strip)
        return strip
