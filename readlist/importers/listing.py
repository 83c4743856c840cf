"""The listing format: three lines a paper — category and date, title glued to authors, abstract.

A record looks like::

    CVSep 25, 2023Code
    Aligning Large Multimodal Models with Factually Augmented RLHFZhiqing Sun et al. · cmu
    Large Multimodal Models (LMM) are built across modalities …

Line 1 is a two-letter category code glued to a date (the year may be
missing) and an optional ``Code`` flag. Line 2 is the title glued directly to
the comma-separated author list, then `` et al.`` when the list was cut, then
`` · `` and comma-separated affiliations. Line 3 is the abstract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from readlist.bib.arxiv import category_class
from readlist.bib.dates import month_number
from readlist.bib.names import (
    SUFFIXES,
    is_initial,
    is_name_piece,
    is_name_word,
    is_person_name_text,
)
from readlist.importers.detect import HEADER, ImportFormatError, is_header, split_lines
from readlist.links import extract_links
from readlist.models import Paper, Source
from readlist.text import one_line, strip_controls

# -- names -----------------------------------------------------------------------

#: Lines longer than this are never split: no real title and author list is this long.
MAX_SPLIT_LENGTH = 5000
#: Longest word taken for part of a name.
MAX_NAME_WORD = 50
#: A title line that cannot be split, is this long, and has no line after it is an abstract.
ABSTRACT_MIN = 400


_AUTHOR_PIECE = re.compile(r"[^\s,&]+|[,&]")


def _parse_authors(text: str, start: int) -> list[str] | None:
    """The author list that ``text[start:]`` is, or ``None`` if it is not one.

    Names are separated by commas, ``and`` or ``&`` (an Oxford comma is fine); a
    suffix after a comma (``John Smith, Jr.``) joins the name before it. Fails as
    soon as a piece cannot belong to a name, so a wrong start costs little.
    """
    authors: list[str] = []
    tokens: list[str] = []
    last_separator = ""
    first = True
    pieces: Iterator[re.Match[str]] = _AUTHOR_PIECE.finditer(text, start)
    for match in pieces:
        piece = match.group(0)
        if first:
            first = False
            if not (is_name_word(piece) or is_initial(piece)):
                return None
        if piece in (",", "&", "and"):
            if not tokens:
                # Only "A B, and C D" / "A B, & C D" may have two separators in a row.
                if not (last_separator == "," and piece != "," and authors):
                    return None
            elif authors and len(tokens) == 1 and tokens[0] in SUFFIXES and last_separator == ",":
                authors[-1] = f"{authors[-1]} {tokens[0]}"
            else:
                name = " ".join(tokens)  # pieces hold no space, so this splits back
                if not is_person_name_text(name):
                    return None
                authors.append(name)
            tokens = []
            last_separator = piece
            continue
        tokens.append(piece)
        if len(tokens) > 9 or not is_name_piece(piece):
            return None
    if authors and len(tokens) == 1 and tokens[0] in SUFFIXES and last_separator == ",":
        authors[-1] = f"{authors[-1]} {tokens[0]}"
    elif tokens and is_person_name_text(name := " ".join(tokens)):
        authors.append(name)
    else:
        return None
    return authors


def _class_items(codes: list[int]) -> str:
    """The inside of a regex character class for exactly the code points ``codes`` (ascending)."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


@cache  # built on first use, not at import: it takes a scan of the Basic Multilingual Plane
def _glue_point_pattern() -> re.Pattern[str]:
    """The regex behind :func:`_glue_points`."""
    # Every BMP character ``str.isupper`` accepts (Ⓐ and Ⅻ too), so the regex finds
    # the same positions as a test of each character. All characters above U+FFFF
    # pass (listing each uppercase one makes the class a slow list of ranges) and
    # are tested in _glue_points: they are rare.
    bmp_uppercase = _class_items([code for code in range(0x10000) if chr(code).isupper()])
    uppercase = f"[{bmp_uppercase}\U00010000-\U0010ffff]"
    # The letter comes first so that the regex skips quickly to the next candidate;
    # the lookbehind then wants a non-space before it, the lookahead a word end
    # within reach. Only the letter is consumed, so every candidate is found, each
    # with one bounded look ahead: linear in the line.
    return re.compile(
        rf"{uppercase}(?<=\S.)(?=([^\s,&]{{0,{MAX_NAME_WORD - 1}}})(?:[\s,&]|\Z))", re.DOTALL
    )


def _glue_points(text: str) -> list[tuple[int, str]]:
    """Where a title may be glued to its authors in ``text``, left to right, with the word there.

    A glue point is an uppercase letter right after a non-space character that
    starts a word (up to a space, comma or ``&``) of at most MAX_NAME_WORD
    characters: no author list can start anywhere else.
    """
    return [
        (match.start(), text[match.start() : match.end(1)])
        for match in _glue_point_pattern().finditer(text)
        if (letter := match[0]) <= "\uffff" or letter.isupper()
    ]


def split_title_authors(line: str) -> tuple[str, list[str]] | None:
    """Split a title glued to its author list: ``"…RLHFZhiqing Sun, Sheng Shen"``.

    The glue point is an uppercase letter right after a non-space character
    (``F|Z`` in ``RLHFZhiqing``, ``?|Z`` in ``Data?Zhen``). The positions are tried
    left to right and the first one where the rest of the line is a list of
    plausible person names (:func:`readlist.bib.names.is_person_name`) wins: a position inside the
    title never does, because the rest would include the glued word
    (``RLHFZhiqing``, ``DetectionJinhyung``), which is no name. ``line`` must
    not carry `` et al.`` or affiliations (see :func:`parse_byline`).

    Returns ``(title, authors)``, or ``None`` when no split is plausible.
    """
    text = one_line(line)
    if len(text) > MAX_SPLIT_LENGTH:
        return None
    for index, first_word in _glue_points(text):
        # Most glue points are inside the title, at a word that is no name; the
        # cached word tests tell that before any author list is attempted.
        if not (is_name_word(first_word) or is_initial(first_word)):
            continue
        authors = _parse_authors(text, index)
        if authors is not None:
            return text[:index], authors
    return None


@dataclass(slots=True)
class Byline:
    """Line 2 of a record taken apart."""

    title: str
    authors: list[str]
    authors_truncated: bool = False
    affiliations: list[str] = field(default_factory=list)


_ET_AL = re.compile(r"\s*\bet\.? al\.?$")
_AFFILIATION_SEPARATOR = " · "
_AFFILIATION_CUT = re.compile(re.escape(_AFFILIATION_SEPARATOR))


def parse_byline(line: str) -> Byline | None:
    """Title, authors, `` et al.`` and `` · ``-separated affiliations from line 2.

    The affiliation separator is tried from the last one to the first (a title
    may itself contain `` · ``), then not at all; ``None`` if nothing splits.
    """
    text = one_line(line)
    cuts = [m.start() for m in _AFFILIATION_CUT.finditer(text)]
    for cut in [*reversed(cuts), None]:
        head = text if cut is None else text[:cut]
        tail = "" if cut is None else text[cut + len(_AFFILIATION_SEPARATOR) :]
        # ``text`` is one line, so "et al." can only match at the very end; the
        # regex, which is slow to run along the whole line, is spared otherwise.
        et_al = _ET_AL.search(head) if head.endswith(("al", "al.")) else None
        truncated = et_al is not None
        if et_al is not None:
            head = head[: et_al.start()]
        split = split_title_authors(head)
        if split is not None:
            affiliations = [a.strip() for a in tail.split(",") if a.strip()]
            return Byline(split[0], split[1], truncated, affiliations)
    return None


# -- dates -----------------------------------------------------------------------


def infer_date(month: int, day: int, year: int | None, today: date) -> date | None:
    """The date; without a year, the most recent such date not after ``today``.

    ``None`` when the day does not exist (``Feb 30``, or ``Feb 29`` in a common year).
    """
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    # Feb 29 exists one year in four (less across centuries): look back far enough.
    for candidate in range(today.year, today.year - 9, -1):
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue
        if found <= today:
            return found
    return None


# -- records ---------------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """A record being read: its header facts and the line numbers it came from."""

    line: int
    category: str | None = None
    published: str | None = None
    has_code: bool = False
    byline: str | None = None
    byline_line: int = 0
    abstract: list[str] = field(default_factory=list)


def _parse_header(line: str, number: int, today: date, warnings: list[str]) -> _Record:
    """The record that header ``line`` (line ``number``) opens."""
    match = HEADER.fullmatch(line)
    assert match is not None
    record = _Record(line=number, has_code=match["code"] is not None)
    code = match["category"]
    if code:
        record.category = category_class(code)
    else:
        warnings.append(f"line {number}: no category before the date in {line!r}")
    month = month_number(match["month"])
    year = int(match["year"]) if match["year"] else None
    found = infer_date(month, int(match["day"]), year, today) if month else None
    if found is None:
        warnings.append(f"line {number}: invalid date in {line!r}; publication date left empty")
    else:
        record.published = found.isoformat()
    return record


def _looks_like_broken_header(line: str) -> bool:
    """Whether ``line``, found where a header should be, is a header gone wrong.

    A short line with a digit and no full stop at the end (``CV 25 Sept``,
    ``CVSep 32 2023``) is; a sentence or a title line is not.
    """
    return len(line) <= 40 and any(c.isdigit() for c in line) and not line.endswith(".")


def _lines(text: str) -> list[str]:
    """:func:`split_lines`, without its regex for the usual text with no carriage return."""
    if "\r" in text:
        return split_lines(text)
    return text.removeprefix("\ufeff").split("\n")


def _paper(record: _Record, source_name: str, warnings: list[str]) -> Paper | None:
    """The paper for a finished record, or ``None`` (with a warning) if it has no title line."""
    if record.byline is None:
        warnings.append(f"line {record.line}: record has no title line; skipped")
        return None
    byline = parse_byline(record.byline)
    if byline is None and not record.abstract and len(record.byline) > ABSTRACT_MIN:
        warnings.append(
            f"line {record.line}: record has no title line (line {record.byline_line} "
            "looks like an abstract); skipped"
        )
        return None
    if not record.abstract:
        warnings.append(f"line {record.line}: record has no abstract")
    if len(record.abstract) == 1:
        abstract = record.abstract[0]  # already cleaned and stripped, which changes it no more
    else:
        abstract = strip_controls("\n".join(record.abstract)).strip()
    paper = Paper(
        title=one_line(record.byline),
        category=record.category,
        published=record.published,
        has_code=record.has_code,
        abstract=abstract,
        links=extract_links(abstract),
        source=Source(file=source_name, format="listing"),
    )
    if byline is None:
        warnings.append(
            f"line {record.byline_line}: cannot tell the title from the authors; "
            "the whole line is kept as the title"
        )
    else:
        paper.title = byline.title
        paper.authors = byline.authors
        paper.authors_truncated = byline.authors_truncated
        paper.affiliations = byline.affiliations
    return paper


def parse_listing(
    text: str, *, today: date | None = None, source_name: str = ""
) -> tuple[list[Paper], list[str]]:
    """The papers in a listing, and warnings naming the lines that needed guessing.

    Records are found by their header line, so blank lines, a missing abstract
    or a missing title line shift nothing. After an abstract, a line that is
    not a header starts a record without category and date when it looks like
    a broken header (short, with a digit) or is a title-and-authors line;
    otherwise it is added to the abstract before it (a wrapped abstract). Each
    of these gets a warning; text before the first record is reported and
    skipped. A date without a year is the most recent
    such date not after ``today`` (default: the current date).

    Raises :class:`ImportFormatError` when there is no record at all.
    """
    today = today or date.today()
    papers: list[Paper] = []
    warnings: list[str] = []
    record: _Record | None = None

    def finish() -> None:
        if record is not None:
            paper = _paper(record, source_name, warnings)
            if paper is not None:
                papers.append(paper)

    for number, raw in enumerate(_lines(text), start=1):
        line = one_line(raw)
        if not line:
            continue
        if is_header(line):
            finish()
            record = _parse_header(line, number, today, warnings)
        elif record is None:
            warnings.append(f"line {number}: text before the first record skipped: {line[:60]!r}")
        elif record.byline is None:
            record.byline, record.byline_line = line, number
        elif not record.abstract:
            # A line that one_line leaves alone has nothing to clean or strip either.
            record.abstract.append(line if line == raw else strip_controls(raw).strip())
        elif _looks_like_broken_header(line):
            warnings.append(
                f"line {number}: {line!r} is not a record header (like 'CVSep 25, 2023Code'); "
                "the record it starts has no category or date"
            )
            finish()
            record = _Record(line=number)
        elif parse_byline(line) is not None:
            warnings.append(
                f"line {number}: title and authors with no header line before them; "
                "the record has no category or date"
            )
            finish()
            record = _Record(line=number, byline=line, byline_line=number)
        else:
            warnings.append(
                f"line {number}: extra line after the abstract of the record at "
                f"line {record.line}; added to that abstract"
            )
            record.abstract.append(strip_controls(raw).strip())
    finish()
    if not papers:
        raise ImportFormatError(
            "no listing records found (a record starts with a line like 'CVSep 25, 2023Code')"
        )
    return papers, warnings
