"""The paper table's columns: what each cell says, and how wide each column is.

Widths follow the content and the room: each column asks for the width its
longest cell needs (within bounds), the title takes what is left, and when the
table is narrow the other columns shrink towards their least width before the
least useful ones are dropped (category first, then tags, author and year).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice

from rich.cells import cell_len

from readlist.models import Paper
from readlist.text import one_line
from readlist.view import authors_short

CODE_MARK = "⌘"
NOTE_MARK = "✎"
#: Cells before the first column: selection mark, status glyph, note mark, a space.
LEAD = 4
#: The title never gets fewer cells than this while another column could give way.
TITLE_LEAST = 16
#: How many rows are measured to size the columns (enough to see the usual widths).
MEASURED_ROWS = 1000


@dataclass(frozen=True)
class Column:
    """A column: its heading, a shorter one, and the bounds of its width."""

    key: str
    heading: str
    short: str
    least: int
    most: int


TITLE = Column("title", "Title", "Title", TITLE_LEAST, 0)
COLUMNS: tuple[Column, ...] = (
    TITLE,
    Column("author", "First author", "Author", 8, 22),
    Column("year", "Year", "Year", 5, 5),
    Column("category", "Cat.", "Cat", 5, 10),
    Column("tags", "Tags", "Tags", 6, 20),
    Column("code", CODE_MARK, CODE_MARK, 1, 1),
)
#: The columns given up first when even their least widths leave the title too little.
DROP_ORDER = ("category", "tags", "author", "year")

#: Which column a sort order is about, to mark its heading.
SORT_COLUMNS = {"published": "year", "title": "title", "author": "author", "status": "status"}


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


def content_widths(papers: Iterable[Paper], *, rows: int = MEASURED_ROWS) -> dict[str, int]:
    """The width each non-title column needs for the first ``rows`` papers, within its bounds."""
    # A heading needs its short form and the sort mark.
    wanted = {c.key: min(cell_len(c.short) + 1, c.most) for c in COLUMNS if c is not TITLE}
    most = {c.key: c.most for c in COLUMNS if c is not TITLE}
    # Only the columns whose width varies are measured, with len() (cheap; cell_len is
    # not), as a typed search sizes the columns on each keystroke.
    author = category = tags = 0
    for paper in islice(papers, rows):
        author = max(author, len(paper.authors[0]) + 7 if paper.authors else 0)
        category = max(category, len(paper.category or ""))
        tags = max(tags, sum(len(tag) + 1 for tag in paper.tags))
        if author >= most["author"] and category >= most["category"] and tags > most["tags"]:
            break
    measured = {"author": author, "category": category, "tags": tags - 1}
    for key, width in measured.items():
        wanted[key] = min(max(wanted[key], width), most[key])
    return wanted


def layout(width: int, wanted: Mapping[str, int] | None = None) -> list[tuple[Column, int]]:
    """The columns shown in a table ``width`` cells wide, each with its width.

    ``wanted`` is what :func:`content_widths` measured (default: every column at
    its widest).
    """
    widths = {c.key: (wanted or {}).get(c.key, c.most) for c in COLUMNS if c is not TITLE}
    shown = [c for c in COLUMNS if c is not TITLE]
    room = width - LEAD
    title_wanted = max(TITLE_LEAST, room // 2)

    def title_width() -> int:
        return room - sum(widths[c.key] + 1 for c in shown) - 1

    # Shrink the others (widest first) towards their least until the title has its half.
    while title_width() < title_wanted:
        wide = [c for c in shown if widths[c.key] > c.least]
        if not wide:
            break
        widest = max(wide, key=lambda c: widths[c.key] - c.least)
        widths[widest.key] -= 1
    for key in DROP_ORDER:
        if title_width() >= TITLE_LEAST:
            break
        shown = [c for c in shown if c.key != key]
    return [(TITLE, max(title_width(), 1)), *((c, widths[c.key]) for c in shown)]


def heading_text(column: Column, width: int) -> str:
    """The column's heading, shortened when the column is narrow."""
    return column.heading if cell_len(column.heading) <= width else column.short
