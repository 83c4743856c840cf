"""The library screen's data side: the papers on show, in step with the file, query and order.

:class:`LibraryView` is the base of :class:`~readlist.tui.screens.library.LibraryScreen`
and of the parts mixed into it (:mod:`.library_actions`, :mod:`.library_transfers`):
everything they share lives here, so each part reads on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from textual import work
from textual.screen import Screen
from textual.widgets import Input

from readlist.errors import ReadlistError
from readlist.models import Paper, Status
from readlist.query import Query, parse_query, sort_papers
from readlist.store import Library
from readlist.tui.screens.welcome import WelcomeScreen
from readlist.tui.session import LibrarySession
from readlist.tui.widgets.counts_header import CountsHeader
from readlist.tui.widgets.facet_sidebar import FacetSidebar
from readlist.tui.widgets.paper_table import PaperTable

#: The orders ``s`` cycles through.
SORT_CYCLE = ("published", "added", "title", "author", "status")


def plural(count: int, noun: str) -> str:
    """``1 paper`` / ``3 papers``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class LibraryView(Screen[None]):
    """The session, the query and the order, and redrawing table, facets and counts from them."""

    def __init__(self, session: LibrarySession, *, today: Callable[[], date] = date.today) -> None:
        """A view of ``session``'s library; ``today`` dates the stats."""
        super().__init__()
        self.session = session
        self.today = today
        self.sort_by = SORT_CYCLE[0]
        self._query: Query = parse_query("")
        self._poll_error: str | None = None
        #: The welcome screen while it is up (an empty library); papers arriving close it.
        self._welcome: WelcomeScreen | None = None
        #: The whole library in the current order; filtering keeps this order.
        self._sorted: list[Paper] | None = None
        self._statuses: Counter[Status] = Counter()

    @property
    def library(self) -> Library:
        """The library on screen."""
        return self.session.library

    @property
    def table(self) -> PaperTable:
        """The paper table."""
        return self.query_one(PaperTable)

    @property
    def search(self) -> Input:
        """The search bar."""
        return self.query_one("#search", Input)

    def _is_empty(self) -> bool:
        try:
            return len(self.library) == 0
        except ReadlistError:
            return False

    def refresh_view(self, *, counts: bool = True, keep: str | None = None) -> None:
        """Re-run the query and redraw the rows; ``counts``: the data changed too."""
        if counts:
            self._sorted = None
        try:
            if self._sorted is None:
                self._sorted = sort_papers(self.library.papers(), self.sort_by)
            if self._query.is_empty:
                papers = self._sorted
            else:
                matching = {paper.key for paper in self.library.search(self._query)}
                papers = [paper for paper in self._sorted if paper.key in matching]
        except ReadlistError as error:
            self.notify(
                str(error),
                title="Cannot read the library",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.table.set_papers(papers, keep=keep)
        if counts:
            self._statuses = self.library.status_counts()
            self.query_one(FacetSidebar).show_counts(
                self._statuses, self.library.tag_counts(), self.library.category_counts()
            )
        self._show_counts()

    def _show_counts(self) -> None:
        self.query_one(CountsHeader).show_counts(
            self._statuses,
            shown=len(self.table.papers),
            selected=len(self.table.selected),
            sort_by=self.sort_by,
        )

    def _library_changed(self) -> None:
        """The library was reloaded from disk: redraw, keeping the cursor's paper."""
        known = {paper.key for paper in self.library.papers()}
        self.table.forget(self.table.selected - known)
        self.refresh_view()
        self._warm_up()
        if self._welcome is not None and not self._is_empty():
            self._welcome.dismiss(None)

    def _poll(self) -> None:
        """Pick up changes another process (the CLI) saved."""
        try:
            changed = self.session.reload_if_changed()
        except ReadlistError as error:
            if str(error) != self._poll_error:
                self.notify(
                    str(error), title="Cannot reload the library", severity="error", markup=False
                )
            self._poll_error = str(error)
            return
        self._poll_error = None
        if changed:
            self._library_changed()

    @work(
        thread=True,
        exclusive=True,
        group="warm-up",
        exit_on_error=False,
        description="build the search index",
    )
    def _warm_up(self) -> None:
        self.session.warm_up()
