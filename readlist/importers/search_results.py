"""The search-result format: a title line, then an abstract line, for each paper.

Copied from a paper-search page, the text starts with banner lines ("Get
trending papers in your email inbox…") and the ``Subscribe`` button label glued
to the first title (``SubscribeInference-Friendly Models…``). There are no
authors, dates or categories.
"""

from __future__ import annotations

import re

from readlist.importers.detect import (
    TITLE_MAX,
    ImportFormatError,
    looks_like_title,
    split_lines,
    strip_subscribe,
)
from readlist.links import extract_links
from readlist.models import LinkKind, Paper, Source
from readlist.text import one_line, strip_controls

_BANNER = re.compile(r"get trending papers in your email inbox\b.*", re.IGNORECASE)


def _set_abstract(paper: Paper, abstract: str) -> None:
    """Give ``paper`` its abstract and the links (and code flag) found in it."""
    paper.abstract = abstract
    paper.links = extract_links(abstract)
    paper.has_code = any(link.kind is LinkKind.CODE for link in paper.links)


def parse_search_results(text: str, *, source_name: str = "") -> tuple[list[Paper], list[str]]:
    """The papers in search-result text, and warnings for lines that needed guessing.

    Banner lines and lone ``Subscribe`` lines are dropped wherever they are;
    ``Subscribe`` glued to the first title is cut only when a capital letter
    follows it. Lines then pair up as title and abstract. Where a title
    should be, a line longer than any title is added to the previous abstract
    (with a warning). Where an abstract should be, a title-like line (short, no
    final full stop) followed by an abstract-like line is the next title: the
    paper before gets no abstract, with a warning, so nothing shifts.
    ``has_code`` is true when the abstract links to a code repository.

    Raises :class:`ImportFormatError` when there is no paper at all.
    """
    entries = [
        (number, line, raw)
        for number, raw in enumerate(split_lines(text), start=1)
        if (line := one_line(raw)) and line != "Subscribe" and not _BANNER.fullmatch(line)
    ]
    warnings: list[str] = []
    index = 0
    if entries:
        number, line, raw = entries[0]
        entries[0] = (number, strip_subscribe(line), raw)
    papers: list[Paper] = []
    paper_lines: list[int] = []
    while index < len(entries):
        number, title, raw = entries[index]
        if len(title) > TITLE_MAX:
            if papers:
                warnings.append(
                    f"line {number}: a second abstract for the paper at line "
                    f"{paper_lines[-1]}; added to its abstract"
                )
                _set_abstract(papers[-1], f"{papers[-1].abstract}\n{strip_controls(raw).strip()}")
            else:
                warnings.append(f"line {number}: text with no title before it skipped")
            index += 1
            continue
        paper = Paper(title=title, source=Source(file=source_name, format="search"))
        following = entries[index + 1] if index + 1 < len(entries) else None
        after = entries[index + 2] if index + 2 < len(entries) else None
        if following is None or (
            looks_like_title(following[1]) and after is not None and not looks_like_title(after[1])
        ):
            warnings.append(f"line {number}: paper {title[:60]!r} has no abstract")
            index += 1
        else:
            _set_abstract(paper, strip_controls(following[2]).strip())
            index += 2
        papers.append(paper)
        paper_lines.append(number)
    if not papers:
        raise ImportFormatError(
            "no search results found (expected a title line, then its abstract)"
        )
    return papers, warnings
