"""Paper records as stored: paper <-> record, the abstract kept apart, the old layout migrated.

A stored record is :meth:`Paper.to_dict` without its abstract: the text lives in
the abstracts file and the record names it by digest (:data:`ABSTRACT_REF`).
Schema 1 files held the abstract inline; such records are still read, and
:func:`migrate_inline_abstracts` moves their abstracts out on the next save.
Records edited by hand are read as well as they can be (:func:`read_record`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from readlist.models import Paper
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
