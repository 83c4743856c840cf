"""Facts every exporter reads the same way (names, dates, arXiv class, link), and layouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

# The exporters read these bibliographic facts from here.
from readlist.bib.arxiv import arxiv_class as arxiv_class
from readlist.bib.dates import MONTH_MACROS
from readlist.bib.dates import date_parts as date_parts
from readlist.bib.keys import made_key
from readlist.bib.names import LOWER_SUFFIXES, PersonName, split_name
from readlist.keys import suffixes
from readlist.models import Paper, Source
from readlist.text import one_line, strip_controls

#: The BibTeX month macros, January first (the exporters' name for them).
MONTHS = MONTH_MACROS


class Citable(Protocol):
    """What a layout reads of a paper: its key, aliases and source (a :class:`Paper` or a stand-in).

    The render cache lays out a library from stand-ins read straight from its records
    (:mod:`readlist.store.layout_papers`); only the entries rendered are whole papers.
    """

    @property
    def key(self) -> str:
        """The paper's key."""

    @property
    def aliases(self) -> list[str]:
        """The paper's other keys."""

    @property
    def source(self) -> Source | None:
        """Where the paper was imported from (a ``.bib`` entry's key, macros, preamble)."""


def person(name: str) -> PersonName | None:
    """``name`` split into parts, or ``None`` when it should be written literally.

    Display-order names go through :func:`readlist.bib.names.split_name`
    (``Jan van den Berg``, ``Martin Luther King, Jr.``). A name that already
    has BibTeX's ``Last, First`` or ``Last, Jr, First`` form is read that way;
    a name with more commas is kept whole (an organisation).
    """
    name = " ".join(name.split())
    if not name:
        return None
    if "," not in name:
        return split_name(name)
    parts = [part.strip() for part in name.split(",")]
    if not all(parts):
        return None
    if len(parts) == 2 and parts[1].lower() in LOWER_SUFFIXES:
        display = split_name(parts[0])
        if not display.given or display.suffix:
            return None
        return PersonName(given=display.given, family=display.family, suffix=parts[1])
    if len(parts) == 2:
        return PersonName(given=parts[1], family=parts[0])
    if len(parts) == 3:
        return PersonName(given=parts[2], family=parts[0], suffix=parts[1])
    return None


def paper_url(paper: Paper) -> str | None:
    """The link an export points to: the code link, else the first link."""
    code = paper.code_url
    if code:
        return code
    return paper.links[0].url if paper.links else None


def citation_key(paper: Citable) -> str:
    """``paper.key`` restricted to characters safe in a BibTeX key (``paper`` if empty)."""
    return made_key(paper.key.strip()) or "paper"


def unique_keys(
    papers: Sequence[Citable], key_of: Callable[[Citable], str] = citation_key
) -> list[str]:
    """``key_of`` each paper, a repeat getting ``a``, ``b``, … appended.

    Keys are compared case-insensitively, as BibTeX does.
    """
    seen: set[str] = set()
    keys: list[str] = []
    for paper in papers:
        key = base = key_of(paper)
        if key.lower() in seen:
            key = next(base + s for s in suffixes() if (base + s).lower() not in seen)
        seen.add(key.lower())
        keys.append(key)
    return keys


def clean_line(text: str) -> str:
    """``text`` on one line with single spaces, controls removed (fast when clean)."""
    line = " ".join(text.split())
    return line if line.isprintable() else one_line(line)


def clean_text(text: str) -> str:
    """``text`` with controls and escape sequences removed, newlines kept, ends trimmed."""
    if text.replace("\n", " ").isprintable():
        return text.strip()
    return strip_controls(text).strip()


@dataclass(frozen=True, slots=True)
class Layout:
    """How an export's text is put together: a head, a unit per paper joined by a separator, a tail.

    The whole text of papers ``p0 … pn`` is ``head + unit(p0) + separator + … +
    unit(pn) + tail``, and ``empty`` when there are none. A paper's unit depends on
    that paper and on ``contexts[n]`` only (its key, aliases, the macros the file
    defines: whatever the other papers decide about it), so a unit made once can
    be used again while both are unchanged (:mod:`readlist.store.render_cache`).
    Everything but ``render`` is made without reading the papers' abstracts.
    """

    head: str
    separator: str
    tail: str
    empty: str
    #: What each paper's unit depends on besides the paper itself, by position; made
    #: from the papers' keys, aliases and sources only (:class:`Citable`).
    contexts: Sequence[str]
    #: The unit of the ``n``-th paper, given that paper (whole, with its abstract).
    render: Callable[[Paper, int], str]
    #: Whether ``render`` reads the abstract (Markdown does not).
    reads_abstracts: bool = True

    def chunks(self, papers: Sequence[Paper]) -> Iterator[str]:
        """The text for ``papers`` (those the layout was made for), a unit at a time."""
        if not papers:
            if self.empty:
                yield self.empty
            return
        if self.head:
            yield self.head
        for n, paper in enumerate(papers):
            yield self.separator + self.render(paper, n) if n else self.render(paper, n)
        if self.tail:
            yield self.tail
