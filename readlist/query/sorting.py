"""The orders papers can be listed in, shared by ``list --sort``, ``sort:`` and the interface."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from readlist.errors import QueryError
from readlist.models import Status, fold


class Sortable(Protocol):
    """What the orders read of a paper: a :class:`~readlist.models.Paper`, or a record's view."""

    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> Sequence[str]: ...
    @property
    def published(self) -> str | None: ...
    @property
    def added(self) -> str | None: ...
    @property
    def status(self) -> Status: ...


S = TypeVar("S", bound=Sortable)


@dataclass(frozen=True, slots=True)
class SortOrder:
    """An order: the value compared (None: unknown, always last), its direction, and ties."""

    value: Callable[[Sortable], Any]
    newest_first: bool
    ties: Callable[[Sortable], Any]


def _first_author(paper: Sortable) -> str | None:
    return fold(paper.authors[0]) if paper.authors else None


_STATUS_ORDER = {status: index for index, status in enumerate(Status)}

#: The orders by name: newest first for dates, A→Z otherwise; papers of equal
#: value by title A→Z (dates) or key; papers without the value last.
SORTS: dict[str, SortOrder] = {
    "published": SortOrder(lambda p: p.published or None, True, lambda p: (fold(p.title), p.key)),
    "added": SortOrder(lambda p: p.added or None, True, lambda p: p.key),
    "title": SortOrder(lambda p: fold(p.title), False, lambda p: p.key),
    "author": SortOrder(_first_author, False, lambda p: p.key),
    "status": SortOrder(lambda p: _STATUS_ORDER[p.status], False, lambda p: p.key),
    "key": SortOrder(lambda p: p.key, False, lambda p: p.key),
}
_SORT_ALIASES = {"date": "published", "year": "published", "authors": "author"}


def sort_name(by: str) -> str:
    """The sort ``by`` names (aliases resolved); unknown names raise QueryError."""
    name = _SORT_ALIASES.get(by, by)
    if name not in SORTS:
        raise QueryError(f"unknown sort '{by}' (use {', '.join(SORTS)})")
    return name


def sort_papers(papers: Sequence[S], by: str = "published", reverse: bool = False) -> list[S]:
    """``papers`` in the named order (see :data:`SORTS`); unknown names raise QueryError.

    ``reverse`` turns the order of values round (oldest first, Z→A); papers of
    equal value keep their tie order and papers without the value stay last.
    """
    order = SORTS[sort_name(by)]
    in_ties = sorted(papers, key=order.ties)
    known = [paper for paper in in_ties if order.value(paper) is not None]
    unknown = [paper for paper in in_ties if order.value(paper) is None]
    known.sort(key=order.value, reverse=order.newest_first != reverse)  # stable: ties stay
    return known + unknown


def first_in_order(
    papers: Sequence[S],
    by: str,
    reverse: bool,
    limit: int,
    values: Sequence[Any] | None = None,
) -> list[S]:
    """``sort_papers(papers, by, reverse)[:limit]``, without sorting all of ``papers``.

    ``values``: each paper's value in the order, when the caller read them faster
    (then only the papers that may be among the first are looked at).

    The ``limit``-th best value is found with a heap; the papers with a better value
    are in, and of those with exactly that value (or, when too few have a value at
    all, of those without) the best by ties, taking them in the order given as a
    stable sort does. Only these are sorted.
    """
    if limit <= 0:
        return []
    if len(papers) <= limit:
        return sort_papers(papers, by, reverse)
    order = SORTS[sort_name(by)]
    if values is None:
        values = [order.value(paper) for paper in papers]
    known = [value for value in values if value is not None]
    descending = order.newest_first != reverse
    if len(known) >= limit:
        edge = (heapq.nlargest if descending else heapq.nsmallest)(limit, known)[-1]
        if descending:
            better = [n for n, value in enumerate(values) if value is not None and value > edge]
        else:
            better = [n for n, value in enumerate(values) if value is not None and value < edge]
        level = [n for n, value in enumerate(values) if value is not None and value == edge]
    else:
        better = [n for n, value in enumerate(values) if value is not None]
        level = [n for n, value in enumerate(values) if value is None]
    need = limit - len(better)
    if len(level) > need:  # nsmallest is stable: equal ties keep the order given
        level = heapq.nsmallest(need, level, key=lambda n: order.ties(papers[n]))
    chosen = sorted(better + level)
    return sort_papers([papers[n] for n in chosen], by, reverse)[:limit]
