"""Three-way merge of a library's files, per paper and per field: git's merge driver for readlist.

Two machines change one library; git hands the driver the common ancestor
(``base``), this machine's version (``ours``) and the other machine's
(``theirs``). :func:`merge_library` merges the paper records:

* papers are matched by key, across a ``rekey`` too (a key that became an alias);
  papers both sides added under different keys are matched by the identity rules
  of :mod:`readlist.merge` and become one, the other key an alias;
* tags and aliases merge as sets: an add or a removal on either side survives;
* the note merges line by line (:func:`readlist.textmerge.merge`); where both sides
  changed the same lines both texts stay, between markers, and the paper is flagged;
* the status, ``read_at`` and every other field: a change on one side wins; changes
  on both sides to different values take the side whose paper was ``updated`` later
  (status, read_at, the abstract), or keep this machine's value and flag the paper
  with the other's (any other field);
* a paper removed on one side and changed on the other is kept, and flagged;
  removed on one side and unchanged on the other, it is removed.

Flags are lines in the record's ``conflicts`` list (``list has:conflict`` finds
them). :func:`merge_abstracts` unites two abstracts files (they are content
addressed). Nothing here fails on content: every text of either side survives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from readlist.merge import identity, same_paper
from readlist.models import Paper
from readlist.store.format import (
    ABSTRACTS_TABLE,
    META_TABLE,
    PAPERS_TABLE,
    Tables,
)
from readlist.textmerge import merge as merge_text

Record = dict[str, Any]

#: Markers around the two versions of lines both machines changed in a note.
OURS_LABEL = "<<<<<<< this machine"
THEIRS_LABEL = ">>>>>>> other machine"
#: Fields merged as sets (order: this machine's, then the other's additions).
SET_FIELDS = ("tags", "aliases", "conflicts", "edited")
#: Fields where, changed differently on both sides, the later ``updated`` wins.
LATEST_WINS = ("status", "read_at", "abstract_ref", "abstract")
#: Fields that are bookkeeping, not content: never a conflict.
NEWEST = ("updated",)


@dataclass
class MergeReport:
    """What a merge did: papers added, removed and changed from the other side, and flags."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def merge_library(base: Tables | None, ours: Tables, theirs: Tables) -> tuple[Tables, MergeReport]:
    """The library tables that hold both sides' changes to ``base``; see the module docstring.

    Papers keep this machine's document ids; papers only the other side has get new
    ones after them, in the other side's order. Other tables are this machine's.
    """
    report = MergeReport()
    base_papers = _by_key(base or {})
    our_papers = _by_key(ours)
    their_papers = _by_key(theirs)
    _follow_renames(base_papers, our_papers, their_papers)
    _match_added_twice(base_papers, our_papers, their_papers)

    merged: dict[str, Record] = {}
    for key in _ordered_keys(our_papers, their_papers, base_papers):
        record = merge_paper(
            base_papers.get(key), our_papers.get(key), their_papers.get(key), report, key
        )
        if record is not None:
            merged[key] = record

    tables: Tables = {name: dict(table) for name, table in ours.items() if name != PAPERS_TABLE}
    if META_TABLE not in tables and META_TABLE in theirs:
        tables[META_TABLE] = dict(theirs[META_TABLE])
    tables[PAPERS_TABLE] = _with_doc_ids(merged, ours.get(PAPERS_TABLE, {}))
    return tables, report


def merge_paper(
    base: Record | None,
    ours: Record | None,
    theirs: Record | None,
    report: MergeReport | None = None,
    key: str = "",
) -> Record | None:
    """One paper's record merged three ways (``None``: absent, or removed)."""
    report = MergeReport() if report is None else report
    if ours is None and theirs is None:
        return None
    if ours is None or theirs is None:
        present = theirs if ours is None else ours
        assert present is not None
        if base is None:  # added on one side
            if ours is None:
                report.added.append(key)
            return dict(present)
        if _same(present, base):  # removed on one side, unchanged on the other
            if theirs is None:
                report.removed.append(key)
            return None
        side = "this machine" if ours is None else "the other machine"
        kept = dict(present)
        _flag(kept, f"removed on {side} but changed on the other: kept")
        report.conflicts.append(key)
        return kept
    if _same(ours, theirs):
        later = str(theirs.get("updated") or "") > str(ours.get("updated") or "")
        return dict(theirs if later else ours)
    base = base or {}
    if _same(ours, base):
        report.changed.append(key)
        return dict(theirs)
    if _same(theirs, base):
        return dict(ours)
    report.changed.append(key)
    return _merge_fields(base, ours, theirs, report, key)


def _merge_fields(
    base: Record, ours: Record, theirs: Record, report: MergeReport, key: str
) -> Record:
    """Both sides changed the paper: field by field."""
    theirs_later = str(theirs.get("updated") or "") > str(ours.get("updated") or "")
    merged: Record = {}
    flags: list[str] = []
    for name in _ordered_keys(ours, theirs, base):
        mine, other, old = ours.get(name), theirs.get(name), base.get(name)
        if name in SET_FIELDS:
            value: Any = _merge_sets(old, mine, other)
        elif name in NEWEST:
            value = max(str(mine or ""), str(other or "")) or None
        elif mine == other or other == old:
            value = mine
        elif mine == old:
            value = other
        elif name == "notes":
            value = _merge_note(str(old or ""), str(mine or ""), str(other or ""), flags)
        elif name in LATEST_WINS:
            value = other if theirs_later else mine
        else:
            value = mine
            flags.append(
                f"{name}: both machines changed it; kept this machine's,"
                f" the other had {_shown(other)}"
            )
        if value is not None or (name in ours and name in theirs):
            merged[name] = value
    for line in flags:
        _flag(merged, line)
    if flags:
        report.conflicts.append(key)
    return merged


def _merge_note(base: str, ours: str, theirs: str, flags: list[str]) -> str:
    result = merge_text(base, ours, theirs, labels=(OURS_LABEL, THEIRS_LABEL))
    if result.conflicts:
        flags.append("notes: both machines changed the same lines; both are kept between markers")
    return result.text


def _merge_sets(base: object, ours: object, theirs: object) -> list[Any]:
    """Adds and removals of both sides: what either added, minus what either removed."""
    old, mine, other = (_items(value) for value in (base, ours, theirs))
    merged: list[Any] = []
    for item in mine + other:
        if item in merged or (item in old and (item not in mine or item not in other)):
            continue
        merged.append(item)
    return merged


def _items(value: object) -> list[Any]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str | int | float)]


def _flag(record: Record, line: str) -> None:
    conflicts = _items(record.get("conflicts"))
    if line not in conflicts:
        conflicts.append(line)
    record["conflicts"] = conflicts


def _shown(value: object) -> str:
    text = orjson.dumps(value).decode() if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal but for bookkeeping (``updated``)."""
    keys = (set(a) | set(b)) - set(NEWEST)
    return all(a.get(name) == b.get(name) for name in keys)


def _by_key(tables: Tables) -> dict[str, Record]:
    """The paper records of ``tables`` by paper key (the first record of a key wins)."""
    papers: dict[str, Record] = {}
    for record in tables.get(PAPERS_TABLE, {}).values():
        if isinstance(record, dict) and isinstance(record.get("key"), str) and record["key"]:
            papers.setdefault(record["key"], record)
    return papers


def _follow_renames(
    base: dict[str, Record], ours: dict[str, Record], theirs: dict[str, Record]
) -> None:
    """File a paper a side renamed (``rekey``: its old key now an alias) under its new key.

    The paper is moved to the new key in the base and on the other side too, so
    that all three versions meet. Renamed on both sides to different keys, it
    takes this machine's new key; the other's becomes an alias.
    """

    def renames(side: dict[str, Record]) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, record in side.items():
            if key in base:
                continue
            for alias in _items(record.get("aliases")):
                if alias in base and alias not in side and alias not in found:
                    found[alias] = key
                    break
        return found

    mine, other = renames(ours), renames(theirs)
    for old in _ordered_keys(mine, other):
        new = mine.get(old) or other[old]
        base[new] = {**base.pop(old), "key": new}
        for side, side_renames in ((ours, mine), (theirs, other)):
            held = side_renames.get(old, old)  # where this side holds the paper
            if held == new or held not in side or new in side:
                continue
            record = side.pop(held)
            extra = [held] if held != old else []
            side[new] = {
                **record,
                "key": new,
                "aliases": _merge_sets([], record.get("aliases"), extra),
            }


def _match_added_twice(
    base: dict[str, Record], ours: dict[str, Record], theirs: dict[str, Record]
) -> None:
    """Papers both sides added under different keys: one paper, under this machine's key."""
    mine = {key: record for key, record in ours.items() if key not in base and key not in theirs}
    other = {key: record for key, record in theirs.items() if key not in base and key not in ours}
    if not mine or not other:
        return
    identities = {key: identity(Paper.from_dict(record)) for key, record in mine.items()}
    for their_key, record in other.items():
        known = identity(Paper.from_dict(record))
        for our_key, ident in identities.items():
            if same_paper(known, ident):
                renamed = dict(record)
                renamed["key"] = our_key
                renamed["aliases"] = _merge_sets([], _items(record.get("aliases")), [their_key])
                theirs[our_key] = renamed
                del theirs[their_key]
                del identities[our_key]
                ours[our_key] = {
                    **ours[our_key],
                    "aliases": _merge_sets([], _items(ours[our_key].get("aliases")), [their_key]),
                }
                break


def _ordered_keys(*mappings: Mapping[str, Any]) -> list[str]:
    """Every key of the mappings, in the order first seen."""
    keys: dict[str, None] = {}
    for mapping in mappings:
        keys.update(dict.fromkeys(mapping))
    return list(keys)


def _with_doc_ids(papers: Mapping[str, Record], our_table: Mapping[str, Any]) -> dict[str, Record]:
    """The papers table: this machine's document ids kept, new ones after the highest."""
    ids = {
        record["key"]: doc_id
        for doc_id, record in our_table.items()
        if isinstance(record, dict) and isinstance(record.get("key"), str)
    }
    numbers = [int(doc_id) for doc_id in our_table if str(doc_id).isdigit()]
    next_id = max(numbers, default=0) + 1
    table: dict[str, Record] = {}
    placed = {key: ids[key] for key in papers if key in ids}
    for key, doc_id in sorted(
        placed.items(), key=lambda item: int(item[1]) if item[1].isdigit() else 0
    ):
        table[doc_id] = dict(papers[key])
    for key, record in papers.items():
        if key not in placed:
            table[str(next_id)] = dict(record)
            next_id += 1
    return table


def merge_abstracts(base: Tables | None, ours: Tables, theirs: Tables) -> Tables:
    """Both sides' abstracts: the files are content addressed, so the union is right."""
    tables: Tables = {name: dict(table) for name, table in ours.items()}
    texts = tables.setdefault(ABSTRACTS_TABLE, {})
    for digest, text in theirs.get(ABSTRACTS_TABLE, {}).items():
        texts.setdefault(digest, text)
    if META_TABLE not in tables and META_TABLE in theirs:
        tables[META_TABLE] = dict(theirs[META_TABLE])
    return tables


def encode(tables: Tables) -> bytes:
    """The file's bytes, as the library's storage writes them."""
    return orjson.dumps(tables, option=orjson.OPT_INDENT_2)


def all_keys(tables: Iterable[Tables]) -> set[str]:
    """Every paper key in the given tables (for reports)."""
    keys: set[str] = set()
    for table in tables:
        keys |= set(_by_key(table))
    return keys


@dataclass
class ChangeSummary:
    """How one version of a library differs from another, for commit messages and reports."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """``3 papers changed (2 tags, 1 read), 1 added`` or ``no paper changed``."""
        parts = []
        if self.changed:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.kinds.items()))
            noun = "paper" if self.changed == 1 else "papers"
            parts.append(f"{self.changed} {noun} changed" + (f" ({kinds})" if kinds else ""))
        if self.added:
            parts.append(f"{self.added} added")
        if self.removed:
            parts.append(f"{self.removed} removed")
        return ", ".join(parts) or "no paper changed"

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def summarize(before: Tables | None, after: Tables | None) -> ChangeSummary:
    """What changed from ``before`` to ``after``, paper by paper (by key)."""
    old, new = _by_key(before or {}), _by_key(after or {})
    summary = ChangeSummary(
        added=sum(1 for key in new if key not in old),
        removed=sum(1 for key in old if key not in new),
    )
    for key, record in new.items():
        previous = old.get(key)
        if previous is None or _same(previous, record):
            continue
        summary.changed += 1
        for name in _ordered_keys(record, previous):
            if name in NEWEST or record.get(name) == previous.get(name):
                continue
            kind = {"status": str(record.get("status")), "abstract_ref": "abstract"}.get(name, name)
            summary.kinds[kind] = summary.kinds.get(kind, 0) + 1
    return summary
