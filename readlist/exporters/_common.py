"""Facts every exporter reads the same way: names, dates, the arXiv class, the link."""

from __future__ import annotations

from collections.abc import Callable, Sequence

# The exporters read these bibliographic facts from here.
from readlist.bib.arxiv import arxiv_class as arxiv_class
from readlist.bib.dates import MONTH_MACROS
from readlist.bib.dates import date_parts as date_parts
from readlist.bib.keys import made_key
from readlist.bib.names import LOWER_SUFFIXES, PersonName, split_name
from readlist.keys import suffixes
from readlist.models import Paper
from readlist.text import one_line, strip_controls

#: The BibTeX month macros, January first (the exporters' name for them).
MONTHS = MONTH_MACROS


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


def citation_key(paper: Paper) -> str:
    """``paper.key`` restricted to characters safe in a BibTeX key (``paper`` if empty)."""
    return made_key(paper.key.strip()) or "paper"


def unique_keys(
    papers: Sequence[Paper], key_of: Callable[[Paper], str] = citation_key
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
