"""Fixed-width columns of plain text: the paper table's columns, and fitting text to cells."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from readlist.models import Paper
from readlist.text import one_line
from readlist.view import authors_short

CODE_MARK = "⌘"
#: Cells before the first column: selection mark, status glyph, a space.
LEAD = 3


@dataclass(frozen=True)
class Column:
    """A column: its heading, its width (0 takes what is left), when it is shown."""

    key: str
    heading: str
    width: int
    min_table_width: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", 0),
    Column("author", "First author", 20, 60),
    Column("year", "Year", 5, 44),
    Column("category", "Cat.", 7, 80),
    Column("tags", "Tags", 12, 84),
    Column("code", "Code", 4, 40),
)

#: Which column a sort order is about, to mark its heading.
SORT_COLUMNS = {"published": "year", "title": "title", "author": "author", "status": "status"}


def layout(width: int) -> list[tuple[Column, int]]:
    """The columns shown in a table ``width`` cells wide, each with its width."""
    shown = [c for c in COLUMNS if width >= c.min_table_width]
    fixed = sum(c.width + 1 for c in shown if c.width)
    flexible = max(width - LEAD - fixed - 1, 8)
    return [(c, c.width or flexible) for c in shown]


def cell_values(paper: Paper) -> dict[str, str]:
    """The text of each cell for ``paper``, cleaned to one line of plain text."""
    return {
        "title": one_line(paper.title),
        "author": authors_short(paper),
        "year": str(paper.year or ""),
        "category": one_line(paper.category or ""),
        "tags": " ".join(one_line(tag) for tag in paper.tags),
        "code": CODE_MARK if paper.code_url or paper.has_code else "",
    }


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
