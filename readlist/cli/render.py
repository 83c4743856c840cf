"""Rendering papers for the terminal (Rich, never markup from data) and as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from rich.cells import cell_len

from readlist.models import Paper, Status
from readlist.text import escape_controls, json_escape_controls, one_line, strip_controls
from readlist.view import STATUS_GLYPHS, ListRow, fit, list_row

if TYPE_CHECKING:  # rich's console and tables cost 30 ms to import: only where used
    from rich.console import Console, RenderableType

STATUS_STYLES = {Status.UNREAD: "bold", Status.READING: "yellow", Status.READ: "dim"}


def to_json(data: Any) -> str:
    r"""Pretty JSON text (UTF-8 kept as is, but never a raw terminal control).

    orjson escapes C0 controls; DEL, C1 controls (``\x9b`` starts an escape
    sequence on some terminals) and bidi overrides it leaves raw, so they are
    escaped as ``\u009b``: the same JSON value, safe to print.
    """
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    # DEL is ASCII, so the pure-ASCII fast path must still look for it.
    return text if text.isascii() and "\x7f" not in text else json_escape_controls(text)


_ANSI = {"key": "\x1b[36m", "tags": "\x1b[35m", "dim": "\x1b[2m", "reset": "\x1b[0m"}


def paper_lines(papers: Sequence[Paper], *, width: int | None, color: bool) -> Iterator[str]:
    """One aligned line per paper: status, key, year, category, authors, tags, code, title.

    Written by hand rather than as a Rich table, which needs seconds for 10,000
    rows. Every field is cleaned of control characters, so no escape sequence from
    a file reaches the terminal. ``width`` None (not a terminal) keeps titles whole.
    """
    return row_lines([list_row(p) for p in papers], width=width, color=color)


def row_lines(rows: Sequence[ListRow], *, width: int | None, color: bool) -> Iterator[str]:
    """:func:`paper_lines` of the papers whose :func:`readlist.view.list_row` are ``rows``."""
    if not rows:
        return
    key_w = min(_widest(r[1] for r in rows), 28)
    cat_w = min(_widest(r[3] for r in rows), 9)
    author_w = min(_widest(r[4] for r in rows), 24)
    tag_w = min(_widest(r[5] for r in rows), 24)
    fixed = 2 + key_w + 1 + 4 + 1 + cat_w + 1 + author_w + 1 + tag_w + 1 + 2
    title_w = None if width is None else max(width - fixed, 20)
    # Looked up once, not five times a line (a listing can be 50,000 lines).
    key_on, tags_on, dim, reset = (
        _ANSI[n] if color else "" for n in ("key", "tags", "dim", "reset")
    )

    for glyph, key, year, cat, authors, tags, code, title, done in rows:
        title = title if title_w is None else fit(title, title_w).rstrip()
        # Printable ASCII that fits is padded here: fit() is called only for the rest.
        line = (
            f"{glyph} {key_on}{_pad(key, key_w)}{reset} {year:<4} {_pad(cat, cat_w)} "
            f"{_pad(authors, author_w)} {tags_on}{_pad(tags, tag_w)}{reset} "
            f"{code} {title}"
        )
        yield f"{dim}{line}{reset}" if done else line


def _pad(text: str, width: int) -> str:
    """:func:`readlist.view.fit`, with its commonest case (short printable ASCII) inline."""
    if len(text) <= width and text.isascii() and text.isprintable():
        return text.ljust(width)
    return fit(text, width)


def _widest(texts: Iterable[str]) -> int:
    """The most cells any of ``texts`` takes (one a character for ASCII)."""
    return max([len(text) if text.isascii() else cell_len(text) for text in texts])


#: Facts shown with control characters escaped, not dropped: they must be typed back.
_NAMES = frozenset({"key", "aliases", "tags", "source"})


def paper_details(paper: Paper, *, pdf: str = "") -> RenderableType:
    """Everything about one paper, for ``readlist show``; ``pdf`` describes its downloaded PDF."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

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
        ("aliases", " ".join(paper.aliases)),
        ("status", f"{STATUS_GLYPHS[paper.status]} {paper.status.value}"),
        ("published", paper.published or ""),
        ("category", paper.category or ""),
        ("affiliations", ", ".join(paper.affiliations)),
        ("tags", " ".join(paper.tags)),
        ("added", paper.added or ""),
        ("read", paper.read_at or ""),
        ("source", f"{paper.source.file} ({paper.source.format})" if paper.source else ""),
        ("edited", ", ".join(paper.edited)),
        ("pdf", pdf),
    ]
    for name, value in rows:
        if value:
            facts.add_row(name, Text(escape_controls(value) if name in _NAMES else one_line(value)))
    for link in paper.links:
        facts.add_row(link.kind.value, Text(one_line(link.url)))
    for conflict in paper.conflicts:  # what a sync left to look at (readlist resolve KEY)
        facts.add_row("conflict", Text(one_line(conflict)))
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
    """A console on the command's streams that honours ``NO_COLOR`` and ``COLUMNS``.

    It never interprets markup or emoji codes.
    """
    from rich.console import Console

    from readlist.cli.environment import current

    env = current()
    return Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=env.stdout_isatty,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        _environ=env.environ,
    )
