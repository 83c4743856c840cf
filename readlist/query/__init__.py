"""The query language shared by the CLI and the TUI: parse once, match many papers.

Syntax (all terms must match; ``-`` before a term negates it):

- free words match the starts of words in the title, authors, abstract and notes,
  case- and accent-insensitively (``quant`` finds "quantization", ``lora`` does not
  find "exploration": see :mod:`readlist.query.words`);
- ``"quoted phrase"`` matches the phrase's whole words in order;
- ``tag:x``, ``status:unread``, ``author:kim``, ``title:word``, ``key:sun2023``,
  ``year:2023``, ``year:>=2023`` (also ``>``, ``<``, ``<=``, ``2020..2023``),
  ``cat:cs.CV`` (``cat:cv`` matches the class ``cs.CV`` too), ``code:yes|no``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from readlist.errors import QueryError
from readlist.models import Paper, Status, fold, normalize_tag
from readlist.query.words import folded_text, phrase_needle, word_needle

#: Filters the language knows, for error messages and completion.
FIELDS = ("tag", "status", "author", "title", "key", "year", "cat", "code")
_ALIASES = {"tags": "tag", "category": "cat", "is": "status", "authors": "author", "has": "code"}

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S*))')
_YEAR = re.compile(r"^(>=|<=|>|<|=)?(\d{4})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\.\.(\d{4})$")

Predicate = Callable[[Paper, str], bool]


def search_text(paper: Paper) -> str:
    """The folded text that free words are matched against (see :func:`folded_text`)."""
    return folded_text((paper.title, *paper.authors, paper.abstract, paper.notes))


@dataclass(frozen=True)
class Query:
    """A parsed query: a conjunction of predicates over a paper and its search text."""

    text: str
    predicates: tuple[Predicate, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        """Whether the query matches everything."""
        return not self.predicates

    def matches(self, paper: Paper, haystack: str | None = None) -> bool:
        """Whether ``paper`` matches; ``haystack`` is its cached :func:`search_text`."""
        if haystack is None:
            haystack = search_text(paper)
        return all(predicate(paper, haystack) for predicate in self.predicates)

    def filter(self, papers: Iterable[Paper]) -> list[Paper]:
        """The papers that match, in the given order."""
        return [paper for paper in papers if self.matches(paper)]


def parse_query(text: str) -> Query:
    """Parse ``text``; raise :class:`QueryError` for an unknown filter or a bad value."""
    predicates: list[Predicate] = []
    for match in _TOKEN.finditer(text):
        negate, name, quoted, bare = match.groups()
        if name is None and quoted is not None:
            predicate: Predicate | None = _phrase(quoted)
        else:
            value = quoted if quoted is not None else bare
            predicate = _term(name.lower() if name else None, value or "", match.group(0))
        if predicate is None:
            continue
        predicates.append(_negated(predicate) if negate else predicate)
    return Query(text=text, predicates=tuple(predicates))


def _negated(predicate: Predicate) -> Predicate:
    return lambda paper, haystack: not predicate(paper, haystack)


def _term(name: str | None, value: str, raw: str) -> Predicate | None:
    if name is None:
        needle = word_needle(value)
        if not needle:
            return None
        return lambda _paper, haystack: needle in haystack
    name = _ALIASES.get(name, name)
    if name not in FIELDS and (not value or value.startswith("//")):
        # "RLHF:" or a URL is a word to look for, not a filter.
        return _term(None, f"{name}:{value}" if value else name, raw)
    if name not in FIELDS:
        raise QueryError(f"unknown filter '{name}:' in {raw!r} (known: {', '.join(FIELDS)})")
    if not value:
        return None  # "tag:" while typing: no constraint yet
    return _FIELD_PARSERS[name](value)


def _tag(value: str) -> Predicate:
    tag = normalize_tag(value)
    return lambda paper, _h: tag in paper.tags


def _status(value: str) -> Predicate:
    wanted = value.lower()
    matches = [s for s in Status if s.value.startswith(wanted)]
    if wanted == "read":
        matches = [Status.READ]
    if not matches:
        choices = ", ".join(s.value for s in Status)
        raise QueryError(f"unknown status '{value}' (use {choices})")
    allowed = frozenset(matches)
    return lambda paper, _h: paper.status in allowed


def _phrase(value: str) -> Predicate | None:
    needle = phrase_needle(value)
    if not needle:
        return None
    return lambda _paper, haystack: needle in haystack


def _author(value: str) -> Predicate:
    needle = word_needle(value)
    return lambda paper, _h: any(needle in folded_text((author,)) for author in paper.authors)


def _title(value: str) -> Predicate:
    needle = word_needle(value)
    return lambda paper, _h: needle in folded_text((paper.title,))


def _key(value: str) -> Predicate:
    prefix = value.lower()
    return lambda paper, _h: paper.key.lower().startswith(prefix)


def _year(value: str) -> Predicate:
    span = _YEAR_RANGE.match(value)
    if span:
        low, high = int(span.group(1)), int(span.group(2))
        return lambda paper, _h: paper.year is not None and low <= paper.year <= high
    match = _YEAR.match(value)
    if not match:
        raise QueryError(f"bad year '{value}' (use 2023, >=2023, <2020 or 2020..2023)")
    op, year = match.group(1) or "=", int(match.group(2))
    compare: dict[str, Callable[[int], bool]] = {
        "=": lambda y: y == year,
        ">": lambda y: y > year,
        ">=": lambda y: y >= year,
        "<": lambda y: y < year,
        "<=": lambda y: y <= year,
    }
    test = compare[op]
    return lambda paper, _h: paper.year is not None and test(paper.year)


def _category(value: str) -> Predicate:
    wanted = value.lower()

    def predicate(paper: Paper, _h: str) -> bool:
        if not paper.category:
            return False
        category = paper.category.lower()
        return category == wanted or category.split(".")[-1] == wanted

    return predicate


def _code(value: str) -> Predicate:
    answer = value.lower()
    if answer in ("yes", "y", "true", "1"):
        return lambda paper, _h: paper.has_code or paper.code_url is not None
    if answer in ("no", "n", "false", "0"):
        return lambda paper, _h: not (paper.has_code or paper.code_url is not None)
    raise QueryError(f"bad value for code: '{value}' (use yes or no)")


_FIELD_PARSERS: dict[str, Callable[[str], Predicate]] = {
    "tag": _tag,
    "status": _status,
    "author": _author,
    "title": _title,
    "key": _key,
    "year": _year,
    "cat": _category,
    "code": _code,
}

#: Sort orders shared by ``list --sort`` and the TUI: name → (key function, newest first?).
SORTS: dict[str, tuple[Callable[[Paper], tuple[object, ...]], bool]] = {
    "published": (lambda p: (p.published or "", p.title.lower()), True),
    "added": (lambda p: (p.added or "", p.key), True),
    "title": (lambda p: (fold(p.title), p.key), False),
    "author": (lambda p: (fold(p.authors[0]) if p.authors else "\uffff", p.key), False),
    "status": (lambda p: (list(Status).index(p.status), p.key), False),
    "key": (lambda p: (p.key,), False),
}
_SORT_ALIASES = {"date": "published", "year": "published", "authors": "author"}


def sort_name(by: str) -> str:
    """The sort ``by`` names (aliases resolved); unknown names raise QueryError."""
    name = _SORT_ALIASES.get(by, by)
    if name not in SORTS:
        raise QueryError(f"unknown sort '{by}' (use {', '.join(SORTS)})")
    return name


def sort_papers(papers: Sequence[Paper], by: str = "published") -> list[Paper]:
    """``papers`` in the named order (see :data:`SORTS`); unknown names raise QueryError."""
    key, newest_first = SORTS[sort_name(by)]
    return sorted(papers, key=key, reverse=newest_first)
