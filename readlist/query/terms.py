"""The ``name:value`` terms of the query language: each value parsed once into a test of a paper.

``has:`` asks what a paper has (:data:`HAS`), ``has:pdf`` a downloaded PDF among them;
a later kind is one more entry there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from readlist.errors import QueryError
from readlist.models import Paper, Status, normalize_tag
from readlist.query.words import folded_names, folded_text, phrase_needle, word_needle

Test = Callable[[Paper], bool]

#: An example of each field, for error messages and the documentation.
EXAMPLES = {
    "tag": "tag:ml",
    "status": "status:unread",
    "author": "author:kim",
    "title": "title:diffusion",
    "key": "key:sun2023",
    "year": "year:>=2023",
    "cat": "cat:cs.CV",
    "code": "code:yes",
    "has": "has:note",
    "added": "added:2026-11",
    "read": "read:>=2026-11-01",
    "sort": "sort:-added",
}
#: The fields the language knows, in the order error messages list them.
FIELDS = tuple(EXAMPLES)
ALIASES = {"tags": "tag", "category": "cat", "is": "status", "authors": "author"}


@dataclass(frozen=True, slots=True)
class Has:
    """One thing ``has:`` can ask about a paper."""

    test: Test
    reads_abstract: bool = False


def _has_code(paper: Paper) -> bool:
    return paper.has_code or paper.code_url is not None


def _has_doi(paper: Paper) -> bool:
    from readlist.merge import identity  # only a has:doi query needs it

    return bool(identity(paper).doi)


def _has_arxiv(paper: Paper) -> bool:
    from readlist.merge import identity

    return bool(identity(paper).arxiv)


#: What ``has:`` knows (identifiers as :func:`readlist.merge.identity` finds them).
HAS: dict[str, Has] = {
    "note": Has(lambda paper: bool(paper.notes.strip())),
    "code": Has(_has_code),
    "abstract": Has(lambda paper: bool(paper.abstract.strip()), reads_abstract=True),
    "doi": Has(_has_doi, reads_abstract=True),  # links an abstract cites are not the paper's
    "arxiv": Has(_has_arxiv, reads_abstract=True),
    "tag": Has(lambda paper: bool(paper.tags)),  # -has:tag: the untagged papers
    "category": Has(lambda paper: bool((paper.category or "").strip())),
    "conflict": Has(lambda paper: bool(paper.conflicts)),  # a sync left something to resolve
    "pdf": Has(lambda paper: bool(paper.pdf)),  # a PDF was downloaded (fetch-pdf, add --pdf)
}
_HAS_ALIASES = {"notes": "note", "tags": "tag", "cat": "category", "conflicts": "conflict"}


@dataclass(frozen=True, slots=True)
class FieldTest:
    """A parsed term's test, and whether it reads the paper's abstract."""

    test: Test
    reads_abstract: bool = False


def field_test(name: str, value: str, quoted: bool, position: int) -> FieldTest:
    """The test that ``name:value`` (``name`` one of :data:`FIELDS` but ``sort``) stands for."""
    if not value.strip():
        raise QueryError(
            f"'{name}:' at position {position} needs a value (for example {EXAMPLES[name]})"
        )
    if name == "has":
        wanted = _HAS_ALIASES.get(value.lower(), value.lower())
        if wanted not in HAS:
            raise QueryError(f"unknown has:{value} at position {position} (use {', '.join(HAS)})")
        return FieldTest(HAS[wanted].test, HAS[wanted].reads_abstract)
    if name in ("title", "author"):
        return FieldTest(_text_test(name, value, quoted, position))
    return FieldTest(_PARSERS[name](value, position))


def _text_test(name: str, value: str, quoted: bool, position: int) -> Test:
    needle = phrase_needle(value) if quoted else word_needle(value)
    if not needle:
        raise QueryError(
            f"'{name}:{value}' at position {position} has no letters or digits to look for"
        )
    if name == "title":
        return lambda paper: needle in folded_text((paper.title,))
    return lambda paper: needle in folded_names(paper.authors)  # an author a line


def _tag(value: str, _position: int) -> Test:
    tag = normalize_tag(value)
    return lambda paper: tag in paper.tags


def _status(value: str, position: int) -> Test:
    wanted = value.lower()
    matches = (
        [Status.READ] if wanted == "read" else [s for s in Status if s.value.startswith(wanted)]
    )
    if not matches:
        choices = ", ".join(s.value for s in Status)
        raise QueryError(f"unknown status '{value}' at position {position} (use {choices})")
    allowed = frozenset(matches)
    return lambda paper: paper.status in allowed


def _key(value: str, _position: int) -> Test:
    prefix = value.lower()
    return lambda paper: paper.key.lower().startswith(prefix)


def _category(value: str, _position: int) -> Test:
    wanted = value.lower()

    def test(paper: Paper) -> bool:
        if not paper.category:
            return False
        category = paper.category.lower()
        return category == wanted or category.split(".")[-1] == wanted

    return test


def _code(value: str, position: int) -> Test:
    answer = value.lower()
    if answer in ("yes", "y", "true", "1"):
        return _has_code
    if answer in ("no", "n", "false", "0"):
        return lambda paper: not _has_code(paper)
    raise QueryError(f"bad value for code: '{value}' at position {position} (use yes or no)")


# -- years and dates: a value is a span [low, high) of whole numbers -----------

Span = tuple[int | None, int | None]
_COMPARISON = re.compile(r"(>=|<=|>|<|=)?(.*)", re.DOTALL)
_YEAR = re.compile(r"\d{4}")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _span(value: str, point: Callable[[str], tuple[int, int] | None]) -> Span | None:
    """The span ``value`` names (a point, ``>=point``, ``a..b``, ``a..``, ``..b``), or None."""
    if ".." in value:
        first, _, last = value.partition("..")
        low = point(first) if first else None
        high = point(last) if last else None
        if (first and low is None) or (last and high is None) or not (first or last):
            return None
        return (low[0] if low else None, high[1] if high else None)
    match = _COMPARISON.fullmatch(value)
    assert match is not None  # the pattern matches any text
    found = point(match.group(2))
    if found is None:
        return None
    start, end = found
    spans: dict[str, Span] = {
        "=": (start, end),
        ">=": (start, None),
        ">": (end, None),
        "<": (None, start),
        "<=": (None, end),
    }
    return spans[match.group(1) or "="]


def _year_point(text: str) -> tuple[int, int] | None:
    if not _YEAR.fullmatch(text):
        return None
    return int(text), int(text) + 1


def _date_point(text: str) -> tuple[int, int] | None:
    """The days (as ordinals) from the year, month or day ``text`` names to the day after it."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the year is not optional in the pattern
    try:
        if day is not None and month is not None:
            start = date(year, month, day)
            return start.toordinal(), start.toordinal() + 1
        if month is not None:
            start = date(year, month, 1)
            after = date(year + month // 12, month % 12 + 1, 1)
            return start.toordinal(), after.toordinal()
        return date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()
    except ValueError:  # month 13, 31 April, year 0 or after 9999
        return None


def _within(span: Span, number: int | None) -> bool:
    low, high = span
    return number is not None and (low is None or low <= number) and (high is None or number < high)


def _year(value: str, position: int) -> Test:
    span = _span(value, _year_point)
    if span is None:
        raise QueryError(
            f"bad year '{value}' at position {position} (use 2023, >=2023, <2020 or 2020..2023)"
        )
    return lambda paper: _within(span, paper.year)


def _local_day(stamp: str | None) -> int | None:
    """The day (as an ordinal) of an ISO timestamp, in local time when it has a zone."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.toordinal()


def _date_test(value: str, position: int, name: str, stamp: Callable[[Paper], str | None]) -> Test:
    span = _span(value, _date_point)
    if span is None:
        raise QueryError(
            f"bad date '{value}' for {name}: at position {position} (use 2026, 2026-11, "
            "2026-11-01, >=2026-11-01 or 2026-11-01..2026-11-30)"
        )
    return lambda paper: _within(span, _local_day(stamp(paper)))


def _added(value: str, position: int) -> Test:
    return _date_test(value, position, "added", lambda paper: paper.added)


def _read(value: str, position: int) -> Test:
    return _date_test(value, position, "read", lambda paper: paper.read_at)


_PARSERS: dict[str, Callable[[str, int], Test]] = {
    "tag": _tag,
    "status": _status,
    "key": _key,
    "year": _year,
    "cat": _category,
    "code": _code,
    "added": _added,
    "read": _read,
}
