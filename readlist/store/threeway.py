"""Three-way merge of a library's files, per paper and per field: git's merge driver for readlist.

Two machines change one library; git hands the driver the common ancestor
(``base``), this machine's version (``ours``) and the other machine's
(``theirs``). :func:`merge_library` merges the paper records:

* papers are matched by key, across a ``rekey`` too (a key that became an alias);
  papers both sides added under different keys are matched by the identity rules
  of :mod:`readlist.merge` and become one, under the key that sorts first, the
  other key an alias;
* tags and aliases merge as sets: an add or a removal on either side survives;
* the note merges line by line (:func:`readlist.textmerge.merge`); where both sides
  changed the same lines both texts stay, between markers, in sorted order, and the
  paper is flagged;
* the status, ``read_at`` and every other field: a change on one side wins; changes
  on both sides to different values take the side whose paper was ``updated`` later
  (on a tie, the value whose canonical JSON sorts last); a field other than the
  status, ``read_at`` and the abstract also flags the paper, naming the other value;
* a paper removed on one side and changed on the other is kept, and flagged;
  removed on one side and unchanged on the other, it is removed.

The merge is **symmetric**: ``merge(O, A, B)`` and ``merge(O, B, A)`` encode to the
same bytes (:func:`encode`), so two machines that sync in either order reach the
same file. Nothing in the result depends on which side is "ours": flags name no
side, set fields keep the base's order and then the additions sorted, fields follow
:data:`readlist.models.PAPER_FIELDS`, and document ids are merged like a field.
``merge(O, A, O) == A``.

Flags are lines in the record's ``conflicts`` list (``list has:conflict`` finds
them). :func:`merge_abstracts` unites two abstracts files (they are content
addressed). Nothing here fails on content: every text of either side survives.

Why ~500 lines: the rules above are one merge, and it is symmetric only as a
whole: matching papers (by key, across renames, added twice), each field's rule,
the flags and the document ids read the same normalised records and must order
everything the same way; :func:`summarize`, which says what a merge or a commit
changed, reads those same records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from readlist.merge import identity, same_paper
from readlist.models import PAPER_FIELDS, Paper
from readlist.store.format import (
    ABSTRACTS_TABLE,
    PAPERS_TABLE,
    Tables,
)
from readlist.textmerge import merge as merge_text

Record = dict[str, Any]

#: Markers around the two versions of lines both machines changed in a note (the
#: versions in sorted order: neither machine comes first).
OURS_LABEL = "<<<<<<< one machine"
THEIRS_LABEL = ">>>>>>> another machine"
#: Fields merged as sets (the base's order, then the additions in sorted order).
SET_FIELDS = ("tags", "aliases", "conflicts", "edited")
#: Fields where, changed differently on both sides, the later change wins unflagged.
LATEST_WINS = ("status", "read_at", "abstract_ref", "abstract")
#: Fields that are bookkeeping, not content: never a conflict (the latest ``updated``).
NEWEST = ("updated",)
#: Bookkeeping too: the earliest ``added`` (a paper added on both machines).
EARLIEST = ("added",)


@dataclass
class MergeReport:
    """What a merge did: papers added, removed and changed from the other side, and flags."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def merge_library(base: Tables | None, ours: Tables, theirs: Tables) -> tuple[Tables, MergeReport]:
    """The library tables that hold both sides' changes to ``base``; see the module docstring.

    Document ids merge like a field (kept where neither side changed them); a paper
    whose id the other side also took for another paper gets a new one after the
    highest. Other tables merge whole: a change on one side wins.
    """
    report = MergeReport()
    if ours == theirs or theirs == base:  # nothing to merge (the same bytes whichever is ours)
        same = max(ours, theirs, key=encode) if ours == theirs else ours
        return {name: dict(table) for name, table in same.items()}, report
    base_papers = _by_key(base or {})
    our_papers = _by_key(ours)
    their_papers = _by_key(theirs)
    _follow_renames(base_papers, our_papers, their_papers)
    _match_added_twice(base_papers, our_papers, their_papers)

    merged: dict[str, Record] = {}
    for key in sorted(set(our_papers) | set(their_papers) | set(base_papers)):
        record = merge_paper(
            base_papers.get(key), our_papers.get(key), their_papers.get(key), report, key
        )
        if record is not None:
            merged[key] = record

    papers = _with_doc_ids(
        merged,
        (base_papers, our_papers, their_papers),
        (base or {}).get(PAPERS_TABLE, {}),
        ours.get(PAPERS_TABLE, {}),
        theirs.get(PAPERS_TABLE, {}),
    )
    return _merge_tables(base or {}, ours, theirs, {PAPERS_TABLE: papers}), report


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
        kept = dict(present)
        _flag(kept, "removed on one machine but changed on another: kept")
        report.conflicts.append(key)
        return _canonical_fields(kept)
    if ours == theirs or theirs == base:
        return dict(ours)
    if ours == base:
        report.changed.append(key)
        return dict(theirs)
    if _same(ours, theirs):
        return dict(_later(ours, theirs)[0])
    base = base or {}
    if _same(ours, base):
        report.changed.append(key)
        return dict(theirs)
    if _same(theirs, base):
        return dict(ours)
    report.changed.append(key)
    return _merge_fields(base, ours, theirs, report, key)


def _later(ours: Record, theirs: Record) -> tuple[Record, Record]:
    """``(winner, loser)``: the record updated later; on a tie, the one whose JSON sorts last."""
    mine = (str(ours.get("updated") or ""), _order(ours))
    other = (str(theirs.get("updated") or ""), _order(theirs))
    return (theirs, ours) if other > mine else (ours, theirs)


def _order(value: object) -> tuple[bytes, bytes]:
    """A total order of JSON values that does not depend on a side: canonical, then as written."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS), orjson.dumps(value)
    except TypeError:  # not JSON (never in a file read from disk)
        return repr(value).encode(), b""


def _merge_fields(
    base: Record, ours: Record, theirs: Record, report: MergeReport, key: str
) -> Record:
    """Both sides changed the paper: field by field."""
    theirs_newer = str(theirs.get("updated") or "") > str(ours.get("updated") or "")
    ours_newer = str(ours.get("updated") or "") > str(theirs.get("updated") or "")
    merged: Record = {}
    flags: list[str] = []
    for name in _field_order(set(ours) | set(theirs) | set(base)):
        mine, other, old = ours.get(name), theirs.get(name), base.get(name)
        if name in SET_FIELDS:
            value: Any = _merge_sets(old, mine, other)
        elif name in NEWEST:
            value = max(str(mine or ""), str(other or "")) or None
        elif name in EARLIEST and mine and other:
            value = min(str(mine), str(other))
        elif mine == other:
            value = max(mine, other, key=_order)
        elif other == old:
            value = mine
        elif mine == old:
            value = other
        elif name == "notes":
            value = _merge_note(str(old or ""), str(mine or ""), str(other or ""), flags)
        else:
            if theirs_newer or ours_newer:
                value, lost = (other, mine) if theirs_newer else (mine, other)
            else:  # changed at the same time: the value that sorts last
                value, lost = (other, mine) if _order(other) > _order(mine) else (mine, other)
            if name not in LATEST_WINS:
                flags.append(
                    f"{name}: changed on both machines; kept {_shown(value)}"
                    f" (the later change), the other was {_shown(lost)}"
                )
        if value is not None or (name in ours and name in theirs):
            merged[name] = value
    for line in flags:
        _flag(merged, line)
    if flags:
        report.conflicts.append(key)
    return _canonical_fields(merged)


def _field_order(names: Iterable[str]) -> list[str]:
    """Field names in :data:`PAPER_FIELDS` order, then any others sorted."""
    present = set(names)
    known = [name for name in PAPER_FIELDS if name in present]
    return known + sorted(present - set(PAPER_FIELDS))


def _canonical_fields(record: Record) -> Record:
    return {name: record[name] for name in _field_order(record)}


def _merge_note(base: str, ours: str, theirs: str, flags: list[str]) -> str:
    result = merge_text(base, ours, theirs, labels=(OURS_LABEL, THEIRS_LABEL), symmetric=True)
    if result.conflicts:
        flags.append("notes: both machines changed the same lines; both are kept between markers")
    return result.text


def _merge_sets(base: object, ours: object, theirs: object) -> list[Any]:
    """Adds and removals of both sides: what either added, minus what either removed.

    Items are compared as sets, never as lists, so that a list reordered on one
    machine cannot make three machines' merges depend on their order: two equal
    lists are kept as they are; a side whose items are the base's (in any order)
    takes the other's list as it is (both such sides: the list that sorts last);
    else the base's items both kept, in the base's order, then every addition in
    sorted order, which depends on the items alone.
    """
    old, mine, other = (_items(value) for value in (base, ours, theirs))
    mine_same, other_same = set(mine) == set(old), set(other) == set(old)
    if mine == other:
        return mine
    if mine_same and other_same:
        return max(mine, other, key=_order)
    if other_same:
        return mine
    if mine_same:
        return other
    kept = [item for item in dict.fromkeys(old) if item in mine and item in other]
    added = {item for item in mine + other if item not in old}
    return kept + sorted(added, key=_order)


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
    takes the new key that sorts first; the other becomes an alias.
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
    for old in sorted(set(mine) | set(other)):
        new = min(name for name in (mine.get(old), other.get(old)) if name is not None)
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
    """Papers both sides added under different keys: one paper, under the key that sorts first.

    Pairs are matched in the order of their keys, each paper at most once, so
    the matching is the same whichever side is "ours".
    """
    mine = {key: record for key, record in ours.items() if key not in base and key not in theirs}
    other = {key: record for key, record in theirs.items() if key not in base and key not in ours}
    if not mine or not other:
        return
    our_ids = {key: identity(Paper.from_dict(record)) for key, record in mine.items()}
    their_ids = {key: identity(Paper.from_dict(record)) for key, record in other.items()}
    pairs = [
        (our_key, their_key)
        for our_key, known in our_ids.items()
        for their_key, ident in their_ids.items()
        if same_paper(known, ident)
    ]
    used: set[str] = set()
    for our_key, their_key in sorted(pairs, key=lambda pair: (min(pair), max(pair))):
        if our_key in used or their_key in used:
            continue
        used |= {our_key, their_key}
        keep, alias = min(our_key, their_key), max(our_key, their_key)
        for side, held in ((ours, our_key), (theirs, their_key)):
            record = side.pop(held)
            side[keep] = {
                **record,
                "key": keep,
                "aliases": _merge_sets([], _items(record.get("aliases")), [alias]),
            }


def _doc_order(doc_id: str) -> tuple[int, int, str]:
    return (0, int(doc_id), "") if doc_id.isdigit() else (1, 0, doc_id)


def _doc_ids(table: Mapping[str, Any]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for doc_id, record in table.items():
        if isinstance(record, dict) and isinstance(record.get("key"), str):
            ids.setdefault(record["key"], str(doc_id))
    return ids


def _with_doc_ids(
    papers: Mapping[str, Record],
    sides: tuple[Iterable[str], Iterable[str], Iterable[str]],
    base_table: Mapping[str, Any],
    our_table: Mapping[str, Any],
    their_table: Mapping[str, Any],
) -> dict[str, Record]:
    """The papers table, in document id order.

    ``sides`` are the paper keys of the base, ours and theirs (renames followed). A
    paper of the base keeps its id, merged like a field (the side that changed it
    wins; both did: the smaller). Papers added on one side only keep that side's
    ids. When both sides added papers (or an added paper's id is taken), every
    added paper gets an id after the base's highest, in key order: so three
    machines merging in any order give the same ids.
    """
    old_ids, our_ids, their_ids = _doc_ids(base_table), _doc_ids(our_table), _doc_ids(their_table)
    base_keys, our_keys, their_keys = (set(keys) for keys in sides)
    wanted: dict[str, str | None] = {}
    for key in papers:
        mine, other, old = our_ids.get(key), their_ids.get(key), old_ids.get(key)
        if mine is None or other is None:
            wanted[key] = other if mine is None else mine
        elif mine == other or other == old:
            wanted[key] = mine
        elif mine == old:
            wanted[key] = other
        else:
            wanted[key] = min(mine, other, key=_doc_order)
    added = [key for key in papers if key not in base_keys]
    both_added = any(key in our_keys for key in added) and any(key in their_keys for key in added)
    held = Counter(wanted.values())
    if both_added or any(wanted[key] is None or held[wanted[key]] > 1 for key in added):
        for key in added:
            wanted[key] = None  # numbered below, in key order
    every = (*wanted.values(), *old_ids.values())
    next_id = max((int(doc_id) for doc_id in every if doc_id and doc_id.isdigit()), default=0) + 1
    taken: dict[str, str] = {}
    order = sorted(papers, key=lambda k: (_doc_order(wanted[k] or "~"), k not in base_keys, k))
    for key in order:
        doc_id = wanted[key]
        if doc_id is None or doc_id in taken:
            doc_id = str(next_id)
            next_id += 1
        taken[doc_id] = key
    return {doc_id: dict(papers[taken[doc_id]]) for doc_id in sorted(taken, key=_doc_order)}


def _merge_tables(
    base: Tables, ours: Tables, theirs: Tables, merged: Mapping[str, dict[str, Any]]
) -> Tables:
    """The file's tables: ``merged`` ones as given, the others whole (a change on one side wins).

    Tables keep the order both sides give them, else sorted by name.
    """
    names = list(ours) if list(ours) == list(theirs) else sorted(set(ours) | set(theirs))
    names += [name for name in merged if name not in names]
    tables: Tables = {}
    for name in names:
        if name in merged:
            tables[name] = merged[name]
            continue
        mine, other, old = ours.get(name), theirs.get(name), base.get(name)
        if mine == other or other == old:
            value = max(mine, other, key=_order) if mine == other else mine
        elif mine == old:
            value = other
        else:
            value = max(mine, other, key=_order)
        if value is not None:
            tables[name] = dict(value)
    return tables


def merge_abstracts(base: Tables | None, ours: Tables, theirs: Tables) -> Tables:
    """Both sides' abstracts: the files are content addressed, so the union is right."""
    old = (base or {}).get(ABSTRACTS_TABLE)
    mine, other = ours.get(ABSTRACTS_TABLE) or {}, theirs.get(ABSTRACTS_TABLE) or {}
    if mine == other:  # equal, perhaps in another order: the same bytes whichever is ours
        texts = max(mine, other, key=_order)
    elif other == old:
        texts = mine
    elif mine == old:
        texts = other
    else:
        texts = {}
        for digest in sorted(set(mine) | set(other)):
            found = [side[digest] for side in (mine, other) if digest in side]
            texts[digest] = max(found, key=_order)
    return _merge_tables(base or {}, ours, theirs, {ABSTRACTS_TABLE: dict(texts)})


def encode(tables: Tables) -> bytes:
    """The file's bytes, as the library's storage writes them."""
    return orjson.dumps(tables, option=orjson.OPT_INDENT_2)


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
        for name in _field_order(set(record) | set(previous)):
            if name in NEWEST or record.get(name) == previous.get(name):
                continue
            kind = {"status": str(record.get("status")), "abstract_ref": "abstract"}.get(name, name)
            summary.kinds[kind] = summary.kinds.get(kind, 0) + 1
    return summary
