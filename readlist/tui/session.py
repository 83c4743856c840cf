"""The interface's hold on the library: guarded writes, reloads, the rows on show and warm-up.

The first query on a library builds a per-paper search index (folded text), which
takes about half a second at 10,000 papers. :meth:`LibrarySession.warm_up` builds
it in a worker thread right after loading; writes wait for it under a lock, so a
write can never race the index being built.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from readlist.models import Paper, Status
from readlist.query import Query, sort_papers
from readlist.store import Library
from readlist.view import shown_rows

T = TypeVar("T")

#: From this many papers on, loaded papers are frozen out of the garbage collector.
FREEZE_AT = 2000


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
class Rows:
    """What a screen shows of the library: the rows for a query and order, maybe the counts."""

    papers: list[Paper]
    #: The keys of every paper in the library (to drop vanished ones from a selection).
    known: frozenset[str]
    #: The counts, when they were asked for (the data changed), else None.
    counts: Counts | None


class LibrarySession:
    """Owns the :class:`Library` for the app; every write goes through :meth:`write`."""

    def __init__(self, library: Library) -> None:
        """Wrap ``library``."""
        self.library = library
        self._lock = threading.Lock()
        #: The whole library in the order last asked for; filtering keeps this order.
        self._sorted: tuple[tuple[str, bool], list[Paper]] | None = None

    def write(self, change: Callable[[Library], T]) -> T:
        """Apply ``change`` to the library (it saves at once)."""
        with self._lock:
            self._sorted = None
            return change(self.library)

    def read(self, look: Callable[[Library], T]) -> T:
        """What ``look`` finds in the library (never while a write runs)."""
        with self._lock:
            return look(self.library)

    def rows(
        self, query: Query, sort_by: str, *, counts: bool = True, reverse: bool = False
    ) -> Rows:
        """The papers matching ``query`` sorted by ``sort_by`` (``reverse``: turned round).

        With ``counts``, the library's counts too.
        """
        order = (sort_by, reverse)
        with self._lock:
            library = self.library
            if counts or self._sorted is None or self._sorted[0] != order:
                self._sorted = (order, sort_papers(library.papers(), sort_by, reverse=reverse))
            ordered = self._sorted[1]
            papers = shown_rows(ordered, query, order, search=library.search, in_order=True).papers
            known = frozenset(paper.key for paper in ordered)
            if not counts:
                return Rows(papers, known, None)
            totals = Counts(
                library.status_counts(), library.tag_counts(), library.category_counts()
            )
            return Rows(papers, known, totals)

    def reload_if_changed(self) -> bool:
        """Reload when another process saved the library; whether it did."""
        with self._lock:
            if not self.library.changed_on_disk():
                return False
            changed = self.library.refresh()
            if changed:
                self._sorted = None
            return changed

    def warm_up(self) -> None:
        """Build the search index now (call from a worker thread).

        In a large library the loaded papers are then moved out of the garbage
        collector's sight (:func:`gc.freeze`): they live as long as the library
        is open, and scanning them made keystrokes stall at random.
        """
        with self._lock:
            self.library.build_index()
            large = len(self.library) >= FREEZE_AT
        if large:
            gc.freeze()
