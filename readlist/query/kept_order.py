"""A library kept sorted between changes: only the papers that changed move.

The interface shows the whole library in one order and re-reads it after every
change. Sorting 50,000 papers again is two passes of :func:`sorted`, which
compares in C without letting go of the GIL (tens of milliseconds each, the
screen frozen meanwhile). :class:`KeptOrder` takes the changed papers out and
puts each back in its place by bisection, giving the same list as
:func:`~readlist.query.sorting.sort_papers` (a property test checks it).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any

from readlist.models import Paper
from readlist.query.sorting import SORTS, sort_name, sort_papers

#: Above this share of the library changed, sorting again is cheaper than moving papers.
RESORT_SHARE = 8


class _Rank:
    """Where a paper stands in an order: known values first, by value, then by ties."""

    __slots__ = ("descending", "known", "ties", "value")

    def __init__(self, value: Any, ties: Any, descending: bool) -> None:
        self.known = value is not None
        self.value = value
        self.ties = ties
        self.descending = descending

    def __lt__(self, other: _Rank) -> bool:
        if self.known != other.known:
            return self.known  # papers without the value come last
        if self.known and self.value != other.value:
            return bool(self.value > other.value if self.descending else self.value < other.value)
        return bool(self.ties < other.ties)


class KeptOrder:
    """Every paper of a library in one order (:func:`sort_papers`'s), kept up to date."""

    def __init__(self, papers: Iterable[Paper], by: str, reverse: bool = False) -> None:
        """``papers`` sorted by ``by`` (turned round with ``reverse``)."""
        self.by, self.reverse = sort_name(by), reverse
        order = SORTS[self.by]
        self._value, self._ties = order.value, order.ties
        self._descending = order.newest_first != reverse
        self._sort(list(papers))

    @property
    def order(self) -> tuple[str, bool]:
        """The order's name and whether it is turned round."""
        return self.by, self.reverse

    def _sort(self, papers: list[Paper]) -> None:
        self.papers = sort_papers(papers, self.by, reverse=self.reverse)
        self._by_key = {paper.key: paper for paper in self.papers}
        self.keys = frozenset(self._by_key)

    def _rank(self, paper: Paper) -> _Rank:
        return _Rank(self._value(paper), self._ties(paper), self._descending)

    def update(self, now: Mapping[str, Paper]) -> int:
        """Make the order that of ``now`` (every paper by key); how many papers moved.

        A paper counts as changed when ``now`` holds another object for its key
        (papers are rebuilt, never edited in place, when their record changes).
        """
        kept = self._by_key
        changed = [paper for key, paper in now.items() if kept.get(key) is not paper]
        arrived = sum(1 for paper in changed if paper.key not in kept)
        gone = len(kept) - (len(now) - arrived)  # kept keys that ``now`` lacks
        if not changed and not gone:
            return 0
        if len(changed) * RESORT_SHARE > len(now):
            self._sort(list(now.values()))
            return len(now)
        out = {paper.key for paper in changed}
        if gone:
            out.update(key for key in kept if key not in now)
        papers = [paper for paper in self.papers if paper.key not in out]
        for paper in changed:
            bisect.insort(papers, paper, key=self._rank)
        self.papers = papers
        self._by_key = dict(now)
        self.keys = frozenset(now)
        return len(changed) + gone
