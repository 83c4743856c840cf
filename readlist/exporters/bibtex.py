"""BibTeX export: entries that BibTeX and Biber read without a single warning.

Why ~570 lines: an entry is written either afresh or, for a paper read from a
``.bib``, losslessly from its source fields; both paths share the name and field
writers here. The LaTeX encoding is in :mod:`readlist.exporters.latex`, the facts
(arXiv classes, months, names) in :mod:`readlist.bib`.

A paper imported from a ``.bib`` file is written back as it was written, field by
field, except for the values the user (or a later import) changed since: see
:func:`_lossless_fields`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import orjson
from anyascii import anyascii

from readlist.bib.bibtex_values import MacroTable, braces_balanced, macros_used
from readlist.bib.keys import MADE_KEY
from readlist.exporters._common import (
    MONTHS,
    Citable,
    Layout,
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
from readlist.keys import is_valid_key
from readlist.models import BIBTEX_DERIVED, Paper, Source, bibtex_derived
from readlist.text import strip_controls

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


def _authors(paper: Paper, *, ascii: bool, as_written: dict[str, str] | None = None) -> str:
    """The ``author`` value; a name found in ``as_written`` (display → BibTeX) is written so."""
    known = as_written or {}
    names = [
        name
        for name in (
            known[a]
            if a in known and (known[a].isascii() or not ascii)
            else bibtex_name(a, ascii=ascii)
            for a in paper.authors
        )
        if name
    ]
    if names and paper.authors_truncated:
        names.append("others")
    return " and ".join(names)


def _fields(
    paper: Paper, key: str, *, ascii: bool, names_as_written: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """The entry's ``(name, value)`` pairs in output order; values are complete."""
    ours: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    authors = _authors(paper, ascii=ascii, as_written=names_as_written)
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


# The fields each value readlist derives comes from (the groups of ``bibtex_derived``),
# and the ones it writes for that value.
_GROUP_FIELDS = {
    "title": ("title",),
    "author": ("author",),
    "date": ("year", "month", "day", "date"),
    "keywords": ("keywords",),
    "primaryclass": ("primaryclass", "eprintclass", "eprinttype", "archiveprefix"),
}
_GROUP_OF = {name: group for group, names in _GROUP_FIELDS.items() for name in names}


def _written_as_is(raw: str) -> str:
    """A value as written in the imported file, with control characters removed."""
    printable = raw.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return raw if printable.isprintable() else strip_controls(raw)


def _raw_field(raw: str, source: Source, strings: dict[str, str] | None, *, ascii: bool) -> str:
    r"""An imported value written back: as written, or resolved when it must be.

    ``strings`` holds the ``@string`` macros the export defines (``None``: none).
    A value using a macro its file defined, which the export does not define
    the same way, is written as its text, braced; so is a non-ASCII value in
    ASCII mode. A value whose braces BibTeX would not see balanced (it counts
    ``\{``) is escaped as plain text, as before. Month macros, and a macro the
    original file left undefined, stay as written: BibTeX treats them as it did
    in the original.
    """
    resolve = any(
        name in source.strings and (strings is None or strings.get(name) != source.strings[name])
        for name in macros_used(raw)
    )
    balanced = braces_balanced(raw)  # as BibTeX counts: ``\{`` too
    if not resolve and balanced and (raw.isascii() or not ascii):
        return _written_as_is(raw)
    table = MacroTable()
    for name, text in source.strings.items():
        table.define(name, "{" + text + "}")
    text = table.resolve(raw)[0]
    # Unbalanced for BibTeX, it would swallow the rest of the file: plain text then.
    return (
        "{" + (raw_value(text, ascii=ascii) if balanced else latex_value(text, ascii=ascii)) + "}"
    )


def _names_as_written(source: Source) -> dict[str, str]:
    """Each name of the imported ``author`` field as shown in readlist → as written.

    So that an author list the user changed keeps the names still in it as BibTeX
    read them (``Da Costa, Lancelot`` stays ``Da Costa``, ``{The CGAL Project}``
    one name), rather than as readlist would split the shown name.
    """
    raw = source.raw.get("author")
    if not raw or macros_used(raw):
        return {}
    from readlist.bib.bibtex_names import display_name, split_names  # bibtexparser: slow import

    text = raw.strip()[1:-1] if raw.strip()[:1] in ("{", '"') else raw
    written: dict[str, str] = {}
    for name in split_names(text):
        name = " ".join(name.split())
        if name and name.lower() != "others" and braces_balanced(name):
            written.setdefault(display_name(name), name)
    return written


def _group_fields(
    paper: Paper, key: str, group: str, *, ascii: bool, as_written: dict[str, str] | None
) -> list[tuple[str, str]]:
    """The fields readlist writes for one derived value (see ``_GROUP_FIELDS``) of ``paper``."""
    if group == "author":
        authors = _authors(paper, ascii=ascii, as_written=as_written)
        return [("author", f"{{{authors}}}")] if authors else []
    if group == "title":
        title = latex_value(paper.title, ascii=ascii, protect_case=True) or latex_value(key)
        return [("title", f"{{{title}}}")]
    if group == "keywords":
        keywords = latex_value(", ".join(paper.tags), ascii=ascii)
        return [("keywords", f"{{{keywords}}}")] if keywords else []
    if group == "primaryclass":
        arxiv = arxiv_class(paper.category)
        if not arxiv:
            return []
        return [
            ("eprinttype", "{arXiv}"),
            ("archiveprefix", "{arXiv}"),
            ("primaryclass", f"{{{arxiv}}}"),
        ]
    date = date_parts(paper.published)  # the "date" group
    fields: list[tuple[str, str]] = []
    if date:
        fields.append(("year", f"{{{date[0]}}}"))
    if len(date) > 1:
        fields.append(("month", MONTHS[date[1] - 1]))
    if len(date) == 3:
        fields.append(("date", f"{{{date[0]:04d}-{date[1]:02d}-{date[2]:02d}}}"))
    return fields


def _lossless_fields(
    paper: Paper,
    source: Source,
    key: str,
    strings: dict[str, str] | None,
    *,
    ascii: bool,
) -> list[tuple[str, str]]:
    """The fields of a paper imported from BibTeX: its own, as written, where unchanged.

    Every imported field is written as it was in the file, in the file's order,
    except the groups of fields a value readlist derives comes from (title,
    authors, date, tags, arXiv class) when that value changed since the import:
    those are written from the paper, in place of the first of them. The
    abstract (stored apart) is written from the paper, and ``url`` is added as
    for any paper when the entry has none.
    """
    stored = source.derived.split()
    changed = [
        group
        for index, (group, digest) in enumerate(
            zip(BIBTEX_DERIVED, bibtex_derived(paper).split(), strict=True)
        )
        if index >= len(stored) or stored[index] != digest
    ]
    as_written = _names_as_written(source) if "author" in changed else None
    by_group: dict[str, list[tuple[str, str]]] = {
        group: _group_fields(paper, key, group, ascii=ascii, as_written=as_written)
        for group in changed
    }
    fields: list[tuple[str, str]] = []
    for name, raw in source.raw.items():
        if not _FIELD_NAME.fullmatch(name):
            continue
        group = _GROUP_OF.get(name)
        if group in by_group:
            fields += by_group.pop(group)  # in the place of the group's first field
            continue
        if group in changed:
            continue  # a later field of a group already written
        if not raw:  # stored as "{" + its plain text + "}" (see the importer)
            if name not in source.fields:
                continue
            raw = "{" + source.fields[name] + "}"
        fields.append((name, _raw_field(raw, source, strings, ascii=ascii)))
    for group in changed:
        fields += by_group.get(group, [])
    if "url" not in source.raw:
        url = paper_url(paper)
        if url and url.strip():
            fields.append(("url", f"{{{url_value(url, ascii=ascii)}}}"))
    abstract = latex_value(paper.abstract, ascii=ascii)
    if abstract:
        fields.append(("abstract", f"{{{abstract}}}"))
    return fields


def _entry_type(paper: Paper) -> str:
    if paper.source is not None and paper.source.entry_type:
        entry_type = paper.source.entry_type.strip().lower()
        if _ENTRY_TYPE.fullmatch(entry_type) and entry_type not in _NOT_ENTRY_TYPES:
            return entry_type
    return "misc"


def _format_entry(
    paper: Paper,
    key: str,
    strings: dict[str, str] | None = None,
    *,
    ascii: bool,
    ids: Sequence[str] = (),
    copy: bool = False,
) -> str:
    lines = [f"@{_entry_type(paper)}{{{key}"]
    source = paper.source
    if source is not None and source.raw:
        fields = _lossless_fields(paper, source, key, strings, ascii=ascii)
    else:
        fields = _fields(paper, key, ascii=ascii)
    if ids:
        fields = _with_ids(fields, paper, ids)
    if copy:  # a copy under an alias: the entry's own ids would name two entries for Biber
        fields = [(name, value) for name, value in fields if name != "ids"]
    lines += [f"  {name} = {value}" for name, value in fields]
    if len(lines) == 1:  # no field at all: Biber wants the comma after the key
        return f"{lines[0]},\n}}\n"
    return ",\n".join(lines) + "\n}\n"


def _with_ids(
    fields: list[tuple[str, str]], paper: Paper, ids: Sequence[str]
) -> list[tuple[str, str]]:
    """``fields`` with biblatex's ``ids`` naming ``ids`` too (after any the entry had)."""
    had = paper.source.fields.get("ids", "") if paper.source is not None else ""
    names = dict.fromkeys([*(n.strip() for n in had.split(",") if n.strip()), *ids])
    value = ("ids", "{" + ",".join(names) + "}")
    if any(name == "ids" for name, _ in fields):
        return [value if name == "ids" else (name, v) for name, v in fields]
    return [*fields, value]


#: How ``export bibtex`` writes a paper's aliases (other keys that must keep resolving).
DIALECTS = ("bibtex", "biblatex")


def _aliases(paper: Citable, taken: set[str]) -> list[str]:
    """The aliases of ``paper`` to write: those no other entry (or alias) is cited by.

    Keys are compared without case, as BibTeX and Biber compare them; ``taken``
    gains the ones returned.
    """
    written = []
    for alias in paper.aliases:
        if is_valid_key(alias) and alias.lower() not in taken:
            taken.add(alias.lower())
            written.append(alias)
    return written


def export_key(paper: Citable) -> str:
    r"""The key a paper is exported under: its own, or the imported one.

    A key BibTeX and ``\cite`` take (``CorneilOS??``, ``o'brien:x``) is written
    exactly. Libraries made before readlist kept such keys gave the paper a key of
    its own at import: the key the file had is written for those.
    """
    source = paper.source
    if (
        source is not None
        and source.raw
        and source.key
        and source.key != paper.key
        and source.key not in paper.aliases
        # readlist kept only made-key characters at import before it took every key BibTeX takes
        and not MADE_KEY.fullmatch(source.key)
        and is_valid_key(source.key)
    ):
        return source.key
    return paper.key if is_valid_key(paper.key) else citation_key(paper)


def _file_header(papers: Sequence[Citable], *, ascii: bool) -> tuple[str, dict[str, str]]:
    """The ``@preamble`` and ``@string`` blocks the imported entries need, and the macros.

    Each distinct preamble once, in order; each macro under its first
    definition (an entry whose file defined it otherwise gets its text instead).
    In ASCII mode non-ASCII text in them is converted as in fields.
    """
    preambles: dict[str, None] = {}
    strings: dict[str, str] = {}
    for paper in papers:
        source = paper.source
        if source is None or not source.raw:
            continue
        for preamble in source.preamble:
            preambles.setdefault(preamble, None)
        for name, text in source.strings.items():
            strings.setdefault(name, text)
    lines = [
        f"@preamble{{{_written_as_is(preamble)}}}\n"
        if preamble.isascii() or not ascii
        else f"@preamble{{{raw_value(preamble, ascii=True)}}}\n"
        for preamble in preambles
    ]
    for name, text in strings.items():
        value = _written_as_is(text) if text.isascii() or not ascii else raw_value(text, ascii=True)
        lines.append(
            f"@string{{{name} = {{{value}}}}}\n"
            if braces_balanced(value)
            else f"@string{{{name} = {{{latex_value(value)}}}}}\n"
        )
    return "".join(lines), strings


def bibtex_entry(paper: Paper, *, ascii: bool = False) -> str:
    """One BibTeX entry for ``paper``, ending with a newline; macros written as their text.

    ``@misc`` unless the paper was imported from BibTeX with another type; key
    :func:`export_key`. A paper imported from BibTeX is written as its file had
    it (see :func:`_lossless_fields`). For the others the fields, in this order:
    ``author``, ``title``, imported fields (journal, doi, pages, …) that do not
    clash with ours, ``year``, ``month`` (a bare macro), ``date`` (full dates
    only, for biblatex), ``eprinttype``/``archiveprefix``/``primaryclass`` for
    arXiv classes, ``url``, ``keywords`` (tags), ``key`` (only without authors,
    for plain.bst's sorting) and ``abstract``. Nothing readlist-internal
    (status, notes, dates added) is written.
    """
    return _format_entry(paper, export_key(paper), ascii=ascii)


def to_bibtex(papers: Sequence[Paper], *, ascii: bool = False, dialect: str = "bibtex") -> str:
    """A .bib file for ``papers``: entries separated by blank lines, ending with a newline.

    Keys are made unique (a repeated key gets ``a``, ``b``, … appended) so
    neither BibTeX nor Biber rejects the file. An empty sequence gives ``""``.
    A paper's aliases (:attr:`Paper.aliases`) keep resolving: for ``dialect``
    ``biblatex`` in the entry's ``ids`` field, for ``bibtex`` (which has no
    ``ids``) as a copy of the entry under each alias, right after it. An alias
    that another entry is cited by is left out.
    """
    return "".join(iter_bibtex(papers, ascii=ascii, dialect=dialect))


def iter_bibtex(
    papers: Sequence[Paper], *, ascii: bool = False, dialect: str = "bibtex"
) -> Iterator[str]:
    """:func:`to_bibtex` one entry at a time (with the blank line between entries).

    The ``@preamble`` and ``@string`` blocks of imported entries come first.
    Raises ``ValueError`` for a dialect not in :data:`DIALECTS`.
    """
    return bibtex_layout(papers, ascii=ascii, dialect=dialect).chunks(papers)


def bibtex_layout(
    papers: Sequence[Citable], *, ascii: bool = False, dialect: str = "bibtex"
) -> Layout:
    """How :func:`to_bibtex` puts ``papers`` together: a unit is an entry and its alias copies.

    A unit's context is its key, the aliases it writes and the macros the file
    defines. Raises ``ValueError`` for a dialect not in :data:`DIALECTS`.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown BibTeX dialect {dialect!r} (choose from {', '.join(DIALECTS)})")
    keys = unique_keys(papers, export_key)
    taken = {key.lower() for key in keys}
    header, strings = _file_header(papers, ascii=ascii)
    aliases = [_aliases(paper, taken) if paper.aliases else [] for paper in papers]
    macros = orjson.dumps(strings).decode() if strings else ""
    contexts = [
        f"{key}\x00{','.join(written)}\x00{macros}"
        for key, written in zip(keys, aliases, strict=True)
    ]

    def render(paper: Paper, n: int) -> str:
        key = keys[n]
        if dialect == "biblatex":
            return _format_entry(paper, key, strings, ascii=ascii, ids=aliases[n])
        entry = _format_entry(paper, key, strings, ascii=ascii)
        for alias in aliases[n]:
            entry += "\n" + _format_entry(paper, alias, strings, ascii=ascii, copy=True)
        return entry

    return Layout(
        head=header + "\n" if header else "",
        separator="\n",
        tail="",
        empty=header,
        contexts=contexts,
        render=render,
    )
