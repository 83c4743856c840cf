"""A paper's metadata edited as a BibTeX entry: the text handed over, its checks, what changed.

The rules behind ``readlist edit`` and the interface's ctrl+e, without any I/O.
The user edits the entry :func:`entry_text` writes; :func:`read_entry` parses what
they saved with the BibTeX importer and checks it (one entry, a key, a type, a
title). What they changed is found by comparing the two parses, never the paper
with a parse of it, so whatever the BibTeX round trip cannot carry (a second code
link, a day the ``year``/``month`` fields do not hold) is left alone unless touched.
:func:`apply_edit` then makes those changes, field by field, to the paper as it is
stored *now*, refusing when another change touched one of the same fields since
the entry was written (:class:`EditConflict`): never last writer wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readlist.errors import ReadlistError
from readlist.exporters.bibtex import bibtex_entry
from readlist.importers.bibtex import parse_bibtex
from readlist.importers.detect import ImportFormatError
from readlist.keys import is_valid_key
from readlist.links import classify_url
from readlist.models import Link, LinkKind, Paper, Source, normalize_tag
from readlist.text import one_line

#: The first line of the text handed to the editor; comment lines are not part of the entry.
HEADER = (
    "% readlist edit: change the entry and save. Save it unchanged, or empty, to change nothing.\n"
)
#: How error lines start when the entry is handed back to be fixed.
ERROR_PREFIX = "% error: "
#: The names, besides BibTeX fields, that an edit compares: the entry's type and key.
ENTRY_TYPE, KEY = "entrytype", "key"
_ISO_DATE = re.compile(r"\{?\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*\}?")
_COMMENT = re.compile(r"^%.*\n?", re.MULTILINE)
_REPLACED_WARNING = re.compile(r"entry has no (title|citation key)")


class EditConflict(ReadlistError):
    """Another change touched fields this edit changes, after the entry was handed over."""

    def __init__(self, key: str, fields: list[str]) -> None:
        """Name the paper and the fields changed on both sides."""
        self.fields = fields
        super().__init__(
            f"{key}: {', '.join(fields)} changed in the library while you edited; "
            "nothing was saved: run 'readlist edit' again to edit the new version"
        )


def entry_text(paper: Paper) -> str:
    """The text handed to the editor: a comment line, then the paper as one BibTeX entry.

    The entry is cited by the paper's key (an export may write another for a key
    LaTeX cannot cite), so that changing the key is a rekey.
    """
    entry = bibtex_entry(paper)
    head, _, rest = entry.partition(",")
    type_part = head.split("{", 1)[0]
    return f"{HEADER}{type_part}{{{paper.key},{rest}" if rest else HEADER + entry


def with_errors(text: str, errors: list[str]) -> str:
    """``text`` handed back to be fixed: the errors as comment lines first, old ones dropped."""
    lines = text.splitlines(keepends=True)
    kept = "".join(line for line in lines if not line.startswith(ERROR_PREFIX))
    return "".join(f"{ERROR_PREFIX}{one_line(error)}\n" for error in errors) + kept


def gave_up(text: str, handed: str) -> bool:
    """Whether the user gave up: the file saved empty (comments aside) or unchanged."""
    return text == handed or not _COMMENT.sub("", text).strip()


def read_entry(text: str) -> tuple[Paper | None, list[str]]:
    """The edited entry as a paper, or ``None`` and one error line per problem."""
    try:
        papers, warnings = parse_bibtex(_COMMENT.sub("", text), source_name="readlist edit")
    except ImportFormatError as error:
        return None, [str(error)]
    # The two problems checked below are said once, in words for this use.
    errors = [line for line in warnings if not _REPLACED_WARNING.search(line)]
    if len(papers) != 1:
        errors.append(f"the file holds {len(papers)} entries; keep exactly one")
        return None, errors
    paper = papers[0]
    source = paper.source
    assert source is not None  # the BibTeX importer always names the entry it read
    if not source.key:
        errors.append("the entry has no key: write it after the type, as in @article{key,")
    elif not is_valid_key(source.key) or any(char.isspace() for char in source.key):
        errors.append(f"key {source.key!r} cannot be cited in LaTeX; use letters, digits, :-_.")
    if "title" not in source.raw or not paper.title.strip():
        errors.append("the entry has no title: add a title = {…} field")
    if errors:
        return None, errors
    paper.key = source.key or ""
    paper.published = _published(paper)
    return paper, []


def _published(paper: Paper) -> str | None:
    """The entry's date: the ``date`` field when it says more than ``year``/``month``/``day``."""
    source = paper.source
    raw = source.raw.get("date", "") if source is not None else ""
    match = _ISO_DATE.fullmatch(raw.strip()) if raw else None
    if match is None:
        return paper.published
    iso = match[1]
    known = paper.published
    if known is None or (iso.startswith(known) and len(iso) > len(known)):
        return iso
    return paper.published


def _fields(paper: Paper) -> dict[str, str]:
    return dict(paper.source.fields) if paper.source is not None else {}


def _values(paper: Paper) -> dict[str, object]:
    """Every value an edit compares, by BibTeX field name (plus the entry type and key)."""
    values: dict[str, object] = {
        ENTRY_TYPE: paper.source.entry_type if paper.source is not None else None,
        KEY: paper.key,
        "title": paper.title,
        "author": (tuple(paper.authors), paper.authors_truncated),
        "date": paper.published,
        "primaryclass": paper.category,
        "abstract": paper.abstract,
        "keywords": frozenset(paper.tags),
        "url": frozenset(link.url for link in paper.links),
    }
    for name, value in _fields(paper).items():
        values.setdefault(name, value)
    return values


@dataclass(frozen=True)
class MetadataChange:
    """What the user changed in the entry: the entry as first written and as saved."""

    before: Paper
    after: Paper
    #: The names (BibTeX fields, ``entrytype``, ``key``) whose value changed.
    names: tuple[str, ...] = field(default=())

    @classmethod
    def between(cls, before: Paper, after: Paper) -> MetadataChange:
        """The change from one parse of the entry to the other."""
        old, new = _values(before), _values(after)
        names = [name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)]
        return cls(before, after, tuple(names))

    @property
    def new_key(self) -> str | None:
        """The key the user gave the paper, when they changed it."""
        return self.after.key if KEY in self.names else None


def _stored(paper: Paper, name: str) -> object:
    """What a stored paper holds for ``name`` (the value a conflict is judged on)."""
    if name == "keywords":
        return frozenset(paper.tags)
    if name == "url":
        return frozenset(link.url for link in paper.links)
    return _values(paper).get(name)


def apply_edit(current: Paper, start: Paper, change: MetadataChange) -> Paper:
    """``current`` with the user's changes made; :class:`EditConflict` if one clashes.

    ``start`` is the paper as the entry was written from it. Tags and links are
    changed by what was added and removed, so a tag added meanwhile stays; every
    other field changed both here and, since ``start``, in the library is a conflict.
    The fields set are added to :attr:`Paper.edited` (``keywords`` and ``url`` too:
    a tag or link the user removed must not come back), so that imports and
    ``enrich`` keep them.
    """
    clashes = [
        name
        for name in change.names
        if name not in ("keywords", "url") and _stored(current, name) != _stored(start, name)
    ]
    if clashes:
        raise EditConflict(current.key, clashes)
    paper = current.copy()
    before, after = change.before, change.after
    marked: list[str] = []
    for name in change.names:
        if name == KEY:
            continue  # the library renames the paper (the old key becomes an alias)
        if name == "keywords":
            gone = set(before.tags) - set(after.tags)
            added = {normalize_tag(tag) for tag in set(after.tags) - set(before.tags)}
            paper.tags = sorted((set(paper.tags) - gone) | added - {""})
            marked.append(name)
            continue
        if name == "url":
            paper.links = _edited_links(paper.links, before.links, after.links)
            code = any(link.kind is LinkKind.CODE for link in paper.links)
            paper.has_code = paper.has_code or code
            marked.append(name)
            continue
        marked.append(name)
        if name == "title":
            paper.title = after.title
        elif name == "author":
            paper.authors = list(after.authors)
            paper.authors_truncated = after.authors_truncated
        elif name == "date":
            paper.published = after.published
        elif name == "primaryclass":
            paper.category = after.category
        elif name == "abstract":
            paper.abstract = after.abstract
        else:
            _set_source_field(paper, name, after)
    paper.edited = sorted(set(paper.edited) | set(marked))
    return paper


def _edited_links(links: list[Link], before: list[Link], after: list[Link]) -> list[Link]:
    """``links`` without the URLs the user removed from the entry, with those they added."""
    gone = {link.url for link in before} - {link.url for link in after}
    kept = [link for link in links if link.url not in gone]
    known = {link.url for link in kept}
    for link in after:
        if link.url not in known:
            known.add(link.url)
            kept.append(Link(link.url, classify_url(link.url)))
    return kept


def _set_source_field(paper: Paper, name: str, after: Paper) -> None:
    """Set (or remove) BibTeX field ``name``, or the entry type, as the edited entry has it."""
    edited = after.source
    assert edited is not None
    if paper.source is None:
        paper.source = Source(file="readlist edit", format="edit")
    source = paper.source
    if name == ENTRY_TYPE:
        source.entry_type = edited.entry_type
        return
    if name in edited.fields:
        source.fields[name] = edited.fields[name]
    else:
        source.fields.pop(name, None)
    if source.raw:
        # A paper exported as its .bib wrote it: the field as the user wrote it now.
        # (Only then: a raw field on another paper would make it export from raw alone.)
        if name in edited.raw:
            source.raw[name] = edited.raw[name]
        else:
            source.raw.pop(name, None)
