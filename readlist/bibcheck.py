"""An integrity check of the library's BibTeX entries, after JabRef's: pure, no I/O.

:func:`check_papers` looks at papers and the ``.bib`` text they were imported
with (:class:`~readlist.models.Source`) and reports, one :class:`Problem` each:
a required field an entry type lacks (BibTeX's standard types; biblatex's
``date`` counts as ``year``, ``journaltitle`` as ``journal``, ``institution`` as
``school``; fields a ``crossref``/``xdata`` parent gives count too), a DOI that
is not ``10.NNNN/…``, an ISBN whose checksum fails, a value whose braces BibTeX
would not see balanced, an ``@string`` macro used but never defined, a
``crossref``/``xdata`` naming no entry, and a key (or alias) that another paper
has too, compared without case as BibTeX compares keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from readlist.bib.bibtex_values import braces_balanced, macros_used
from readlist.models import Paper

#: The fields each BibTeX entry type needs (btxdoc); ``a|b`` needs one of them.
REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
}
#: biblatex's names that stand for a BibTeX field.
_STANDS_FOR = {
    "date": "year",
    "journaltitle": "journal",
    "institution": "school",
    "school": "institution",
    "location": "address",
}
_MONTHS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ISBN_REMARK = re.compile(r"\([^)]*\)|\bISBN(?:-1[03])?:?", re.IGNORECASE)
_ISBN_SPACING = re.compile(r"[\s-]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an entry: its key, the field, what is wrong."""

    key: str
    field: str
    message: str

    def line(self) -> str:
        """``KEY: field: message``."""
        return f"{self.key}: {self.field}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """The JSON form: ``{key, field, message}``."""
        return {"key": self.key, "field": self.field, "message": self.message}


def _present(paper: Paper) -> dict[str, str]:
    """The entry's fields with their text (macros resolved), as the ``.bib`` gave them."""
    source = paper.source
    if source is None:
        return {}
    fields = {name: text for name, text in source.fields.items()}
    for name in source.raw:
        fields.setdefault(name, "x")  # the abstract-like fields kept as written only
    if not source.raw:  # imported before readlist kept the text: what it derived
        if paper.title:
            fields.setdefault("title", paper.title)
        if paper.authors:
            fields.setdefault("author", " and ".join(paper.authors))
        if paper.published:
            fields.setdefault("year", paper.published[:4])
    return {name: text for name, text in fields.items() if text.strip()}


def _parents(fields: dict[str, str]) -> list[str]:
    """The keys named by ``crossref`` and ``xdata`` (a comma-separated list)."""
    names = [fields.get("crossref", "")]
    names += fields.get("xdata", "").split(",")
    return [name.strip() for name in names if name.strip()]


class _Entries:
    """The library's entries by every key they are cited with, without case."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self.by_key: dict[str, list[Paper]] = {}
        for paper in papers:
            for key in _cited_keys(paper):
                owners = self.by_key.setdefault(key.lower(), [])
                if paper not in owners:
                    owners.append(paper)

    def find(self, key: str) -> Paper | None:
        owners = self.by_key.get(key.lower())
        return owners[0] if owners else None

    def inherited(self, paper: Paper, depth: int = 0) -> set[str]:
        """The field names ``paper``'s crossref/xdata parents give it (to 4 levels)."""
        names: set[str] = set()
        if depth > 4:
            return names
        for parent_key in _parents(_present(paper)):
            parent = self.find(parent_key)
            if parent is not None and parent is not paper:
                names |= set(_present(parent)) | self.inherited(parent, depth + 1)
        return names


def _cited_keys(paper: Paper) -> list[str]:
    r"""The keys ``\cite`` finds ``paper`` by: its key and aliases, its file's key and ``ids``."""
    keys = [paper.key, *paper.aliases]
    if paper.source is not None:
        keys.append(paper.source.key or "")
        keys += paper.source.fields.get("ids", "").split(",")  # biblatex's own aliases
    return list(dict.fromkeys(key.strip() for key in keys if key.strip()))


def check_papers(papers: Sequence[Paper], library: Iterable[Paper] | None = None) -> list[Problem]:
    """The problems of ``papers``; crossrefs and duplicate keys are looked up in ``library``.

    ``library`` is every paper (``papers`` themselves when not given). Problems come
    paper by paper, in the order of ``papers``.
    """
    entries = _Entries(papers if library is None else library)
    problems: list[Problem] = []
    for paper in papers:
        problems += _duplicate_keys(paper, entries)
        if paper.source is None or paper.source.format != "bibtex":
            continue
        fields = _present(paper)
        problems += _missing_fields(paper, fields, entries)
        problems += _identifier_problems(paper.key, fields)
        problems += _raw_problems(paper)
        for parent in _parents(fields):
            if entries.find(parent) is None:
                name = "crossref" if parent == fields.get("crossref", "").strip() else "xdata"
                problems.append(Problem(paper.key, name, f"names '{parent}', which is no entry"))
    return problems


def _duplicate_keys(paper: Paper, entries: _Entries) -> list[Problem]:
    problems = []
    for key in _cited_keys(paper):
        others = [other for other in entries.by_key.get(key.lower(), []) if other is not paper]
        if others:
            what = "key" if key == paper.key else "alias"
            problems.append(
                Problem(
                    paper.key,
                    "key",
                    f"{what} '{key}' is also a key of "
                    + ", ".join(f"'{other.key}'" for other in others)
                    + " (BibTeX compares keys without case)",
                )
            )
    return problems


def _missing_fields(paper: Paper, fields: dict[str, str], entries: _Entries) -> list[Problem]:
    entry_type = (paper.source.entry_type if paper.source else None) or ""
    required = REQUIRED.get(entry_type.lower())
    if not required:
        return []
    have = set(fields) | entries.inherited(paper)
    have |= {_STANDS_FOR[name] for name in have if name in _STANDS_FOR}
    problems = []
    for need in required:
        choices = need.split("|")
        if have.isdisjoint(choices):
            what = f"one of {', '.join(choices)} is" if len(choices) > 1 else "it is"
            problems.append(
                Problem(
                    paper.key, need.replace("|", "/"), f"@{entry_type} needs it; {what} missing"
                )
            )
    return problems


def _identifier_problems(key: str, fields: dict[str, str]) -> list[Problem]:
    problems = []
    doi = fields.get("doi", "").strip()
    if doi:
        bare = _DOI_PREFIX.sub("", doi).replace("\\_", "_")
        if not _DOI.fullmatch(bare):
            problems.append(Problem(key, "doi", f"'{doi}' is not a DOI (10.NNNN/…)"))
        elif bare != doi:
            problems.append(Problem(key, "doi", f"'{doi}': write the DOI alone, '{bare}'"))
    isbn = fields.get("isbn", "").strip()
    if isbn:
        for candidate in re.split(r"[,;]|\s+or\s+", _ISBN_REMARK.sub(" ", isbn)):
            number = _ISBN_SPACING.sub("", candidate)
            if number and not isbn_ok(number):
                problems.append(Problem(key, "isbn", f"'{candidate.strip()}' is not a valid ISBN"))
    return problems


def isbn_ok(number: str) -> bool:
    """Whether ``number`` (without hyphens) is an ISBN-10 or ISBN-13 whose checksum holds."""
    number = number.upper()
    if len(number) == 10 and number[:9].isdigit() and (number[9].isdigit() or number[9] == "X"):
        digits = [int(c) for c in number[:9]] + [10 if number[9] == "X" else int(number[9])]
        return sum((10 - n) * d for n, d in enumerate(digits)) % 11 == 0
    if len(number) == 13 and number.isdigit() and number[:3] in ("978", "979"):
        total = sum(int(c) * (3 if n % 2 else 1) for n, c in enumerate(number))
        return total % 10 == 0
    return False


def _raw_problems(paper: Paper) -> list[Problem]:
    """Unbalanced braces and undefined macros in the fields as the ``.bib`` wrote them."""
    source = paper.source
    if source is None:
        return []
    problems = []
    for name, raw in source.raw.items():
        if not braces_balanced(raw):
            problems.append(Problem(paper.key, name, "braces do not balance"))
        for macro in dict.fromkeys(macros_used(raw)):
            if macro not in source.strings and macro not in _MONTHS:
                problems.append(Problem(paper.key, name, f"@string '{macro}' is not defined"))
    return problems
