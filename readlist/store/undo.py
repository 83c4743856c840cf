"""Undo and redo: journal entries applied backwards (or again), never over a later change.

A field is put back only while it still holds the value the entry left there; a
field changed since is skipped with a message naming the paper and the field. A
paper the entry added is removed only if nothing about it changed since; a paper it
removed comes back whole (its notes, and its abstract by digest) unless its key is
taken again. The modification time (``updated``) follows quietly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from readlist.store.journal import Entry, PaperChange
from readlist.store.records import Record

#: Fields put back when they still hold the entry's value, and never reported when not.
QUIET_FIELDS = frozenset({"updated"})

_ABSENT = object()


@dataclass
class ReversalPlan:
    """The records an undo or redo writes, and what it skipped."""

    #: The papers after the reversal, by key (``None``: removed), only those it touches.
    state: dict[str, Record | None] = field(default_factory=dict)
    #: One line per change left alone because the library changed since.
    skipped: list[str] = field(default_factory=list)


def plan_reversal(
    targets: Sequence[Entry], docs: Mapping[str, Record], *, undo: bool
) -> ReversalPlan:
    """What undoing (or redoing) ``targets``, in that order, does to the records ``docs``."""
    plan = ReversalPlan()
    for entry in targets:
        changes = reversed(entry.changes) if undo else entry.changes
        for change in changes:
            _apply(change, docs, plan, undo=undo)
    return plan


def _current(key: str, docs: Mapping[str, Record], plan: ReversalPlan) -> Record | None:
    return plan.state[key] if key in plan.state else docs.get(key)


def _apply(
    change: PaperChange, docs: Mapping[str, Record], plan: ReversalPlan, *, undo: bool
) -> None:
    """Apply one paper change backwards (``undo``) or forwards onto ``plan.state``."""
    source, target = (change.after, change.before) if undo else (change.before, change.after)
    here = change.key if undo else change.key_before  # where the paper is now
    there = change.key_before if undo else change.key  # where it goes
    current = _current(here, docs, plan)
    if source is None:  # the paper comes back (or is added again)
        if target is None:
            return
        if _current(there, docs, plan) is not None:
            plan.skipped.append(f"{there}: not restored, a paper with this key exists")
            return
        plan.state[there] = dict(target)
        return
    if current is None:
        if target is not None:
            plan.skipped.append(f"{here}: not in the library any more")
        return
    changed = [
        name
        for name in change.fields
        if name not in QUIET_FIELDS
        and current.get(name, _ABSENT) != source.get(name, _ABSENT)
        and (target is None or current.get(name, _ABSENT) != target.get(name, _ABSENT))
    ]
    if target is None:  # the paper goes (again)
        if changed:
            plan.skipped.append(f"{here}: not removed, {', '.join(changed)} changed since")
        else:
            plan.state[here] = None
        return
    record = dict(current)
    for name in change.fields:
        if name in changed:
            plan.skipped.append(f"{here}: {name} changed since; left as it is")
        elif current.get(name, _ABSENT) == source.get(name, _ABSENT):
            value = target.get(name, _ABSENT)
            if value is _ABSENT:
                record.pop(name, None)
            else:
                record[name] = value
    new_key = str(record.get("key", here))
    if new_key != here:
        if _current(new_key, docs, plan) is not None:
            plan.skipped.append(f"{here}: key not changed back to {new_key}, it is taken")
            record["key"] = here
        else:
            plan.state[here] = None
    plan.state[str(record.get("key", here))] = record
