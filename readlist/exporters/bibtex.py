"""BibTeX export: entries that BibTeX and Biber read without a single warning."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from anyascii import anyascii

from readlist.exporters._common import (
    MONTHS,
    arxiv_class,
    citation_key,
    date_parts,
    paper_url,
    person,
    unique_keys,
)
from readlist.exporters.latex import (
    latex_char,
    latex_value,
    normalize,
    raw_value,
    url_value,
)
from readlist.models import Paper

_ENTRY_TYPE = re.compile(r"[a-z]+")
_NOT_ENTRY_TYPES = frozenset({"string", "preamble", "comment"})
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_:-]*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# LaTeX forms of letters that Biber can take initials of: an accent on a letter
# or one of the special letters.
_NAME_LETTER_MACRO = re.compile(
    r"\{\\(?:[\"'`^~=.]|[uvHcdbrt](?=\{))\{?(?:[A-Za-z]|\\[ij])\}?\}"
    r"|\{\\(?:i|j|l|L|o|O|ss|ae|AE|oe|OE|aa|AA|IJ|ij)\}"
)
_LEADING_SPECIALS = re.compile(r"^[\\{}$&%#_~^<>|]+")
_ALNUM = re.compile(r"[^\W_]")
_SIMPLE_NAME = re.compile(r"[^\W_](?:[^\W_]|[ .'’-])*")
_AND_WORD = re.compile(r"(?<![\\\w])(and)(?!\w)", re.IGNORECASE)

# Imported fields dropped when we write one of these, because they say the same
# thing (Biber maps archiveprefix → eprinttype, primaryclass → eprintclass and
# would warn about a date clashing with year/month).
_ALIASES = {
    "year": ("date",),
    "month": ("date",),
    "date": ("year", "month"),
    "eprinttype": ("archiveprefix",),
    "archiveprefix": ("eprinttype",),
    "primaryclass": ("eprintclass",),
}
# Imported fields that biblatex reads verbatim: written as URLs, never converted.
_VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf"})
# Always ours: the library's own title and authors win over the imported ones.
_ALWAYS_OURS = frozenset({"author", "title"})


def _name_char(match: re.Match[str]) -> str:
    char = match.group()
    latex = latex_char(char)
    return char if latex and _NAME_LETTER_MACRO.fullmatch(latex) else anyascii(char)


def _name_part(text: str, *, ascii: bool) -> str:
    r"""One part of a name (family, given, suffix) as LaTeX; ``""`` if nothing is left.

    Biber derives initials from the first character of each word and writes
    broken LaTeX when that is a LaTeX special or a macro other than an accented
    or special letter. So LaTeX specials opening a word are dropped, and in
    ASCII mode only accented letters (``{\"u}``, ``{\L}``) become macros while
    the rest (Greek, which needs ``\ensuremath``, and symbols) is transliterated.
    A part without a letter or digit is nothing to BibTeX and comes back empty.
    A comma or a word "and" inside a part would split the name or the list of
    names: they are braced.
    """
    if _SIMPLE_NAME.fullmatch(text) and (text.isascii() or not ascii):
        # Letters, digits, spaces, dots, hyphens, apostrophes: nothing to escape.
        return _AND_WORD.sub(r"{\1}", text) if "and" in text.lower() else text
    if ascii and not text.isascii():
        text = _NON_ASCII.sub(_name_char, text)
    words = (_LEADING_SPECIALS.sub("", word) for word in text.split())
    text = " ".join(word for word in words if word)
    if not _ALNUM.search(text):  # BibTeX sees only separators in "--" or "~"
        return ""
    latex = latex_value(text, ascii=ascii)
    return _AND_WORD.sub(r"{\1}", latex.replace(",", "{,}"))


@lru_cache(maxsize=8192)  # the same authors come back paper after paper
def bibtex_name(name: str, *, ascii: bool = False) -> str:
    """One author as BibTeX ``von Last, First`` or ``von Last, Jr, First``.

    ``Jan van den Berg`` → ``van den Berg, Jan``; ``Martin Luther King Jr.`` →
    ``King, Jr., Martin Luther``. A name :func:`person` cannot split (an
    organisation with commas) is braced whole so BibTeX keeps it literal.
    ``""`` when nothing printable is left of the name.
    """
    parts = person(normalize(name))
    if parts is None:
        literal = _name_part(name, ascii=ascii)
        return "{" + literal + "}" if literal else ""
    if not parts.given and not parts.suffix and parts.family.lower() == "others":
        return "{others}"
    family = _name_part(parts.family, ascii=ascii)
    given = _name_part(parts.given, ascii=ascii)
    suffix = _name_part(parts.suffix, ascii=ascii)
    if not family:
        family, given = given, ""
    if not family:
        return ""
    if suffix and given:
        return f"{family}, {suffix}, {given}"
    if given:
        return f"{family}, {given}"
    return f"{family} {suffix}" if suffix else family


def _authors(paper: Paper, *, ascii: bool) -> str:
    names = [name for name in (bibtex_name(a, ascii=ascii) for a in paper.authors) if name]
    if names and paper.authors_truncated:
        names.append("others")
    return " and ".join(names)


def _fields(paper: Paper, key: str, *, ascii: bool) -> list[tuple[str, str]]:
    """The entry's ``(name, value)`` pairs in output order; values are complete."""
    ours: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    authors = _authors(paper, ascii=ascii)
    if authors:
        ours.append(("author", f"{{{authors}}}"))
    # An empty title would leave plain.bst's @misc with "all relevant fields
    # empty": the key stands in for it.
    title = latex_value(paper.title, ascii=ascii, protect_case=True) or latex_value(key)
    ours.append(("title", f"{{{title}}}"))
    date = date_parts(paper.published)
    if date:
        tail.append(("year", f"{{{date[0]}}}"))
    if len(date) > 1:
        tail.append(("month", MONTHS[date[1] - 1]))
    if len(date) == 3:  # the day, for biblatex; BibTeX styles ignore the field
        tail.append(("date", f"{{{date[0]:04d}-{date[1]:02d}-{date[2]:02d}}}"))
    arxiv = arxiv_class(paper.category)
    if arxiv:
        tail += [
            ("eprinttype", "{arXiv}"),
            ("archiveprefix", "{arXiv}"),
            ("primaryclass", f"{{{arxiv}}}"),
        ]
    url = paper_url(paper)
    if url and url.strip():
        tail.append(("url", f"{{{url_value(url, ascii=ascii)}}}"))
    keywords = latex_value(", ".join(paper.tags), ascii=ascii)
    if keywords:
        tail.append(("keywords", f"{{{keywords}}}"))
    if not authors:
        # plain.bst sorts by author, else by the key field, and warns without both.
        sort_key = latex_value(paper.title, ascii=ascii) or latex_value(key)
        tail.append(("key", f"{{{sort_key}}}"))
    abstract = latex_value(paper.abstract, ascii=ascii)
    if abstract:
        tail.append(("abstract", f"{{{abstract}}}"))

    written = {name for name, _ in ours + tail}
    dropped = set(_ALWAYS_OURS) | written
    for name in written:
        dropped.update(_ALIASES.get(name, ()))
    imported: list[tuple[str, str]] = []
    if paper.source is not None:
        for raw_name, raw in paper.source.fields.items():
            name = raw_name.strip().lower()
            if not _FIELD_NAME.fullmatch(name) or name in dropped:
                continue
            if name in _VERBATIM:
                value = url_value(str(raw), ascii=ascii)
            else:
                value = raw_value(str(raw), ascii=ascii)
            if value:
                imported.append((name, f"{{{value}}}"))
                dropped.add(name)
    return ours + imported + tail


def _entry_type(paper: Paper) -> str:
    if paper.source is not None and paper.source.entry_type:
        entry_type = paper.source.entry_type.strip().lower()
        if _ENTRY_TYPE.fullmatch(entry_type) and entry_type not in _NOT_ENTRY_TYPES:
            return entry_type
    return "misc"


def _format_entry(paper: Paper, key: str, *, ascii: bool) -> str:
    lines = [f"@{_entry_type(paper)}{{{key}"]
    lines += [f"  {name} = {value}" for name, value in _fields(paper, key, ascii=ascii)]
    return ",\n".join(lines) + "\n}\n"


def bibtex_entry(paper: Paper, *, ascii: bool = False) -> str:
    """One BibTeX entry for ``paper``, ending with a newline.

    ``@misc`` unless the paper was imported from BibTeX with another type; key
    :func:`citation_key`. Fields, in this order: ``author``, ``title``, the
    imported fields (journal, doi, pages, …) that do not clash with ours,
    ``year``, ``month`` (a bare macro), ``date`` (full dates only, for
    biblatex), ``eprinttype``/``archiveprefix``/
    ``primaryclass`` for arXiv classes, ``url``, ``keywords`` (tags), ``key``
    (only without authors, for plain.bst's sorting) and ``abstract``. Nothing
    readlist-internal (status, notes, dates added) is written.
    """
    return _format_entry(paper, citation_key(paper), ascii=ascii)


def to_bibtex(papers: Sequence[Paper], *, ascii: bool = False) -> str:
    """A .bib file for ``papers``: entries separated by blank lines, ending with a newline.

    Keys are made unique (a repeated key gets ``a``, ``b``, … appended) so
    neither BibTeX nor Biber rejects the file. An empty sequence gives ``""``.
    """
    return "".join(iter_bibtex(papers, ascii=ascii))


def iter_bibtex(papers: Sequence[Paper], *, ascii: bool = False) -> Iterator[str]:
    """:func:`to_bibtex` one entry at a time (with the blank line between entries)."""
    keys = unique_keys(papers)
    for n, (paper, key) in enumerate(zip(papers, keys, strict=True)):
        yield ("\n" if n else "") + _format_entry(paper, key, ascii=ascii)
