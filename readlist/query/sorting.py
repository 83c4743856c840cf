"""The orders papers can be listed in, shared by ``list --sort``, ``sort:`` and the interface."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from readlist.errors import QueryError
from readlist.models import Paper, Status, fold


@dataclass(frozen=True, slots=True)
class SortOrder:
    """An order: the value compared (None: unknown, always last), its direction, and ties."""

    value: Callable[[Paper], Any]
    newest_first: bool
    ties: Callable[[Paper], Any]


def _first_author(paper: Paper) -> str | None:
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


def sort_papers(
    papers: Sequence[Paper], by: str = "published", reverse: bool = False
) -> list[Paper]:
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
