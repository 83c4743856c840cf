"""Facts every exporter reads the same way: names, dates, the arXiv class, the link."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from anyascii import anyascii

from readlist.models import Paper
from readlist.names import PersonName, split_name
from readlist.text import one_line, strip_controls

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def person(name: str) -> PersonName | None:
    """``name`` split into parts, or ``None`` when it should be written literally.

    Display-order names go through :func:`readlist.names.split_name`
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
    if len(parts) == 2 and parts[1].lower() in _SUFFIXES:
        display = split_name(parts[0])
        if not display.given or display.suffix:
            return None
        return PersonName(given=display.given, family=display.family, suffix=parts[1])
    if len(parts) == 2:
        return PersonName(given=parts[1], family=parts[0])
    if len(parts) == 3:
        return PersonName(given=parts[2], family=parts[0], suffix=parts[1])
    return None


def date_parts(published: str | None) -> tuple[int, ...]:
    """``(year,)``, ``(year, month)`` or ``(year, month, day)`` from an ISO date, as known."""
    if not published:
        return ()
    parts: list[int] = []
    for piece, low, high in zip(published.split("-")[:3], (1, 1, 1), (9999, 12, 31), strict=False):
        if not piece.isdigit() or not low <= int(piece) <= high:
            break
        parts.append(int(piece))
    return tuple(parts)


# arXiv subject classes by their short code, as listings show them ("CV").
_CS_CLASSES = (
    "AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS",
    "ET", "FL", "GL", "GR", "GT", "HC", "IR", "IT", "LG", "LO", "MA", "MM", "MS", "NA",
    "NE", "NI", "OH", "OS", "PF", "PL", "RO", "SC", "SD", "SE", "SI", "SY",
)  # fmt: skip
_ARXIV_PREFIX = {
    **dict.fromkeys(_CS_CLASSES, "cs"),
    **dict.fromkeys(("AS", "IV", "SP"), "eess"),
    "ML": "stat",
}
_ARXIV_CLASS = re.compile(
    r"(?:cs|econ|eess|math|stat|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[A-Za-z-]{2,}"
    r"|(?:gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nucl-ex|nucl-th|quant-ph)"
)


def arxiv_class(category: str | None) -> str | None:
    """The full arXiv class for a paper's category (``CV`` → ``cs.CV``), if it is one."""
    if not category:
        return None
    category = category.strip()
    if _ARXIV_CLASS.fullmatch(category):
        return category
    prefix = _ARXIV_PREFIX.get(category.upper())
    return f"{prefix}.{category.upper()}" if prefix else None


def paper_url(paper: Paper) -> str | None:
    """The link an export points to: the code link, else the first link."""
    code = paper.code_url
    if code:
        return code
    return paper.links[0].url if paper.links else None


_KEY_BAD = re.compile(r"[^A-Za-z0-9_:.+/-]+")


def citation_key(paper: Paper) -> str:
    """``paper.key`` restricted to characters safe in a BibTeX key (``paper`` if empty)."""
    key = paper.key.strip()
    if not key.isascii():
        key = anyascii(key)
    return _KEY_BAD.sub("", key) or "paper"


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
        number = 0
        while key.lower() in seen:
            number += 1
            key = base + _letters(number)
        seen.add(key.lower())
        keys.append(key)
    return keys


def _letters(number: int) -> str:
    """1 → ``a``, 26 → ``z``, 27 → ``aa``: spreadsheet-column letters."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def clean_line(text: str) -> str:
    """``text`` on one line with single spaces, controls removed (fast when clean)."""
    line = " ".join(text.split())
    return line if line.isprintable() else one_line(line)


def clean_text(text: str) -> str:
    """``text`` with controls and escape sequences removed, newlines kept, ends trimmed."""
    if text.replace("\n", " ").isprintable():
        return text.strip()
    return strip_controls(text).strip()
