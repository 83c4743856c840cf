"""Rendering papers for the terminal (Rich, never markup from data) and as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from readlist.models import Paper, Status
from readlist.text import one_line, strip_controls

STATUS_GLYPHS = {Status.UNREAD: "○", Status.READING: "◐", Status.READ: "●"}
STATUS_STYLES = {Status.UNREAD: "bold", Status.READING: "yellow", Status.READ: "dim"}


def to_json(data: Any) -> str:
    """Pretty JSON text (UTF-8 kept as is)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


def authors_short(paper: Paper, limit: int = 1) -> str:
    """``First Author et al.`` style, for narrow columns."""
    if not paper.authors:
        return ""
    shown = ", ".join(one_line(a) for a in paper.authors[:limit])
    if len(paper.authors) > limit or paper.authors_truncated:
        shown += " et al."
    return shown


def paper_table(papers: Sequence[Paper]) -> Table:
    """A table of papers; every cell is plain text, never parsed as markup."""
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    table.add_column("", no_wrap=True)
    table.add_column("Key", no_wrap=True, style="cyan")
    table.add_column("Year", no_wrap=True)
    table.add_column("Cat", no_wrap=True)
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Authors", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Tags", overflow="fold")
    table.add_column("Code", no_wrap=True)
    for paper in papers:
        table.add_row(
            Text(STATUS_GLYPHS[paper.status], style=STATUS_STYLES[paper.status]),
            Text(paper.key),
            Text(str(paper.year or "")),
            Text(paper.category or ""),
            Text(one_line(paper.title)),
            Text(authors_short(paper)),
            Text(" ".join(paper.tags), style="magenta"),
            Text("⌘" if paper.code_url or paper.has_code else ""),
        )
    return table


def paper_details(paper: Paper) -> RenderableType:
    """Everything about one paper, for ``readlist show``."""
    lines: list[RenderableType] = [
        Text(one_line(paper.title), style="bold"),
        Text(
            ", ".join(one_line(a) for a in paper.authors)
            + (" et al." if paper.authors_truncated else "")
        ),
    ]
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    rows = [
        ("key", paper.key),
        ("status", f"{STATUS_GLYPHS[paper.status]} {paper.status.value}"),
        ("published", paper.published or ""),
        ("category", paper.category or ""),
        ("affiliations", ", ".join(paper.affiliations)),
        ("tags", " ".join(paper.tags)),
        ("added", paper.added or ""),
        ("read", paper.read_at or ""),
        ("source", f"{paper.source.file} ({paper.source.format})" if paper.source else ""),
    ]
    for name, value in rows:
        if value:
            facts.add_row(name, Text(one_line(value)))
    for link in paper.links:
        facts.add_row(link.kind.value, Text(one_line(link.url)))
    lines.append(facts)
    if paper.abstract:
        lines += [Text(""), Text(strip_controls(paper.abstract))]
    if paper.notes:
        lines += [
            Text(""),
            Text("Notes", style="bold underline"),
            Text(strip_controls(paper.notes)),
        ]
    return Group(*lines)


def make_console(*, stderr: bool = False) -> Console:
    """A console that honours ``NO_COLOR`` and never interprets markup or emoji codes."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False)
