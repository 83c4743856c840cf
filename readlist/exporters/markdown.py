"""Markdown export: a reading list to paste into notes, issues or a README."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from anyascii import anyascii

from readlist.exporters._common import Citable, Layout, clean_line, clean_text, paper_url
from readlist.models import Paper

#: Authors shown before "et al.".
MAX_AUTHORS = 3

# CommonMark backslash-escapable characters that could start markup mid-line.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!&])")
# What could turn the start of a list item's text into a block (another list,
# a rule, a heading underline) when the title is not inside a link.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
_LINK_SCHEMES = frozenset({"http", "https", "ftp"})
_URL_ESCAPES = {ord(char): f"%{ord(char):02X}" for char in " <>\\\"'`"}


def md_escape(text: str) -> str:
    """``text`` on one line with Markdown's inline specials backslash-escaped."""
    return _INLINE_SPECIALS.sub(r"\\\1", clean_line(text))


def md_url(url: str) -> str | None:
    """``url`` as a link destination, or ``None`` unless it is http(s) or ftp."""
    url = clean_line(url).strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in _LINK_SCHEMES:
        return None
    url = url.translate(_URL_ESCAPES)
    return f"<{url}>" if "(" in url or ")" in url else url


def _authors(paper: Paper) -> str:
    names = [clean_line(name) for name in paper.authors if name.strip()]
    shown = ", ".join(names[:MAX_AUTHORS])
    if shown and (len(names) > MAX_AUTHORS or paper.authors_truncated):
        shown += " et al."
    return shown


def markdown_item(paper: Paper, *, ascii: bool = False) -> str:
    """One list item: linked title, then authors · year · status · tags; notes quoted below."""

    def text(value: str) -> str:
        return anyascii(value) if ascii else value

    title = md_escape(text(paper.title)) or "(untitled)"
    url = paper_url(paper)
    destination = md_url(url) if url else None
    if destination:
        head = f"[{title}]({destination})"
    else:
        head = _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", title)
    meta = [md_escape(text(_authors(paper)))]
    if paper.year:
        meta.append(str(paper.year))
    meta.append(paper.status.value)
    if paper.tags:
        meta.append("tags: " + ", ".join(md_escape(text(tag)) for tag in paper.tags))
    dash, dot = (" -- ", " | ") if ascii else (" — ", " · ")
    line = f"- {head}{dash}" + dot.join(part for part in meta if part)
    notes = clean_text(text(paper.notes))
    if notes.strip():
        quoted = [f"  > {row.rstrip()}" if row.strip() else "  >" for row in notes.split("\n")]
        line += "\n" + "\n".join(quoted)
    return line + "\n"


def to_markdown(papers: Sequence[Paper], *, ascii: bool = False) -> str:
    """A Markdown reading list: a heading, then one item per paper, in the given order.

    Titles are linked to the code link (else the first link, only http(s)/ftp);
    Markdown specials in titles, authors and tags are escaped so they show
    literally. Notes are the user's own Markdown, quoted under their item. With
    ``ascii`` text is transliterated to ASCII (and the separators are ``--``, ``|``).
    """
    return "".join(iter_markdown(papers, ascii=ascii))


def iter_markdown(papers: Sequence[Paper], *, ascii: bool = False) -> Iterator[str]:
    """:func:`to_markdown` one item at a time, after the heading."""
    return markdown_layout(papers, ascii=ascii).chunks(papers)


def markdown_layout(papers: Sequence[Citable], *, ascii: bool = False) -> Layout:
    """How :func:`to_markdown` puts ``papers`` together: a unit is an item, on its own."""
    return Layout(
        head="# Reading list\n\n",
        separator="",
        tail="",
        empty="# Reading list\n",
        contexts=[""] * len(papers),
        render=lambda paper, _n: markdown_item(paper, ascii=ascii),
        reads_abstracts=False,
    )
