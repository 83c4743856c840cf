"""Importing papers from text: listings, search results and BibTeX — pure functions, no I/O.

:func:`parse_text` takes the text of a file and gives back the papers in it
plus warnings naming the lines it had to guess about; it never prints, never
touches a file and never fails with anything but one :class:`ImportFormatError`
carrying a one-line message. :func:`decode_bytes` turns a file's bytes into
that text.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from readlist.importers.detect import ImportFormatError, detect_format
from readlist.importers.listing import parse_listing, split_title_authors
from readlist.importers.search_results import parse_search_results
from readlist.models import Paper

if TYPE_CHECKING:
    from readlist.bib.bibtex_values import MacroTable

__all__ = [
    "FORMATS",
    "ImportFormatError",
    "ImportResult",
    "decode_bytes",
    "decode_text",
    "detect_format",
    "parse_text",
    "split_title_authors",
]

#: The formats :func:`parse_text` reads, as accepted by its ``format`` argument.
FORMATS = ("listing", "search", "bibtex")

#: How much of a file is looked at for NUL bytes to tell a binary file.
BINARY_PROBE = 8192


@dataclass(slots=True)
class ImportResult:
    """The papers read from one text, the warnings about it, and the format it was read as."""

    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)
    format: str = ""


def parse_text(
    text: str,
    *,
    format: str | None = None,
    source_name: str = "",
    today: date | None = None,
    bibtex_macros: MacroTable | None = None,
) -> ImportResult:
    r"""The papers in ``text``, read as ``format`` (detected when ``None``).

    Every paper's ``source`` names ``source_name`` and the format (and, for
    BibTeX, the entry type, citation key and remaining raw fields). ``today``
    (default: the current date) dates listing entries that give no year.
    ``bibtex_macros`` carries BibTeX ``@string`` macros and ``@preamble``s from
    one file to the next, as BibTeX reads ``\bibliography{strings,papers}``.

    Raises :class:`ImportFormatError` for an unknown format name, text in no
    known format, or text with no paper in the given one.
    """
    if format is not None and format not in FORMATS:
        raise ImportFormatError(f"unknown format {format!r} (choose from {', '.join(FORMATS)})")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():  # not text.strip(): no copy of a 100 MB file
        raise ImportFormatError("the file is empty")
    chosen = format or detect_format(text)
    if chosen != "bibtex" and format is not None and _is_bibtex(text):
        # The listing and search parsers read almost any text; BibTeX read as one is junk.
        raise ImportFormatError(
            f"this is BibTeX, not the {format} format; import it without --format "
            "(or with --format bibtex)"
        )
    if chosen == "listing":
        papers, warnings = parse_listing(text, today=today or date.today(), source_name=source_name)
    elif chosen == "search":
        papers, warnings = parse_search_results(text, source_name=source_name)
    else:
        from readlist.importers.bibtex import parse_bibtex  # bibtexparser is slow to import

        papers, warnings = parse_bibtex(text, source_name=source_name, macros=bibtex_macros)
    return ImportResult(papers=papers, warnings=warnings, format=chosen)


def _is_bibtex(text: str) -> bool:
    """Whether detection, which knows BibTeX by its ``@type{`` lines, calls ``text`` BibTeX."""
    try:
        return detect_format(text) == "bibtex"
    except ImportFormatError:
        return False


def decode_bytes(data: bytes) -> str:
    """The text of a file's bytes.

    UTF-8, with or without a BOM; UTF-16 and UTF-32 with a BOM (as some Windows
    editors save) are decoded too. Anything else is refused rather than guessed — a wrong
    guess would import garbled names with no warning: a NUL byte in the first
    8 KiB means a binary file, and bytes that are not UTF-8 mean another
    encoding. Both raise :class:`ImportFormatError`.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError:
            raise ImportFormatError("not valid UTF-32 text despite its byte-order mark") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFormatError("not valid UTF-16 text despite its byte-order mark") from None
    if b"\x00" in data[:BINARY_PROBE]:
        raise ImportFormatError("this looks like a binary file, not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8 and import it again"
        ) from None


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """The text of a file's bytes as :func:`decode_bytes` gives it, and warnings.

    One exception to refusing what is not UTF-8: a BibTeX file, which older
    tools often saved in Latin-1 (or Windows-1252, its superset), is decoded as
    Windows-1252 when it can be and as Latin-1 otherwise, with a warning —
    BibTeX itself reads it byte by byte, so refusing it helps no one.
    """
    try:
        return decode_bytes(data), []
    except ImportFormatError as error:
        if not str(error).startswith("not UTF-8 text"):
            raise
        first_problem = str(error)
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO 8859-1)")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_bibtex(text):
            return text, [
                f"{first_problem.split(';')[0]}: read as {label}, as BibTeX files of that age "
                "often are; check accented names, and save the file as UTF-8"
            ]
    raise ImportFormatError(first_problem)
