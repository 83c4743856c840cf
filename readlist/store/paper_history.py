"""One paper's history: the journal entries that changed it, under every key it has had.

The journal is walked newest first. A paper's names start as its key and its
aliases (old keys, a key merged in by sync); an entry that changed the paper under
one of them and gave it another key (a ``rekey``, an ``edit`` of the key) adds the
key it had before, so older entries under that key are found too.

Reading is cheap where it matters: an entry's changes are decoded only when its
line holds one of the names as a JSON string (a byte search), and then only the
changes of this paper become :class:`PaperChange` objects, so an import of 10,000
papers costs one ``orjson.loads`` and no 10,000 objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from readlist.store.journal import Entry, PaperChange


@dataclass(frozen=True)
class PaperEvent:
    """One command's changes to one paper: the journal entry and this paper's part of it."""

    entry: Entry
    #: What it changed in this paper (usually one change).
    changes: tuple[PaperChange, ...]


def _names_of(data: object) -> tuple[str, str] | None:
    """A change's key after and before it, from its JSON form (``None``: not a change)."""
    if not isinstance(data, dict):
        return None
    key = data.get("key")
    if not isinstance(key, str):
        return None
    before = data.get("before")
    old = before.get("key", key) if isinstance(before, dict) else key
    return key, str(old)


def _matching(entry: Entry, names: set[str]) -> list[PaperChange]:
    """The changes of ``entry`` to a paper known by one of ``names`` (the rest not built)."""
    body = entry.unread_body()
    if body is None:  # decoded already (a new entry, or read before)
        return [c for c in entry.changes if c.key in names or c.key_before in names]
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []
    changes = data.get("changes") if isinstance(data, dict) else None
    found = []
    for item in changes if isinstance(changes, list) else ():
        keys = _names_of(item)
        if keys is not None and (keys[0] in names or keys[1] in names):
            try:
                found.append(PaperChange.from_json(item))
            except ValueError:
                continue
    return found


def paper_history(entries: Sequence[Entry], names: Iterable[str]) -> list[PaperEvent]:
    """The entries that changed the paper known by ``names`` (key, aliases), newest first."""
    known = set(names)
    needles = {orjson.dumps(name) for name in known}
    events = []
    for entry in reversed(entries):
        if not entry.mentions(needles):
            continue
        changes = _matching(entry, known)
        if not changes:
            continue
        events.append(PaperEvent(entry, tuple(changes)))
        for change in changes:
            for name in (change.key, change.key_before):
                if name not in known:
                    known.add(name)
                    needles.add(orjson.dumps(name))
    return events
