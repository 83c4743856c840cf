"""BibTeX files, read with bibtexparser v2 and decoded from LaTeX to Unicode (readlist.bib.latex).

Why ~510 lines: it is one job, an entry's fields to a :class:`Paper` (names, dates,
links, tags, title stand-ins), shared by the fast path and bibtexparser's path.
The LaTeX decoder, the months and the name rules it reads live in :mod:`readlist.bib`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library as BibLibrary
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ParsingFailedBlock,
    String,
)

from readlist.bib.bibtex_names import display_name, split_names
from readlist.bib.bibtex_values import MacroTable, macros_used
from readlist.bib.dates import month_number
from readlist.bib.latex import latex_to_text, unescape_specials
from readlist.importers.bibtex_recover import rewrite
from readlist.importers.bibtex_split import split_entries
from readlist.importers.detect import ImportFormatError
from readlist.keys import is_valid_key
from readlist.links import classify_url, extract_links
from readlist.models import Link, LinkKind, Paper, Source, bibtex_derived, normalize_tag
from readlist.text import one_line, strip_controls

# Both libraries log parse problems; we report them as warnings instead, so keep
# Python's last-resort handler from printing them to stderr.
for _name in ("bibtexparser", "pylatexenc"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

#: Fields whose content a :class:`Paper` attribute holds, so not kept in ``Source.fields``:
#: title, authors, published, abstract, tags and category. ``url`` joins them when
#: every URL in it became a link. ``doi``, ``eprint`` and ``archiveprefix`` stay,
#: since links hold them only rewritten as URLs.
MAPPED_FIELDS = frozenset(
    {"title", "author", "year", "month", "day", "date", "abstract", "keywords", "primaryclass"}
)

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _paragraphs(text: str) -> str:
    """``text`` with whitespace collapsed inside paragraphs, paragraphs kept apart."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # one clean line already: nothing below would change it
    text = strip_controls(text)
    if "\n" not in text:
        return " ".join(text.split())
    paragraphs = _BLANK_LINE.split(text)
    return "\n\n".join(p for p in (" ".join(q.split()) for q in paragraphs) if p)


def _authors(raw: str) -> tuple[list[str], bool]:
    """Display-order names from a BibTeX ``author`` field, and whether ``and others`` ends it."""
    authors: list[str] = []
    truncated = False
    for name in split_names(raw):
        if name.strip().lower() == "others":
            truncated = True
            continue
        display = display_name(name)
        if display:
            authors.append(display)
    return authors, truncated


def _published(fields: dict[str, str], where: str, warnings: list[str]) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a biblatex date, else year/month/day.

    biblatex reads ``date`` first and ``year``/``month`` only without it, so an entry
    with both sorts and shows by its ``date`` here too.
    """
    match = _ISO_DATE.match(fields.get("date", "").strip())
    if match:
        year_text, month_text, day_text = match[1], match[2] or "", match[3] or ""
    else:
        year_text = _date_part(fields.get("year", ""))
        month_text = _date_part(fields.get("month", "")).strip(".")
        day_text = _date_part(fields.get("day", ""))
    year_match = _YEAR.fullmatch(year_text)
    if not year_match:
        if year_text:
            warnings.append(f"{where}: year {year_text!r} is not a year; no publication date")
        return None
    published = year_text
    if not month_text:
        return published
    month: int | None
    if month_text.isdigit():
        month = int(month_text) if 1 <= int(month_text) <= 12 else None
    else:
        month = month_number(month_text.split()[0])
    if month is None:
        warnings.append(f"{where}: month {month_text!r} is not a month; only the year is kept")
        return published
    published = f"{published}-{month:02d}"
    if day_text:
        try:
            return date(int(year_text), month, int(day_text)).isoformat()
        except ValueError:
            warnings.append(f"{where}: day {day_text!r} is not a day; year and month kept")
    return published


def _date_part(value: str) -> str:
    """A year, month or day field as one line of text."""
    if value.isascii() and value.isalnum():
        return value  # the usual ``2024`` or ``dec``: decoding would give it back unchanged
    return one_line(latex_to_text(value))


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_YEAR = re.compile(r"\d{4}")
_KEYWORD_SEPARATOR = re.compile(r"[,;]")
_ARXIV_ID = re.compile(
    r"(?:arXiv:)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)"
)


def _links(fields: dict[str, str], url_links: list[list[Link]]) -> list[Link]:
    """Links from ``url``, ``doi``, an arXiv ``eprint``, and URLs in the abstract or notes.

    ``url_links`` holds the links of each whitespace-separated part of ``url``.
    """
    links: list[Link] = [link for part_links in url_links for link in part_links]
    doi = fields.get("doi", "").strip()
    if doi:
        if doi.lower().startswith(("http://", "https://")):
            links += extract_links(doi)
        else:
            doi = re.sub(r"^doi:\s*", "", unescape_specials(doi), flags=re.IGNORECASE)
            url = f"https://doi.org/{doi}"
            links.append(Link(url=url, kind=classify_url(url)))
    eprint = fields.get("eprint", "").strip()
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    arxiv = _ARXIV_ID.fullmatch(eprint)
    if eprint and arxiv and prefix in ("", "arxiv"):
        url = f"https://arxiv.org/abs/{arxiv[1]}"
        links.append(Link(url=url, kind=classify_url(url)))
    for name in ("abstract", "howpublished", "note"):
        links += extract_links(fields.get(name, ""))
    unique: dict[str, Link] = {}
    for link in links:
        unique.setdefault(link.url, link)
    return list(unique.values())


def _all_links(parts: list[str], url_links: list[list[Link]]) -> bool:
    """Whether every part of a ``url`` field is an http(s) link (``url_links``: their links)."""
    return bool(parts) and all(
        [link.url for link in links] == [part] for part, links in zip(parts, url_links, strict=True)
    )


def _tags(raw: str) -> list[str]:
    """Tags from a ``keywords`` field split on commas or semicolons: lowercase, sorted."""
    tags = {normalize_tag(one_line(latex_to_text(word))) for word in _KEYWORD_SEPARATOR.split(raw)}
    return sorted(tag for tag in tags if tag)


def _field_text(value: Any) -> str:
    """A raw field value as a string."""
    return value if isinstance(value, str) else str(value)


@dataclass(slots=True)
class _FileContext:
    """What the entries of one file share while it is read."""

    source_name: str
    macros: MacroTable  # this file's and earlier files' macros and preambles
    warnings: list[str] = field(default_factory=list)
    #: Each undefined macro (lowercased) used: how often, and where first.
    undefined: dict[str, tuple[int, str]] = field(default_factory=dict)

    def note_undefined(self, names: list[str], where: str) -> None:
        """Count uses of undefined macros ``names`` at ``where``."""
        for name in names:
            count, first = self.undefined.get(name.lower(), (0, where))
            self.undefined[name.lower()] = (count + 1, first)

    def undefined_warnings(self) -> list[str]:
        """One warning per undefined macro, naming its first use and the way out."""
        return [
            f"{where}: macro {name!r} is not defined (used {count} time(s) in this file), "
            "so it stands for its own name; if another file defines it, import that file "
            f"first in the same command: readlist import strings.bib {self.source_name}".rstrip()
            for name, (count, where) in self.undefined.items()
        ]


def _paper(
    start_line: int | None,
    entry_type: str,
    key: str,
    raw_fields: Iterable[tuple[str, Any]],
    context: _FileContext,
) -> Paper | None:
    """The paper for one entry, or ``None`` (with a warning) when it has neither title nor key.

    ``raw_fields`` are the values as written, resolved here through the
    context's macros and kept as written in ``Source.raw`` (all but the
    abstract, which is stored apart from the library), with the macros they use
    and the preambles read so far.
    """
    macros, warnings, source_name = context.macros, context.warnings, context.source_name
    line = (start_line or 0) + 1
    where = f"line {line} ({key})" if key else f"line {line}"
    fields: dict[str, str] = {}
    written: dict[str, str] = {}
    strings: dict[str, str] = {}
    for name, value in raw_fields:
        lowered = name.lower()
        if lowered in fields:
            continue
        text = _field_text(value)
        fields[lowered], undefined = macros.resolve(text)
        if undefined:
            context.note_undefined(undefined, where)
        if lowered != "abstract":
            written[lowered] = text
            for macro in macros_used(text):
                expansion = macros.get(macro)
                if expansion is not None:
                    strings[macro] = expansion
    title = one_line(latex_to_text(fields.get("title", "")))
    if not title and not key:
        warnings.append(f"{where}: @{entry_type} entry has no title and no key; skipped")
        return None
    if not title:
        # A @set, an @xdata or a whole journal: not a paper, but a key that \cite,
        # crossref and xdata may name, so it is kept under a stand-in title.
        title = _stand_in_title(entry_type, key, fields)
        warnings.append(
            f"{where}: @{entry_type} entry has no title; kept as {title!r} so that its "
            "key still resolves"
        )
    if not key:
        warnings.append(f"{where}: entry has no citation key")
    elif not is_valid_key(key):
        warnings.append(
            f"{where}: citation key {key!r} cannot be cited in LaTeX as written; "
            "the export gives it a key of its own"
        )
    authors, truncated = _authors(fields.get("author", ""))
    category = one_line(latex_to_text(fields.get("primaryclass", ""))) or None
    # A url field's links are both links and the test for keeping it raw: find them once.
    url_parts = fields.get("url", "").split()
    url_links = [extract_links(part) for part in url_parts]
    url_is_links = _all_links(url_parts, url_links)
    links = _links(fields, url_links)
    fields_kept = {
        name: value
        for name, value in fields.items()
        if name not in MAPPED_FIELDS and not (name == "url" and url_is_links)
    }
    source = Source(
        file=source_name,
        format="bibtex",
        entry_type=entry_type.lower(),
        key=key,
        fields=fields_kept,
        # A field whose text is just its plain text braced is stored as "" (the
        # exporter reads it from ``fields``): a third less library to load.
        raw={
            name: "" if value[:1] == "{" and value[1:-1] == fields_kept.get(name) else value
            for name, value in written.items()
        },
        strings=strings,
        preamble=list(macros.preambles),
    )
    paper = Paper(
        title=title,
        key=key,
        authors=authors,
        authors_truncated=truncated,
        category=category,
        published=_published(fields, where, warnings),
        abstract=_paragraphs(latex_to_text(fields.get("abstract", ""))),
        has_code=any(link.kind is LinkKind.CODE for link in links),
        links=links,
        tags=_tags(fields.get("keywords", "")),
        source=source,
    )
    source.derived = bibtex_derived(paper)
    return paper


#: Fields that name what an untitled entry belongs to, in the order they are tried.
_STAND_IN_FIELDS = ("entryset", "booktitle", "journaltitle", "journal", "maintitle", "series")


def _stand_in_title(entry_type: str, key: str, fields: dict[str, str]) -> str:
    """What readlist shows for an entry without a title: what it belongs to, and its key."""
    for name in _STAND_IN_FIELDS:
        text = one_line(latex_to_text(fields.get(name, "")))
        if text:
            return f"{text} (@{entry_type.lower()} {key})"
    return f"(@{entry_type.lower()} {key})"


def _failure(block: ParsingFailedBlock) -> str:
    """A one-line description of why bibtexparser could not read ``block``."""
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    return one_line(str(reason))


def parse_bibtex(
    text: str, *, source_name: str = "", macros: MacroTable | None = None
) -> tuple[list[Paper], list[str]]:
    """The papers in a BibTeX file, and warnings for entries that could not be read.

    ``@string`` macros are expanded as BibTeX expands them, ``#`` concatenations
    joined (see :class:`MacroTable`); ``macros`` may hold the macros of files read
    before, and gets this file's. Title, authors, abstract and keywords are decoded
    from LaTeX. An entry with a syntax error, a repeated citation key (the first
    one wins) or neither title nor key is skipped with a warning naming its line;
    an entry without a title (a ``@set``, an ``@xdata``) is kept under a stand-in
    title, with a warning; an entry with a repeated field keeps the first value,
    with a warning. ``Source.fields`` keeps, as plain text, every field no paper
    attribute holds (see :data:`MAPPED_FIELDS`), and ``Source.raw`` every field
    as written, so an export can give them back.

    Well-formed files are split by :func:`split_entries` (fast); any other text
    by bibtexparser, whose result the fast splitter reproduces exactly.

    Raises :class:`ImportFormatError` when no paper comes out: the text holds no
    entry, or none could be read.
    """
    split = split_entries(text)
    if split is None:
        return _parse_with_bibtexparser(text, source_name=source_name, macros=macros)
    context = _FileContext(source_name, MacroTable() if macros is None else macros)
    papers: list[Paper] = []
    for name, value in split.strings:
        context.warnings += context.macros.define(name, value)
    context.macros.preambles += split.preambles
    entries = split.entries
    entry_count = len(entries)
    entries.reverse()
    while entries:  # popped, so each raw entry is freed once its paper is made
        entry = entries.pop()
        if entry.repeated:
            context.warnings.append(_repeated_fields(entry.start_line, entry.key, entry.repeated))
        paper = _paper(entry.start_line, entry.entry_type, entry.key, entry.fields, context)
        if paper is not None:
            papers.append(paper)
    definitions = sum(1 for name, _ in split.strings if name.strip()) + len(split.preambles)
    return _outcome(papers, context, definitions=definitions, entries=entry_count)


def _parse_with_bibtexparser(
    text: str, *, source_name: str = "", macros: MacroTable | None = None
) -> tuple[list[Paper], list[str]]:
    """:func:`parse_bibtex` with bibtexparser splitting: reads any text; the reference."""
    try:
        library = parse_string(text, parse_stack=[])  # values as written; resolved here
    except Exception as error:  # bibtexparser raises on its own internal errors
        raise ImportFormatError(f"cannot parse BibTeX: {one_line(str(error))[:200]}") from None
    context = _FileContext(source_name, MacroTable() if macros is None else macros)
    warnings = context.warnings
    library = _read_again(text, library, warnings)
    papers: list[Paper] = []
    for block in library.blocks:
        if isinstance(block, String):
            warnings += context.macros.define(block.key, _field_text(block.value))
    preambles = [_field_text(preamble.value).strip() for preamble in library.preambles]
    context.macros.preambles += preambles
    for block in library.blocks:
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            entry = block.ignore_error_block
            warnings.append(_repeated_fields(entry.start_line, entry.key, block.duplicate_keys))
            paper = _entry_paper(entry, context)
        elif isinstance(block, DuplicateBlockKeyBlock):
            warnings.append(
                f"line {(block.start_line or 0) + 1}: citation key {block.key!r} "
                "used again; this entry is skipped"
            )
            continue
        elif isinstance(block, ParsingFailedBlock):
            warnings.append(
                f"line {(block.start_line or 0) + 1}: cannot read this BibTeX entry "
                f"({_failure(block)}); skipped"
            )
            continue
        elif isinstance(block, Entry):
            paper = _entry_paper(block, context)
        elif isinstance(block, ExplicitComment) and (commented := comment_entry(block)) is not None:
            paper = _entry_paper(commented, context)
        else:
            continue
        if paper is not None:
            papers.append(paper)
    definitions = sum(1 for string in library.strings if string.key.strip()) + len(preambles)
    entry_count = sum(
        isinstance(
            block, Entry | DuplicateFieldKeyBlock | DuplicateBlockKeyBlock | ParsingFailedBlock
        )
        and not isinstance(block, String)
        for block in library.blocks
    )
    return _outcome(papers, context, definitions=definitions, entries=entry_count)


def _failed_lines(library: BibLibrary) -> list[int]:
    """The lines of the blocks bibtexparser could not read."""
    return [
        (block.start_line or 0) + 1
        for block in library.blocks
        if isinstance(block, ParsingFailedBlock)
    ]


def _read_again(text: str, library: BibLibrary, warnings: list[str]) -> BibLibrary:
    """``library`` read again from what BibTeX means by ``text``, if that reads more entries.

    See :mod:`readlist.importers.bibtex_recover`: biber's ``%`` comments between
    fields, and quotes inside braces inside a quoted value.
    """
    failed = _failed_lines(library)
    if not failed:
        return library
    rewritten = rewrite(text)  # line numbers stay as they were
    if rewritten.text == text:
        return library
    try:
        again = parse_string(rewritten.text, parse_stack=[])
    except Exception:  # bibtexparser raises on its own internal errors
        return library
    still = _failed_lines(again)
    if len(still) >= len(failed):
        return library
    if rewritten.comments:
        warnings.append(
            f"{_lines(rewritten.comments)}: % comments between fields (biber's syntax) left"
            " out; BibTeX itself stops reading an entry at the first"
        )
    if rewritten.requoted:
        warnings.append(
            f"{_lines(rewritten.requoted)}: a quoted value holding quotes in braces is"
            " written with braces instead of quotes (BibTeX reads both the same)"
        )
    return again


def _lines(numbers: list[int]) -> str:
    """``line 4`` or ``lines 4, 9, 12`` (the first five, then how many more)."""
    shown = ", ".join(str(number) for number in numbers[:5])
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"line {shown}" if len(numbers) == 1 else f"lines {shown}{more}"


#: A block bibtexparser takes for ``@comment`` whose type only starts so (``@COMMENTED``).
_LONGER_COMMENT_TYPE = re.compile(r"@(comment\w+)[ \t]*(?=\{)", re.IGNORECASE)


def comment_entry(block: ExplicitComment) -> Entry | None:
    """The entry a ``@commented{…}`` block is, which bibtexparser reads as a comment.

    BibTeX skips only ``@comment`` itself; ``@COMMENTED`` is jurabib's type for a
    legal commentary. None for a real comment.
    """
    raw = block.raw or ""
    found = _LONGER_COMMENT_TYPE.match(raw)
    if found is None:
        return None
    parsed = parse_string("@misc" + raw[found.end() :], parse_stack=[])
    if len(parsed.blocks) != 1 or len(parsed.entries) != 1:
        return None
    entry = parsed.entries[0]
    return Entry(found.group(1).lower(), entry.key, entry.fields, block.start_line, raw)


def _repeated_fields(start_line: int | None, key: str, names: Iterable[str]) -> str:
    """The warning for an entry that gives the fields ``names`` more than once."""
    return (
        f"line {(start_line or 0) + 1} ({key}): field(s) {', '.join(sorted(names))} "
        "given more than once; the first value is kept"
    )


def _entry_paper(entry: Entry, context: _FileContext) -> Paper | None:
    """:func:`_paper` for a bibtexparser entry."""
    fields = ((item.key, item.value) for item in entry.fields)
    return _paper(entry.start_line, entry.entry_type, entry.key, fields, context)


def _outcome(
    papers: list[Paper], context: _FileContext, *, definitions: int, entries: int
) -> tuple[list[Paper], list[str]]:
    """The papers and warnings, or :class:`ImportFormatError` when there is no paper.

    A file of ``definitions`` only (``@string``, ``@preamble``), with no entry at
    all, is no error: it is there for the files after it.
    """
    warnings = context.warnings + context.undefined_warnings()
    if not papers and definitions and not entries:
        note = f"no entries: {definitions} @string/@preamble definition(s) for the files after it"
        return [], [*warnings, note]
    if not papers and warnings:
        raise ImportFormatError(f"no BibTeX entry could be read; first problem: {warnings[0]}")
    if not papers:
        raise ImportFormatError("no BibTeX entries found (expected entries like @article{key, …})")
    return papers, warnings
