"""How papers are shown, the same in the CLI and the TUI: which rows, in what order, and how.

:func:`shown_rows` is the one place a query, a sort and a selection become the rows
on show and their counts, for ``readlist list`` and for the interface alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from typing import overload

from rich.cells import cell_len, set_cell_size

from readlist.models import Paper, Status
from readlist.query import Query, sort_papers
from readlist.text import escape_controls, one_line

STATUS_GLYPHS = {Status.UNREAD: "○", Status.READING: "◐", Status.READ: "●"}


def authors_short(paper: Paper, limit: int = 1) -> str:
    """``First Author et al.`` style, for narrow columns."""
    if not paper.authors:
        return ""
    shown = ", ".join(one_line(a) for a in paper.authors[:limit])
    if len(paper.authors) > limit or paper.authors_truncated:
        shown += " et al."
    return shown


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():  # a cell a character: `list` fits 40,000 fields
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


#: The fields of one paper's ``list`` line, cleaned: status glyph, key, year, category,
#: first author, tags, code mark, title, and whether it is shown dimmed (read).
ListRow = tuple[str, str, str, str, str, str, str, str, bool]


def list_row(p: Paper) -> ListRow:
    """The fields of one paper's ``readlist list`` line, cleaned of control characters."""
    authors = p.authors
    if authors:
        shown = one_line(authors[0])
        if len(authors) > 1 or p.authors_truncated:
            shown += " et al."
        shown = one_line(shown)  # as authors_short() then one_line(): " et al." alone is cut
    else:
        shown = ""
    tags = p.tags
    published = p.published
    status = p.status
    return (
        STATUS_GLYPHS[status],
        escape_controls(p.key),
        str(p.year or "") if published else "",
        one_line(p.category) if p.category else "",
        shown,
        " ".join([escape_controls(tag) for tag in tags]) if tags else "",
        "⌘" if p.code_url or p.has_code else " ",
        one_line(p.title),
        status is Status.READ,
    )


def plural(count: int, noun: str) -> str:
    """``1 paper`` / ``3 papers``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


#: An order by name (see :data:`readlist.query.SORTS`) and whether it is turned round.
Order = tuple[str, bool]


@overload
def row_order(
    query: Query, sort: str | None = None, *, reverse: bool = False, default: Order
) -> Order: ...
@overload
def row_order(
    query: Query, sort: str | None = None, *, reverse: bool = False, default: None = None
) -> Order | None: ...
def row_order(
    query: Query, sort: str | None = None, *, reverse: bool = False, default: Order | None = None
) -> Order | None:
    """The order rows are shown in (None: the order the papers come in).

    The most particular wins: ``sort`` given for this one listing (``list --sort``),
    then the query's ``sort:``, then ``default`` (the order chosen in the interface
    with ``s`` and ``-``, which lasts across queries).
    """
    if sort is not None:
        return sort, reverse
    if query.sort is not None:
        return query.sort.name, query.sort.reverse
    return default


@dataclass(frozen=True)
class ShownRows:
    """The rows a query shows, in order, and how many of them are selected."""

    papers: list[Paper]
    selected: int

    @property
    def shown(self) -> int:
        """How many rows there are."""
        return len(self.papers)


def shown_rows(
    papers: Sequence[Paper],
    query: Query,
    order: Order | None,
    *,
    selection: Set[str] = frozenset(),
    search: Callable[[Query], Iterable[Paper]] | None = None,
    in_order: bool = False,
) -> ShownRows:
    """The rows ``query`` shows of ``papers``, in ``order`` (see :func:`row_order`).

    ``search`` is the store's search (it owns the search index): the rows are the
    papers it finds, in the order of ``papers``. Without it, ``papers`` are the
    matches already. ``in_order``: ``papers`` are sorted in ``order`` already (the
    interface keeps the whole library sorted between keystrokes), and filtering
    keeps that order. Papers without the sorted value come last either way.
    """
    if search is None or query.is_empty:
        rows = list(papers)
    else:
        matching = {paper.key for paper in search(query)}
        rows = [paper for paper in papers if paper.key in matching]
    if order is not None and not in_order:
        rows = sort_papers(rows, order[0], reverse=order[1])
    selected = sum(1 for paper in rows if paper.key in selection) if selection else 0
    return ShownRows(rows, selected)
