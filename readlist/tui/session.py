"""The interface's hold on the library: one worker thread owns it, results come back as messages.

Every piece of library work (loading, writes, reloads after a change saved by
another process, query + sort + counts, stats) runs on one thread of its own,
in the order it was asked for, so the event loop never waits on the disk or on
a re-sort: a key pressed while a save runs is queued behind it, never lost.
Results come back on the event loop, as futures (:meth:`LibrarySession.submit`)
and as messages posted to the screens that listen:
:class:`LibrarySession.Changed` after a write or a reload, and
:class:`LibrarySession.Failed` when a write could not be saved.

What the interface needs at once (a paper's title, whether a key still exists,
the tags for completion) it reads from :attr:`LibrarySession.snapshot`, which
the worker replaces, whole, after every change.

Why over 400 lines: the thread, the queue, the snapshot and the two messages are
one protocol, and the rows (:meth:`LibrarySession.find_rows`, the first page, the
sidebar's counts) are built on that thread from an order it keeps between calls.
The query, sort and counts themselves are :mod:`readlist.view` and
:mod:`readlist.query`; building the rows is next to move into a module of its own.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

from readlist.errors import ReadlistError
from readlist.models import Paper, Status
from readlist.query import Query, parse_query, sort_name
from readlist.query.kept_order import KeptOrder
from readlist.store import Library
from readlist.store.chunked_json import between_pieces, parsed_whole
from readlist.tui.widgets.columns import MEASURED_ROWS
from readlist.tui.widgets.facet_sidebar import (
    ALTERNATIVES,
    FacetCounts,
    alternatives_counted,
    facet_counts,
    without_group,
)
from readlist.view import shown_rows

T = TypeVar("T")

#: The title of a failed reload's notice.
RELOAD_FAILED = "Cannot reload the library"
#: From this many papers on, loaded papers are frozen out of the garbage collector.
FREEZE_AT = 2000
#: A library job after which this many more objects (that the collector tracks) are
#: alive than before has loaded something: they are frozen out of its sight.
FREEZE_OBJECTS = 50_000
#: From this many papers on, the first screen opens on the first rows, read from the
#: records, while every paper is built (:meth:`LibrarySession.first_rows`).
FIRST_PAGE_AT = 2000
#: How many rows that first page holds: as many as the table measures its columns on,
#: so the columns keep their widths when all rows arrive.
FIRST_PAGE = MEASURED_ROWS
#: How long the library thread lets the event loop draw that first page, at most.
FIRST_PAGE_WAIT = 1.0
#: For a query (remembered from the last run), how many papers of the order's first
#: are built and tried for that page, at most (a query few papers match finds fewer).
FIRST_PAGE_TRIED = 8 * FIRST_PAGE
#: The interpreter's thread switch interval while the library thread works: short, so
#: the event loop gets the GIL back within a couple of milliseconds.
WORKING_SWITCH_INTERVAL = 0.001
#: Between two pieces of a file parsed or written, the library thread lets the event
#: loop run what it has to do first (a redraw), at most once per this many seconds...
GIVE_WAY_EVERY = 0.004
#: ... and waits at most this long for it (then no more in that job: the loop is busy
#: for longer, or not running).
GIVE_WAY_AT_MOST = 0.1


@dataclass(frozen=True)
class Counts:
    """How many papers the library holds by status, tag and category."""

    statuses: Counter[Status]
    tags: Counter[str]
    categories: Counter[str]

    @classmethod
    def empty(cls) -> Counts:
        """No papers at all."""
        return cls(Counter({status: 0 for status in Status}), Counter(), Counter())


@dataclass(frozen=True)
class Snapshot:
    """The library as last seen by the worker: every paper by key, and the counts."""

    papers: Mapping[str, Paper] = field(default_factory=lambda: MappingProxyType({}))
    counts: Counts = field(default_factory=Counts.empty)
    #: False until the library was first read (then an empty library is really empty).
    loaded: bool = False

    def get(self, key: str) -> Paper | None:
        """The paper with ``key``, if the library holds it."""
        return self.papers.get(key)

    def __len__(self) -> int:
        """How many papers."""
        return len(self.papers)


@dataclass(frozen=True)
class Rows:
    """What a screen shows of the library: the rows for a query and order, maybe the counts."""

    papers: list[Paper]
    #: The keys of every paper in the library (to drop vanished ones from a selection).
    known: frozenset[str]
    #: The counts, when they were asked for (the data changed), else None.
    counts: Counts | None
    #: Each row's position by paper key (for the table, worked out off the event loop).
    positions: dict[str, int] = field(default_factory=dict)
    #: The sidebar's counts of these rows, when they were asked for.
    facets: FacetCounts | None = None
    #: For the first page only: how many rows there are in all (the rest are coming).
    shown: int | None = None
    #: For the first page only: more rows may come than these (how many is not known yet).
    more: bool = False


class LibrarySession:
    """Owns the :class:`Library` for the app on one worker thread; every change goes through it."""

    @dataclass
    class Changed(Message):
        """The library changed: a write from this app was saved, or another process saved."""

        snapshot: Snapshot
        #: Whether it was read back from disk (another process saved), not written here.
        reloaded: bool

    @dataclass
    class Failed(Message):
        """Library work failed; nothing was saved. ``error`` is one plain line."""

        title: str
        error: str

    def __init__(self, library: Library) -> None:
        """Wrap ``library``; from now on only the worker thread touches it."""
        self.library = library
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readlist-library")
        self._listeners: list[MessagePump] = []
        #: The library as last seen on the worker; replaced whole, read on the event loop.
        self.snapshot = Snapshot()
        #: The whole library in the order last asked for (worker thread only); after a
        #: change only the changed papers move in it (sorting 50,000 again froze the screen).
        self._sorted: KeptOrder | None = None
        #: Whether the library changed since :attr:`_sorted` was brought up to date.
        self._sorted_stale = False
        self._reloading = False
        #: What the journal calls the next change asked for ("tui: mark read"); a write takes
        #: the name when it is queued and gives it to the library when it runs.
        self.command = ""
        #: Whether the library is large enough to keep out of the garbage collector's sight.
        #: Until the first load says how large it is, it is taken to be: that load makes
        #: millions of objects, and collections over them took half its time (50,000
        #: papers: 1.8 s with the collector, 0.8 s without).
        self._large = True
        self._normal_switch_interval = sys.getswitchinterval()
        self._app: App[Any] | None = None
        #: The event loop (once work was asked for from it) and the library thread's id.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        #: When the library thread last gave way to the loop (``inf``: not again this job).
        self._gave_way = 0.0
        #: Whether the loop waits on the library thread (then giving way would wait too).
        self._loop_waits = False

    # -- plumbing ---------------------------------------------------------------

    def start(self, app: App[Any]) -> None:
        """Wait for results in ``app``'s workers (which ``app.workers`` can wait for)."""
        self._app = app
        between_pieces(self._give_way)

    def _give_way(self) -> None:
        """On the library thread, between two pieces of a long job: let the loop run first.

        Two threads that both want the GIL take turns every switch interval, so a
        redraw of 30 ms took 60 ms while a save ran beside it: the screen stalled
        twice as long. Here the library thread asks the loop to call back once it
        has done what it had queued (a redraw) and waits for that, so the loop runs
        alone meanwhile. Cheap when the loop is idle (it calls back at once).
        """
        loop = self._loop
        if (
            loop is None
            or self._loop_waits
            or threading.get_ident() != self._thread_id
            or not loop.is_running()
        ):
            return
        now = time.perf_counter()
        if now - self._gave_way < GIVE_WAY_EVERY:
            return
        passed = threading.Event()
        try:
            loop.call_soon_threadsafe(passed.set)
        except RuntimeError:  # the loop closed meanwhile
            return
        if passed.wait(GIVE_WAY_AT_MOST):
            self._gave_way = time.perf_counter()
        else:
            self._gave_way = float("inf")

    def listen(self, node: MessagePump) -> None:
        """Post :class:`Changed` messages to ``node`` from now on."""
        if node not in self._listeners:
            self._listeners.append(node)

    def stop_listening(self, node: MessagePump) -> None:
        """No more messages to ``node``."""
        if node in self._listeners:
            self._listeners.remove(node)

    def _announce(self, snapshot: Snapshot, *, reloaded: bool) -> None:
        self.snapshot = snapshot
        for node in list(self._listeners):
            node.post_message(self.Changed(snapshot, reloaded))

    def _run(self, job: Callable[[Library], T]) -> T:
        """Run ``job`` on the worker thread, handing the GIL back to the event loop often.

        In a large library the cyclic garbage collector is off while the job runs,
        and what a job that built many objects built is frozen after it
        (:func:`gc.freeze`): a reload makes a million objects, and a full
        collection over them held the GIL, and so the screen, for hundreds of
        milliseconds. The library's records and papers have no reference cycles
        and still go when their last reference does; cyclic garbage made
        meanwhile is frozen too (once per load). After a small job (a query, a
        save) nothing is frozen: freezing after every keystroke kept all the
        interface's cyclic garbage for good (about 0.4 MB a keystroke).
        """
        large = self._large
        self._thread_id = threading.get_ident()
        self._gave_way = 0.0
        sys.setswitchinterval(WORKING_SWITCH_INTERVAL)
        if large:
            gc.disable()
        tracked = gc.get_count()[0]  # objects the collector tracks, made since it last ran
        try:
            return job(self.library)
        finally:
            if large:
                if gc.get_count()[0] - tracked >= FREEZE_OBJECTS:
                    gc.freeze()
                gc.enable()
            sys.setswitchinterval(self._normal_switch_interval)

    def submit(self, job: Callable[[Library], T]) -> asyncio.Future[T]:
        """Queue ``job`` (given the library) behind all work asked for before; its result."""
        self._loop = asyncio.get_running_loop()
        return asyncio.wrap_future(self._worker.submit(self._run, job))

    def queue(
        self,
        job: Callable[[Library], T],
        then: Callable[[T], object],
        failed: Callable[[Exception], object],
        description: str,
    ) -> None:
        """Queue ``job``; on the event loop, ``then(result)`` or ``failed(error)`` (maybe async).

        The wait runs as an app worker; when the app exits first, the job still
        runs (a write is never dropped) but nobody is told.
        """
        future = self.submit(job)

        async def wait() -> None:
            try:
                # Shielded: a cancelled wait (the app quitting) must not cancel a queued write.
                result = await asyncio.shield(future)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # reported, never raised into the loop
                answer = failed(error)
            else:
                answer = then(result)
            if inspect.isawaitable(answer):
                await answer

        if self._app is None:
            raise RuntimeError("LibrarySession.start(app) was not called")
        self._app.run_worker(wait(), group="library", description=description)

    def call_now(self, job: Callable[[Library], T]) -> T:
        """Queue ``job`` and wait for it (blocks: only to keep a draft, on failure or exit)."""
        future: Future[T] = self._worker.submit(self._run, job)
        self._loop_waits = True
        try:
            return future.result()
        finally:
            self._loop_waits = False

    async def write_awaited(self, change: Callable[[Library], T]) -> T:
        """Apply ``change`` on the library thread and return its result to the awaiting caller.

        The event loop runs on meanwhile (a note being saved awaits this in a worker).
        Errors are raised to the caller; listeners get a :class:`Changed` as after
        :meth:`write`. The save goes on even if the caller is cancelled (the app quits).
        """
        result, snapshot = await asyncio.shield(self.submit(self._change_job(change)))
        self._announce(snapshot, reloaded=False)
        return result

    def _change_job(
        self, change: Callable[[Library], T]
    ) -> Callable[[Library], tuple[T, Snapshot]]:
        """``change`` as a library-thread job named after :attr:`command` as it is now."""
        command = self.command

        def job(library: Library) -> tuple[T, Snapshot]:
            library.command = command
            try:
                return change(library), self._take_snapshot(library)
            finally:
                self._sorted_stale = True

        return job

    def close(self) -> None:
        """Finish the queued work (writes are never dropped), then stop the thread."""
        self._loop_waits = True
        self._worker.shutdown(wait=True)
        between_pieces(None, replacing=self._give_way)

    def _take_snapshot(self, library: Library) -> Snapshot:
        """The library as it is now (worker thread)."""
        papers = library.papers()
        counts = Counts(library.status_counts(), library.tag_counts(), library.category_counts())
        return Snapshot(MappingProxyType({p.key: p for p in papers}), counts, loaded=True)

    # -- work -------------------------------------------------------------------

    def write(
        self,
        change: Callable[[Library], T],
        *,
        origin: MessagePump,
        done: Callable[[T], object] | None = None,
        title: str = "Not saved",
    ) -> None:
        """Queue ``change`` (saved at once); then :class:`Changed` to listeners, ``done(result)``.

        On failure ``origin`` gets a :class:`Failed` message and nothing else happens.
        The journal names the change after :attr:`command` as it was when the change
        was asked for, not when it runs.
        """
        job = self._change_job(change)

        def saved(outcome: tuple[T, Snapshot]) -> None:
            result, snapshot = outcome
            self._announce(snapshot, reloaded=False)
            if done is not None:
                done(result)

        def failed(error: Exception) -> None:
            origin.post_message(self.Failed(title, failed_line(error)))

        self.queue(job, saved, failed, "save a change")

    def reload_if_changed(self, *, origin: MessagePump) -> None:
        """Queue a look at the file: if another process saved, reload and post :class:`Changed`.

        At most one look is queued at a time; failures go to ``origin`` as :class:`Failed`.
        """
        if self._reloading:
            return
        self._reloading = True

        def job(library: Library) -> Snapshot | None:
            if self.snapshot.loaded and not library.changed_on_disk():
                return None
            if not library.refresh() and self.snapshot.loaded:
                return None
            self._sorted_stale = True
            snapshot = self._take_snapshot(library)
            self._warm_up(library)
            return snapshot

        def looked(snapshot: Snapshot | None) -> None:
            self._reloading = False
            if snapshot is not None:
                self._announce(snapshot, reloaded=True)

        def failed(error: Exception) -> None:
            self._reloading = False
            origin.post_message(self.Failed(RELOAD_FAILED, failed_line(error)))

        self.queue(job, looked, failed, "reload the library")

    def rows(
        self,
        query: Query,
        sort_by: str,
        *,
        counts: bool,
        then: Callable[[Rows], object],
        failed: Callable[[Exception], object],
        reverse: bool = False,
        facets: bool = False,
        preview: Callable[[Rows], object] | None = None,
        preview_facets: Callable[[FacetCounts], object] | None = None,
    ) -> None:
        """Queue :meth:`find_rows` on the library thread; ``then(rows)`` or ``failed(error)``.

        ``preview``: before the library is first read, called on the event loop with
        :meth:`first_rows` when there are such (a large library, a query that needs
        no abstract), while the same job goes on to all rows. ``preview_facets``:
        then, for no query, called with the sidebar's counts of the whole library,
        counted from the records once that page is drawn.
        """
        loop = asyncio.get_running_loop()

        def job(library: Library) -> Rows:
            if preview is not None and not self.snapshot.loaded:
                first = self.first_rows(library, sort_by, reverse, query)
                if first is not None:
                    drawn = threading.Event()

                    def show(rows: Rows) -> None:
                        preview(rows)
                        if self._app is not None:
                            self._app.call_after_refresh(drawn.set)

                    loop.call_soon_threadsafe(show, first)
                    # The screen is drawn before every paper is built: the two would
                    # share the GIL (keys are held meanwhile, nothing waits on this).
                    drawn.wait(FIRST_PAGE_WAIT)
                    if preview_facets is not None and query.is_empty:
                        loop.call_soon_threadsafe(preview_facets, library_facets(library))
                # Before every paper is built on these records (which then share them too).
                library.share_repeated_values()
            return self.find_rows(
                library, query, sort_by, counts=counts, reverse=reverse, facets=facets
            )

        self.queue(job, then, failed, "query and sort")

    def first_rows(
        self, library: Library, sort_by: str, reverse: bool, query: Query | None = None
    ) -> Rows | None:
        """The first rows for ``query`` in this order, read from the records.

        At most :data:`FIRST_PAGE` rows (library thread only); None below
        :data:`FIRST_PAGE_AT` papers, and for a query that reads abstracts (free
        words, ``has:abstract``: the search index is not read yet). They are exactly
        the first rows :meth:`find_rows` gives for ``query``; the counts are the
        library's. :attr:`Rows.shown` is the number of rows in all when known (no
        query: the number of papers); else :attr:`Rows.more` says more may come.
        For a query, only the order's first :data:`FIRST_PAGE_TRIED` papers are
        tried: None when none of them matches.
        """
        with parsed_whole():  # the first read, before anything is on the screen: one call
            keys = library.keys()
        if len(keys) < FIRST_PAGE_AT:
            return None
        shown: int | None = len(keys)
        more = False
        if query is None or query.is_empty:
            papers = library.first_papers(sort_by, reverse, FIRST_PAGE)
        elif query.reads_abstract:
            return None
        else:
            papers, complete = library.first_matching(
                sort_by,
                reverse,
                FIRST_PAGE,
                lambda paper: query.matches(paper, ""),
                FIRST_PAGE_TRIED,
            )
            if not papers and not complete:
                return None
            shown, more = (len(papers), False) if complete else (None, True)
        # The header shows the statuses; tags and categories are counted with all rows.
        counts = Counts(library.status_counts(), Counter(), Counter())
        positions = {paper.key: n for n, paper in enumerate(papers)}
        return Rows(papers, frozenset(keys), counts, positions, shown=shown, more=more)

    def find_rows(
        self,
        library: Library,
        query: Query,
        sort_by: str,
        *,
        counts: bool,
        reverse: bool = False,
        facets: bool = False,
    ) -> Rows:
        """The papers matching ``query`` sorted by ``sort_by`` (library thread only).

        ``counts``: the library's counts too; ``reverse``: the order turned round;
        ``facets``: count the rows for the sidebar too.
        """
        order = (sort_by, reverse)
        kept = self._sorted
        if kept is None or kept.order != (sort_name(sort_by), reverse):
            kept = self._sorted = KeptOrder(library.papers(), sort_by, reverse)
        elif self._sorted_stale or counts:  # counts: the screen was told the data changed
            kept.update({paper.key: paper for paper in library.papers()})
        self._sorted_stale = False
        ordered = kept.papers
        papers = shown_rows(ordered, query, order, search=library.search, in_order=True).papers
        known = kept.keys
        positions = {paper.key: n for n, paper in enumerate(papers)}
        counted = None
        if facets:
            counted = facet_counts(papers)
            for group in ALTERNATIVES:
                # Picking cat:cs.CL must leave the other categories to pick instead.
                others = without_group(query.text, group)
                if others is not None:
                    alternatives = shown_rows(
                        ordered, parse_query(others), order, search=library.search, in_order=True
                    ).papers
                    alternatives_counted(counted, group, alternatives)
        if not self.snapshot.loaded:  # the first read: what the interface reads at once
            self.snapshot = self._take_snapshot(library)
        if not counts:
            return Rows(papers, known, None, positions, counted)
        totals = Counts(library.status_counts(), library.tag_counts(), library.category_counts())
        return Rows(papers, known, totals, positions, counted)

    def warm_up(self) -> None:
        """Queue building the search index (the first query would do it otherwise)."""
        self.queue(self._warm_up, lambda _: None, lambda _: None, "build the search index")

    def _warm_up(self, library: Library) -> None:
        """Build the search index now (worker thread).

        In a large library the loaded papers are then moved out of the garbage
        collector's sight (:func:`gc.freeze`): they live as long as the library
        is open, and scanning them made keystrokes stall at random.
        """
        try:
            self._large = len(library) >= FREEZE_AT
            library.build_index()
        except ReadlistError:
            self._large = False
            return  # a damaged library: the rows say so
        if self._large:
            gc.freeze()


def library_facets(library: Library) -> FacetCounts:
    """The sidebar's counts of every paper, counted from the records (library thread)."""
    categories = Counter({name: n for name, n in library.category_counts().items() if name.strip()})
    return FacetCounts(
        statuses=+library.status_counts(),
        tags=library.tag_counts(),
        categories=categories,
        untagged=library.untagged_count(),
        uncategorized=len(library) - sum(categories.values()),
    )


def failed_line(error: BaseException) -> str:
    """One plain line for a failed piece of library work."""
    return str(error) or type(error).__name__
