"""Paper records as stored: paper <-> record, the abstract kept apart, the old layout migrated.

A stored record is :meth:`Paper.to_dict` without its abstract: the text lives in
the abstracts file and the record names it by digest (:data:`ABSTRACT_REF`).
Schema 1 files held the abstract inline; such records are still read, and
:func:`migrate_inline_abstracts` moves their abstracts out on the next save.
Records edited by hand are read as well as they can be (:func:`read_record`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, overload

from readlist.models import Paper, Status, fold
from readlist.store.abstracts import abstract_digest

#: The record field that names a paper's abstract in the abstracts file.
ABSTRACT_REF = "abstract_ref"

Record = dict[str, Any]


def read_record(record: Record) -> tuple[Paper, list[str]]:
    """The paper a stored record describes, and what is wrong with the record (if anything).

    The one rule for records edited by hand: a record is damaged when a field has the
    wrong type (:meth:`Paper.from_dict`) or its ``abstract_ref`` is not a digest.
    """
    problems: list[str] = []
    paper = Paper.from_dict(record, problems)
    digest = record.get(ABSTRACT_REF)
    if digest is not None and (type(digest) is not str or not digest):
        problems.append(f"'{ABSTRACT_REF}' should be a digest string, not {type(digest).__name__}")
    return paper, problems


#: Each status by its stored value.
_STATUSES = {status.value: status for status in Status}


class SortFields:
    """What the orders read of a stored record, as :meth:`Paper.from_dict` would read it.

    Taken straight from the record when every field has its right type (nearly
    always); otherwise from the paper the record reads as. ``ref`` is the key the
    library files the record under.
    """

    __slots__ = ("added", "authors", "key", "published", "ref", "status", "title")

    ref: str
    key: str
    title: str
    authors: list[str]
    published: str | None
    added: str | None
    status: Status

    def __init__(self, ref: str, record: Record) -> None:
        """The fields of ``record``, filed under ``ref``."""
        get = record.get
        self.ref = ref
        key, title, authors = get("key", ""), get("title", ""), get("authors", [])
        published, added, status = get("published"), get("added"), get("status", "unread")
        self.key, self.title, self.authors = key, title, authors
        self.published, self.added = published, added
        known = _STATUSES.get(status) if type(status) is str else None
        if known is not None:
            self.status = known
        if (
            type(key) is not str
            or type(title) is not str
            or type(authors) is not list
            or not all(type(author) is str for author in authors)
            or (published is not None and type(published) is not str)
            or (added is not None and type(added) is not str)
            or known is None
        ):
            paper = read_record(record)[0]
            self.key, self.title, self.authors = paper.key, paper.title, paper.authors
            self.published, self.added, self.status = paper.published, paper.added, paper.status


class RecordViews(Sequence[SortFields]):
    """The :class:`SortFields` of records, each made when first asked for."""

    def __init__(self, refs: Sequence[str], records: Mapping[str, Record]) -> None:
        """Views of ``records[ref]`` for each of ``refs``, in that order."""
        self._refs = refs
        self._records = records
        self._made: dict[int, SortFields] = {}

    def __len__(self) -> int:
        """How many records."""
        return len(self._refs)

    @overload
    def __getitem__(self, index: int) -> SortFields: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SortFields]: ...
    def __getitem__(self, index: int | slice) -> SortFields | Sequence[SortFields]:
        """The view of one record (or of a slice of them)."""
        if isinstance(index, slice):
            return [self[n] for n in range(len(self._refs))[index]]
        view = self._made.get(index)
        if view is None:
            ref = self._refs[index]
            view = self._made[index] = SortFields(ref, self._records[ref])
        return view

    def values(self, by: str, value: Any) -> list[Any]:
        """Each record's value in the order ``by`` (whose value function is ``value``).

        Dates and titles are read straight from the records when of the right type;
        everything else through the record's view.
        """
        records, refs = self._records, self._refs
        if by in ("published", "added", "title"):
            # Read in bulk; the types are checked once over all of them (in C).
            stored: list[Any] = [records[ref].get(by) for ref in refs]
            kinds = set(map(type, stored))
            if by != "title" and kinds <= {str, type(None)}:
                return [date or None for date in stored]
            if by == "title" and kinds <= {str}:  # no title is missing or edited into a number
                return [title.lower() if title.isascii() else fold(title) for title in stored]
        return [value(self[n]) for n in range(len(refs))]


def full_record(paper: Paper, texts: dict[str, str]) -> Record:
    """The stored record of a whole paper; its abstract text goes into ``texts``."""
    return externalize(paper.to_dict(), texts)


def triage_record(paper: Paper, old: Record, texts: dict[str, str]) -> Record:
    """The record of ``paper`` (read without its abstract) that keeps ``old``'s abstract."""
    record = paper.to_dict()
    del record["abstract"]
    if old.get(ABSTRACT_REF):
        record[ABSTRACT_REF] = old[ABSTRACT_REF]
    elif old.get("abstract"):
        record["abstract"] = old["abstract"]
    return externalize(record, texts)


def externalize(record: Record, texts: dict[str, str]) -> Record:
    """``record`` with its inline abstract moved into ``texts`` and named by digest."""
    text = record.pop("abstract", None)
    if text:
        digest = abstract_digest(str(text))
        record[ABSTRACT_REF] = digest
        texts[digest] = str(text)
    return record


def migrate_inline_abstracts(
    records: Mapping[str, Record], skip: Collection[str], texts: dict[str, str]
) -> dict[str, Record]:
    """Schema 1 records (abstract inline) rewritten to name their abstract, by key.

    Their texts go into ``texts``. Records in ``skip`` (about to be replaced or
    removed anyway) and records edited into the wrong shape are left as they are.
    """
    migrated = {}
    for key, record in records.items():
        if "abstract" not in record or key in skip:
            continue
        if not read_record(record)[1]:
            migrated[key] = externalize(dict(record), texts)
    return migrated


def search_fields(record: Record) -> tuple[object, ...]:
    """What a paper's search text is made of, from its stored record."""
    return (
        record.get("title"),
        record.get("authors"),
        record.get(ABSTRACT_REF),
        record.get("abstract"),
        record.get("notes"),
    )


def record_tags(record: Record) -> list[str]:
    """A stored record's tags, read as :meth:`Paper.from_dict` reads them."""
    tags = record.get("tags")
    if type(tags) is not list:
        return []
    return [tag if type(tag) is str else str(tag) for tag in tags if type(tag) in (str, int, float)]


#: Record fields whose text is often the same in many records (a status, a date of import).
_REPEATED = ("status", "category", "published", "added", "updated", "read_at")


def share_repeated_values(records: Iterable[Record]) -> None:
    """Make equal texts of the often-repeated fields one string object (records stay equal).

    A parsed file holds a string of its own for every value: 50,000 records imported
    together hold 50,000 copies of the same ``added`` time, ``status`` and source file
    name (about 25 MB in all). Only strings are touched, and each is replaced by an
    equal one, so every record reads, compares and is written as before.
    """
    seen: dict[str, str] = {}
    share = seen.setdefault
    for record in records:
        for name in _REPEATED:
            value = record.get(name)
            if type(value) is str:
                record[name] = share(value, value)
        source = record.get("source")
        if type(source) is dict:
            for name in ("file", "format"):
                value = source.get(name)
                if type(value) is str:
                    source[name] = share(value, value)
        links = record.get("links")
        if type(links) is list:
            for link in links:
                if type(link) is dict and type(kind := link.get("kind")) is str:
                    link["kind"] = share(kind, kind)


def is_text(value: object) -> bool:
    """Whether a stored value reads as a non-empty text (a string, or a number edited in)."""
    return bool(value) and type(value) in (str, int, float)


def alias_index(records: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The key of the paper each alias names (the first, if two papers claim one)."""
    index: dict[str, str] = {}
    for key, record in records.items():
        aliases = record.get("aliases")
        if aliases and type(aliases) is list:
            for alias in aliases:
                if type(alias) is str:
                    index.setdefault(alias, key)
    return index
