"""Telling which import format a text is in, and the error raised when it is in none."""

from __future__ import annotations

import re

from readlist.errors import ReadlistError


class ImportFormatError(ReadlistError, ValueError):
    """The text is not in the requested format, or in any known one; the message is one line."""


_NEWLINE = re.compile(r"\r\n|\r|\n")
#: One line's text, up to (not including) its line break.
_LINE = re.compile(r"[^\r\n]*")


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines at LF, CRLF or CR, without a leading BOM.

    Line ``i`` of the result is line ``i + 1`` of the input as an editor numbers it.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return _NEWLINE.split(text)


# Line 1 of a listing record: a category code glued to a date with an optional
# year and ``Code`` flag — ``CVSep 25, 2023Code``, ``CLMar 4``. The category is
# lazy so that ``CVSep`` splits as ``CV`` + ``Sep``; the whole line must match.
HEADER = re.compile(
    r"""
    (?P<category>[A-Za-z][A-Za-z.\-]{0,15}?)?\s*
    (?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6})\.?\s+
    (?P<day>\d{1,2})
    (?:\s*,\s*(?P<year>\d{4}))?
    \s*(?P<code>Code)?
    """,
    re.VERBOSE,
)

_TRENDING = re.compile(r"get trending papers\b", re.IGNORECASE)
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)

#: Longest line taken for a title in the search-result format; longer is an abstract.
TITLE_MAX = 300


def is_header(line: str) -> bool:
    """Whether ``line`` (stripped) is a listing record header."""
    return HEADER.fullmatch(line.strip()) is not None


def strip_subscribe(line: str) -> str:
    """``line`` without a ``Subscribe`` button label glued to a capitalised title."""
    if line.startswith("Subscribe") and len(line) > 9 and line[9].isupper():
        return line[9:]
    return line


def looks_like_title(line: str) -> bool:
    """Whether ``line`` could be a search-result title rather than an abstract."""
    line = line.strip()
    return 0 < len(line) <= TITLE_MAX and not line.endswith(".")


def detect_format(text: str) -> str:
    """The format of ``text``: ``"listing"``, ``"search"`` or ``"bibtex"``.

    * listing — one of the first three non-blank lines is a record header
      (``CVSep 25, 2023Code``) and no BibTeX entry comes before it;
    * search — the first non-blank line is the "Get trending papers…" banner or
      starts with ``Subscribe``, or the text alternates short title lines with
      long abstract lines;
    * bibtex — a line starts with ``@type{`` (or ``@type(``).

    Raises :class:`ImportFormatError` when nothing fits.
    """
    content = _first_content_lines(text, 8)
    if not content:
        raise ImportFormatError("the file is empty")
    head = content[:3]
    for line in head:
        if line.startswith("@"):
            break
        if is_header(line):
            return "listing"
    first = content[0]
    if _TRENDING.match(first) or strip_subscribe(first) != first or first == "Subscribe":
        return "search"
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    if _alternates(content[:8]):
        return "search"
    raise ImportFormatError(
        "unrecognised format: not a listing (lines like 'CVSep 25, 2023Code'), "
        "search results (title and abstract lines) or BibTeX (@article{…}); "
        "choose one with --format"
    )


def _first_content_lines(text: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines of ``text``, stripped, without splitting all of it."""
    found: list[str] = []
    start = 1 if text.startswith("\ufeff") else 0
    for match in _LINE.finditer(text, start):
        line = match.group().strip()
        if line:
            found.append(line)
            if len(found) == count:
                break
    return found


def _alternates(lines: list[str]) -> bool:
    """Whether ``lines`` go title, abstract, title, abstract … (at least one pair)."""
    if len(lines) < 2:
        return False
    pairs = len(lines) // 2
    return all(
        looks_like_title(lines[2 * i])
        and not looks_like_title(lines[2 * i + 1])
        and len(lines[2 * i + 1]) > 2 * len(lines[2 * i])
        for i in range(pairs)
    )
