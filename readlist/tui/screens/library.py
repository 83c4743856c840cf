"""The main screen: search bar, paper table, detail pane, facet sidebar and counts.

:class:`LibraryScreen` is one screen composing widgets. It holds the keys, the
layout, the query and order, and redraws the widgets from the session's rows.
What it does to papers is :class:`~readlist.tui.paper_actions.PaperActions`
(shared with triage); the welcome, import and export flows are
:class:`~readlist.tui.screens.library_transfers.LibraryTransfers`. The sort, the
query and the sidebar's visibility are remembered between runs
(:mod:`readlist.tui.state`).

Why it is ~700 lines: it carries the main screen's 30-odd keys, each a short
action that hands the work to the session, the actions object or a flow module
(undo in :mod:`readlist.tui.history`, sync in :mod:`readlist.tui.sync`); the
sidebar's wiring and the search bar's handling are next to move into widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from time import monotonic
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from readlist.errors import QueryError
from readlist.models import Paper, Status
from readlist.query import Query, parse_query
from readlist.store import Library
from readlist.tui.commands import SORT_CYCLE, LibraryCommands
from readlist.tui.dialogs.command import command_session
from readlist.tui.key_hold import KeyHold
from readlist.tui.literal import literal_lines
from readlist.tui.paper_actions import PaperActions
from readlist.tui.screens.library_transfers import LibraryTransfers
from readlist.tui.screens.stats import StatsScreen
from readlist.tui.screens.triage import TriageScreen, TriageSummary
from readlist.tui.session import RELOAD_FAILED, Counts, LibrarySession, Rows
from readlist.tui.state import load_state, save_state
from readlist.tui.widgets.counts_header import CountsHeader
from readlist.tui.widgets.facet_sidebar import (
    FacetCounts,
    FacetSidebar,
    facet_counts,
    toggle_term,
)
from readlist.tui.widgets.fitting_footer import FittingFooter
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from readlist.view import plural, row_order

#: How often to look for changes saved by another process.
POLL_SECONDS = 1.0
#: How often the header's sync state is asked of git (also after a sync).
SYNC_STATE_SECONDS = 30.0
#: Least time between two redraws of the detail pane while the cursor moves.
DETAIL_INTERVAL = 0.08
SEARCH_PLACEHOLDER = "Search: words, tag:x status:unread author:kim year:>=2023 a OR b sort:title"
#: The footer's keys to leave out first when the terminal is narrow.
FOOTER_DROP_ORDER = ("command", "import_file", "open_code", "triage", "edit_note", "cycle_sort")


class LibraryScreen(Screen[None]):
    """Browse, search and edit the library; every change is saved at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs before the keys after it are routed, so a query
        # typed (or pasted) right after "/" lands in the search bar, not on the table.
        Binding("slash", "focus_search", "Search", tooltip="filter as you type", priority=True),
        Binding("f", "focus_facets", "Facets", tooltip="status, tag, category list"),
        Binding("backslash,ctrl+b", "toggle_sidebar", "Hide/show sidebar", show=False),
        Binding(
            "escape",
            "back",
            "Clear / back",
            show=False,
            tooltip="to the table; there: unselect, then clear the query",
        ),
        Binding("enter", "focus_detail", "Details", show=False, tooltip="scroll the detail pane"),
        Binding("r", "cycle_status", "Status", tooltip="unread → reading → read"),
        Binding("U", "set_status('unread')", "Mark unread", show=False),
        Binding("R", "set_status('reading')", "Mark reading", show=False),
        Binding("d", "set_status('read')", "Mark read", show=False),
        Binding("t", "add_tags", "Tag", tooltip="add tags (→ completes)"),
        Binding("T", "remove_tag", "Remove a tag", show=False),
        Binding("n", "edit_note", "Note", tooltip="edit the Markdown note here"),
        Binding("E", "edit_note_externally", "Note in $EDITOR", show=False),
        Binding(
            "ctrl+e", "edit_metadata", "Edit metadata", show=False, tooltip="BibTeX in $EDITOR"
        ),
        Binding("o", "open_code", "Code", tooltip="open the code (or search for it)"),
        Binding(
            "P", "open_pdf", "Open PDF", show=False, tooltip="the downloaded one, else the link"
        ),
        Binding(
            "p", "open_paper", "Paper page", show=False, tooltip="arXiv or DOI page, else a search"
        ),
        Binding("y", "copy_bibtex", "Copy BibTeX", show=False, tooltip="selection or paper"),
        Binding("c", "copy_citation", "Copy \\cite{…}", show=False, tooltip="the keys, to paste"),
        Binding("e", "export", "Export", tooltip="BibTeX, CSL-JSON or Markdown"),
        Binding("i", "import_file", "Import", tooltip="a file, or ctrl+s: the samples"),
        Binding("a", "add_by_id", "Add", show=False, tooltip="by arXiv id, DOI, ACL id or URL"),
        Binding("s", "cycle_sort", "Sort", tooltip="date, added, title, author, status"),
        Binding("minus", "reverse_sort", "Reverse sort", show=False),
        Binding("colon", "command", "Command", tooltip="run a readlist command here"),
        Binding("x,delete", "remove", "Remove", show=False, tooltip="asks first"),
        Binding("v,ctrl+t", "triage", "Triage", tooltip="unread papers one at a time"),
        Binding("S", "stats", "Stats", show=False, tooltip="reading stats"),
        Binding("ctrl+g", "sync", "Sync", show=False, tooltip="readlist sync (git)"),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="undo the last command"),
        Binding("H", "paper_history", "History", show=False, tooltip="what changed in this paper"),
        Binding(
            "ctrl+r,ctrl+y", "redo", "Redo", show=False, tooltip="redo the last command undone"
        ),
        Binding("q", "app.quit", "Quit"),
    ]
    """Keys; tag, status, export and remove act on the selection when there is one."""
    COMMANDS = Screen.COMMANDS | {LibraryCommands}
    """The palette's commands without a key (the keys are there as system commands)."""

    def __init__(
        self,
        session: LibrarySession,
        *,
        today: Callable[[], date] = date.today,
        key_hold: KeyHold | None = None,
    ) -> None:
        """The main screen on ``session``'s library; ``today`` dates the stats.

        ``key_hold``: the app's, to hold keys while only the first rows are shown.
        """
        super().__init__()
        self.key_hold = key_hold or KeyHold()
        self.session = session
        self.today = today
        self.state, self._state_problem = load_state()
        self.sort_by = self.state.sort_by if self.state.sort_by in SORT_CYCLE else SORT_CYCLE[0]
        self.sort_reversed = self.state.sort_reversed
        self.paper_actions = PaperActions(self, session)  # redrawn on LibrarySession.Changed
        self.transfers = LibraryTransfers(self, session)
        self._query: Query = parse_query("")
        self._statuses = Counts.empty().statuses
        self._poll_error: str | None = None
        self._detail_pending: Paper | None = None
        self._sync_label = ""
        self._detail_timer: Timer | None = None
        self._detail_shown_at = 0.0
        #: Rows asked of the library thread and not back yet; asked again when they are.
        self._rows_asked = False
        self._rows_again = False
        self._rows_counts = False
        self._rows_keep: str | None = None
        self._rows_first = False
        self._keep_after_reload: str | None = None
        self._first_rows = True
        #: While the first page is shown: how many rows there are in all.
        self._first_page_of: int | None = None
        #: Whether a first page is on show with more rows to come than it says.
        self._first_page_more = False

    @property
    def library(self) -> Library:
        """The library on screen (touched only on the session's thread; its path anywhere)."""
        return self.session.library

    @property
    def table(self) -> PaperTable:
        """The paper table."""
        return self.query_one(PaperTable)

    @property
    def search(self) -> Input:
        """The search bar."""
        return self.query_one("#search", Input)

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Counts on top, facets on the left, search + table + detail on the right."""
        yield CountsHeader(id="counts")
        with Horizontal(id="body"):
            yield FacetSidebar(id="facets")
            with Vertical(id="main"):
                yield Input(placeholder=SEARCH_PLACEHOLDER, id="search")
                yield Static(id="query-error")
                yield PaperTable(id="papers")
                yield PaperDetail(id="detail")
        yield FittingFooter(drop_order=FOOTER_DROP_ORDER)

    def on_mount(self) -> None:
        """Show the library as last left, start watching the file, greet an empty library."""
        self.query_one("#query-error").display = False
        self.query_one(FacetSidebar).display = self.state.sidebar_visible
        if self._state_problem:
            self.notify(self._state_problem, severity="warning", markup=False)
        self.table.focus()
        self.session.listen(self)
        self._restore_query(self.state.query_for(self.library.path))
        self.refresh_view()
        self.set_interval(POLL_SECONDS, self._poll)
        self._refresh_sync_state()
        self.set_interval(SYNC_STATE_SECONDS, self._refresh_sync_state)

    def _refresh_sync_state(self) -> None:
        from readlist.tui.sync import refresh_sync_state  # git only when asked

        refresh_sync_state(self)

    def show_sync_label(self, label: str) -> None:
        """Show the sync state (``synced 10:42``) in the header; ``""`` hides it."""
        if label != self._sync_label:
            self._sync_label = label
            self._show_counts()

    # -- the rows on show --------------------------------------------------------

    def library_is_empty(self) -> bool:
        """Whether the library holds no papers (a damaged or unread one is not empty)."""
        snapshot = self.session.snapshot
        return snapshot.loaded and len(snapshot) == 0

    def _restore_query(self, text: str) -> None:
        """Put the query remembered from the last run in the bar (shown by the first draw)."""
        try:
            self._query = parse_query(text)
        except QueryError:  # the bar's change event shows the error, as for a typed one
            self.search.value = text
            return
        with self.search.prevent(Input.Changed):  # the first draw runs it once
            self.search.value = text

    def on_unmount(self) -> None:
        """Remember the query for the next run; no more news of the library."""
        self.session.stop_listening(self)
        self.remember()

    def remember(self) -> None:
        """Save the screen's state (sort, query, sidebar, export choices) for the next run."""
        self.state.sort_by, self.state.sort_reversed = self.sort_by, self.sort_reversed
        self.state.remember_query(self.library.path, self._query.text.strip())
        problem = save_state(self.state)
        if problem and problem != self._state_problem:
            self.notify(problem, severity="warning", markup=False)
        self._state_problem = problem

    @property
    def order(self) -> tuple[str, bool]:
        """The order on show and whether it is reversed: a ``sort:`` in the query wins."""
        return row_order(self._query, default=(self.sort_by, self.sort_reversed))

    def refresh_view(
        self, *, counts: bool = True, keep: str | None = None, first: bool = False
    ) -> None:
        """Re-run the query (on the library thread) and redraw; ``counts``: the data changed.

        ``first``: the rows are a new search, so the cursor goes to the first one. While
        rows are being worked out, further asks are folded into one that runs when
        they are back, so typing never queues a query per keystroke.
        """
        self._rows_counts = self._rows_counts or counts
        self._rows_keep = keep if keep is not None else self._rows_keep
        self._rows_first = self._rows_first or first
        if self._rows_asked:
            self._rows_again = True
            return
        self._rows_asked, self._rows_again = True, False
        counts, self._rows_counts = self._rows_counts, False
        by, reverse = self.order
        self.session.rows(
            self._query,
            by,
            counts=counts,
            reverse=reverse,
            facets=self.query_one(FacetSidebar).display,
            then=self._show_rows,
            failed=self._rows_failed,
            preview=self._show_first_page if self._first_rows else None,
            preview_facets=self._show_first_facets if self._first_rows else None,
        )

    def _show_first_page(self, rows: Rows) -> None:
        """Show the first rows of a large library while the rest are built.

        Keys are held meanwhile (see :mod:`readlist.tui.key_hold`), so none acts on
        a row that is not there yet; all rows replace these, the cursor kept.
        """
        if not self._first_rows or self._rows_again:  # all rows came first, or a query
            return
        if not self.is_attached:  # the app quit before the page came
            return
        self._first_page_of = rows.shown
        self._first_page_more = rows.more
        self.key_hold.hold()
        by, reverse = self.order
        self.table.sort_by, self.table.sort_reversed = by, reverse
        self.table.set_papers(rows.papers, first=True, positions=rows.positions)
        if rows.counts is not None:
            self._statuses = rows.counts.statuses
        self._show_counts()

    def _show_first_facets(self, counted: FacetCounts) -> None:
        """The sidebar's counts of the whole library, while its first page is on show."""
        # Called from the library thread's job: the screen may be gone (the app quit).
        if not self.is_attached or not self._first_rows or self._rows_again:
            return
        if self._first_page_of is not None or self._first_page_more:
            self._show_facets(counted)

    def _all_rows_shown(self) -> None:
        """The first page (if one was shown) gave way: the held keys go on."""
        self._first_page_of = None
        self._first_page_more = False
        self.key_hold.release(self.app)

    def _rows_failed(self, error: Exception) -> None:
        self._rows_asked = False
        self._all_rows_shown()
        self.notify(
            str(error), title="Cannot read the library", severity="error", timeout=30, markup=False
        )

    def _show_rows(self, rows: Rows) -> None:
        self._rows_asked = False
        if self._rows_again:  # out of date already: only the newest rows are drawn
            self._rows_counts = self._rows_counts or rows.counts is not None
            self.refresh_view(counts=False)
            return
        keep, self._rows_keep = self._rows_keep, None
        first, self._rows_first = self._rows_first, False
        by, reverse = self.order
        self.table.forget(self.table.selected - rows.known)
        self.table.sort_by, self.table.sort_reversed = by, reverse
        self.table.set_papers(rows.papers, keep=keep, first=first, positions=rows.positions)
        if rows.counts is not None:
            self._statuses = rows.counts.statuses
        self._first_page_of = None
        self._first_page_more = False
        self._show_facets(rows.facets)
        self._show_counts()
        if self._first_rows:
            self._first_rows = False
            self._all_rows_shown()
            self.session.warm_up()
            if self.library_is_empty():
                self.call_after_refresh(self.transfers.welcome)
        elif rows.known:  # papers arrived (another process imported): the welcome goes
            self.transfers.close_welcome()

    def _show_facets(self, counted: FacetCounts | None = None) -> None:
        """Show the rows' counts in the sidebar (not while it is hidden).

        ``counted``: the counts, made on the library thread with the rows; else they
        are counted here (the sidebar was just shown).
        """
        sidebar = self.query_one(FacetSidebar)
        if sidebar.display:
            sidebar.show_counts(counted if counted is not None else facet_counts(self.table.papers))

    def _show_counts(self) -> None:
        by, reverse = self.order
        self.query_one(CountsHeader).show_counts(
            self._statuses,
            shown=self._first_page_of or len(self.table.papers),
            more=self._first_page_more,
            selected=len(self.table.selected),
            sort_by=f"{by} ▴" if reverse else by,
            sync=self._sync_label,
        )

    def library_changed(self, *, keep: str | None = None) -> None:
        """Another process saved the library (an import): reload it, which redraws.

        ``keep``: the paper to put the cursor on once the reloaded rows are drawn.
        """
        self._keep_after_reload = keep
        self.session.reload_if_changed(origin=self)

    def _poll(self) -> None:
        """Pick up changes another process (the CLI) saved, on the library thread."""
        self.session.reload_if_changed(origin=self)

    @on(LibrarySession.Changed)
    def _library_changed(self, event: LibrarySession.Changed) -> None:
        """A write was saved or the file reloaded: redraw, keeping the cursor's paper."""
        keep = None
        if event.reloaded:
            self._poll_error = None
            keep, self._keep_after_reload = self._keep_after_reload, None
        self.refresh_view(keep=keep)
        if self._sync_label:  # sync is set up: "changes to send" may have changed
            self._refresh_sync_state()

    @on(LibrarySession.Failed)
    def _library_failed(self, event: LibrarySession.Failed) -> None:
        """Library work failed: one plain line (a reload failing again is not repeated)."""
        if event.title == RELOAD_FAILED:
            if event.error == self._poll_error:
                return
            self._poll_error = event.error
        self.notify(event.error, title=event.title, severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker crashed (a bug): say so instead of failing silently."""
        if event.state is WorkerState.ERROR and event.worker.group in ("import", "export"):
            self.table.loading = False
            self.notify(
                str(event.worker.error),
                title=f"{event.worker.group} failed",
                severity="error",
                markup=False,
            )

    # -- search, facets and the detail pane ------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#query-error", Static)
        try:
            query = parse_query(event.value)
        except QueryError as problem:
            error.update(literal_lines(str(problem)))
            error.display = True
            self.search.add_class("-invalid")
            return  # keep showing the last good result
        if error.display:
            error.display = False
            self.search.remove_class("-invalid")
        self._query = query
        self.refresh_view(counts=False, first=True)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()
        self.remember()

    @on(PaperTable.Highlighted)
    def _highlighted(self, event: PaperTable.Highlighted) -> None:
        """Show the paper in the detail pane; while the cursor races, only now and then.

        Redrawing the pane costs a layout pass (tens of ms), so a burst of cursor
        moves (a held ``j``) updates it at most every ``DETAIL_INTERVAL``. New rows
        (a keystroke in the search) update it at once.
        """
        self._detail_pending = event.paper
        wait = self._detail_shown_at + DETAIL_INTERVAL - monotonic()
        if not event.moved or wait <= 0:
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._show_detail()
        elif self._detail_timer is None:
            self._detail_timer = self.set_timer(wait, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_timer = None
        self._detail_shown_at = monotonic()
        detail = self.query_one(PaperDetail)
        if self._detail_pending is not detail.paper:
            detail.scroll_home(animate=False)
        detail.show(self._detail_pending)

    @on(PaperTable.SelectionChanged)
    def _selection_changed(self) -> None:
        self._show_counts()

    @on(FacetSidebar.Chosen)
    def _facet_chosen(self, event: FacetSidebar.Chosen) -> None:
        self.search.value = toggle_term(self.search.value, event.field, event.value)

    # -- browsing keys ---------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search bar (at once); in the bar, "/" is just a slash."""
        if self.focused is self.search:
            self.search.insert_text_at_cursor("/")
        else:
            self.set_focus(self.search)

    def action_focus_facets(self) -> None:
        """Move focus to the sidebar (showing it if hidden): ↑↓ move, enter filters."""
        sidebar = self.query_one(FacetSidebar)
        if not sidebar.display:
            self.action_toggle_sidebar()
        sidebar.focus()
        if sidebar.highlighted is None:
            sidebar.action_first()

    def action_toggle_sidebar(self) -> None:
        """Hide the sidebar (the table gets its width) or show it again."""
        sidebar = self.query_one(FacetSidebar)
        sidebar.display = self.state.sidebar_visible = not sidebar.display
        if sidebar.display:
            self._show_facets()  # at once from the rows on show, then with alternatives
            self.refresh_view(counts=False)
        elif self.focused is sidebar:
            self.table.focus()
        self.remember()

    def action_focus_detail(self) -> None:
        """Move focus to the detail pane (to scroll a long abstract)."""
        self.query_one(PaperDetail).focus()

    def action_back(self) -> None:
        """Escape: back to the table; in the table, clear the selection, else the query."""
        focused = self.focused
        if focused is not self.table:
            self.table.focus()
        elif self.table.selected:
            self.table.clear_selection()
        elif self.search.value:
            self.search.value = ""

    def action_cycle_sort(self) -> None:
        """Sort by the next order: published, added, title, author, status."""
        self.action_sort(SORT_CYCLE[(SORT_CYCLE.index(self.sort_by) + 1) % len(SORT_CYCLE)])

    def action_sort(self, by: str) -> None:
        """Sort by ``by`` (one of :data:`SORT_CYCLE`)."""
        if by in SORT_CYCLE:
            self.sort_by = by
            self._sort_changed()

    def action_reverse_sort(self) -> None:
        """Turn the order round (oldest first, Z→A); papers without the value stay last."""
        self.sort_reversed = not self.sort_reversed
        self._sort_changed()

    def _sort_changed(self) -> None:
        if self._query.sort is not None:
            self.notify(f"The query's {self._query.sort} decides the order", markup=False)
        self.refresh_view(counts=False)
        self.remember()

    def action_filter(self, field: str, value: str) -> None:
        """Toggle ``field:value`` in the query."""
        self.search.value = toggle_term(self.search.value, field, value)

    # -- what the paper keys act on --------------------------------------------

    def _targets(self) -> list[str]:
        """The selection when there is one, else the highlighted paper (keys still known)."""
        if self.table.selected:
            keys = sorted(self.table.selected)
        else:
            paper = self.table.highlighted
            keys = [paper.key] if paper else []
        known = self.session.snapshot.papers
        return [key for key in keys if key in known]

    def _current(self) -> Paper | None:
        """The highlighted paper, as the library last stood."""
        paper = self.table.highlighted
        if paper is None:
            self.notify("No paper here", severity="warning", markup=False)
            return None
        return self.session.snapshot.get(paper.key) or paper

    # -- paper keys ------------------------------------------------------------

    def action_cycle_status(self) -> None:
        """Move each target paper on: unread → reading → read → unread."""
        keys = self._targets()
        if not keys:
            return
        what = self.paper_actions.describe(keys)

        def change(library: Library) -> str:
            # Worked out when the write runs: keys pressed quickly each see the one before.
            groups: dict[Status, list[str]] = {}
            for paper in [library.get(key) for key in keys]:
                groups.setdefault(paper.status.next(), []).append(paper.key)
            for status, group in groups.items():
                library.set_status(group, status)
            return f"{what} → {', '.join(status.value for status in groups)}"

        self.paper_actions.write(change, done=str)

    def action_set_status(self, status: str) -> None:
        """Give the target papers ``status``."""
        keys = self._targets()
        if keys:
            new = Status(status)
            self.paper_actions.write(
                lambda library: library.set_status(keys, new),
                f"{self.paper_actions.describe(keys)} → {new.value}",
            )

    def action_add_tags(self) -> None:
        """Ask for tags and add them to the target papers."""
        self.paper_actions.add_tags(self._targets())

    def action_remove_tag(self) -> None:
        """Pick one of the target papers' tags and remove it from them."""
        self.paper_actions.remove_tag(self._targets())

    def action_edit_note(self) -> None:
        """Edit the highlighted paper's note in the app."""
        if paper := self._current():
            self.paper_actions.edit_note(paper)

    def action_edit_note_externally(self) -> None:
        """Edit the highlighted paper's note in $EDITOR (the app steps aside meanwhile)."""
        if paper := self._current():
            self.paper_actions.edit_note_externally(paper)

    def action_edit_metadata(self) -> None:
        """Edit the highlighted paper's metadata as a BibTeX entry in $EDITOR."""
        if paper := self._current():
            self.paper_actions.edit_metadata(paper)

    def action_open_pdf(self) -> None:
        """Open the highlighted paper's downloaded PDF, else its PDF link, in the PDF viewer."""
        if paper := self._current():
            self.paper_actions.open_pdf(paper)

    def action_open_code(self) -> None:
        """Open the code link, or a repository search for the title."""
        if paper := self._current():
            self.paper_actions.open_code(paper)

    def action_open_paper(self) -> None:
        """Open a search for the paper's page."""
        if paper := self._current():
            self.paper_actions.open_paper(paper)

    def action_copy_bibtex(self) -> None:
        """Copy the BibTeX entries of the selection (or the highlighted paper)."""
        keys = self._targets()
        if not keys:
            self.notify("No paper here", severity="warning", markup=False)
            return
        self.paper_actions.copy_bibtex(keys)

    def action_copy_citation(self) -> None:
        """Copy a LaTeX citation of the selection (or the highlighted paper)."""
        keys = self._targets()
        if not keys:
            self.notify("No paper here", severity="warning", markup=False)
            return
        self.paper_actions.copy_citation(keys)

    def action_undo(self) -> None:
        """Undo the last command (from here or anywhere else), in a worker."""
        from readlist.tui.history import start_reversal

        start_reversal(self, self.session, undo=True)

    def action_redo(self) -> None:
        """Redo the last command undone, in a worker."""
        from readlist.tui.history import start_reversal

        start_reversal(self, self.session, undo=False)

    def action_paper_history(self) -> None:
        """Show what the journal says happened to the highlighted paper, newest first."""
        from readlist.tui.screens.paper_history import PaperHistoryScreen

        if paper := self._current():
            self.app.push_screen(PaperHistoryScreen(self.session, paper.key, paper.title))

    def action_remove(self) -> None:
        """Remove the target papers, after asking."""
        self.paper_actions.remove(self._targets())

    # -- import, export and other screens ----------------------------------------

    def action_export(self) -> None:
        """Export the selection (or the current view) to a BibTeX file."""
        selected = self.table.selected
        if selected:
            papers = [p for p in self.session.snapshot.papers.values() if p.key in selected]
            what = plural(len(papers), "selected paper")
        else:
            papers = list(self.table.papers)
            what = plural(len(papers), "paper") + " in this view"
        self.transfers.export(papers, what)

    def action_command(self) -> None:
        """Ask for a readlist command and run it on this library (as from a shell)."""
        keys = list(self.session.snapshot.papers)
        command_session(self.app, self.library.path, keys, ran=self._poll)

    def action_import_file(self) -> None:
        """Ask for a file to import (or take the bundled samples)."""
        self.transfers.ask_import()

    def action_add_by_id(self) -> None:
        """Add papers by arXiv id, DOI, ACL Anthology id or URL."""
        self.transfers.ask_add()

    def action_import_samples(self) -> None:
        """Import the bundled sample listings."""
        self.transfers.import_samples()

    def action_triage(self) -> None:
        """Go through the unread papers of this view one at a time."""
        keys = [p.key for p in self.table.papers if p.status is Status.UNREAD]
        if not keys:
            self.notify("No unread papers in this view", markup=False)
            return

        def finished(summary: TriageSummary | None) -> None:
            self.refresh_view()
            if summary is not None and summary.seen:
                self.notify(summary.line(), title="Triage", markup=False)

        self.app.push_screen(TriageScreen(self.session, keys), finished)

    def action_sync(self) -> None:
        """Sync the library through git (readlist sync), on the library thread."""
        from readlist.tui.sync import start_sync

        start_sync(self)

    def action_stats(self) -> None:
        """Show the reading stats."""
        self.app.push_screen(StatsScreen(self.session, today=self.today()))
