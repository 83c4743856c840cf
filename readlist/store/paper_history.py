"""One paper's history: the journal entries that changed it, under every key it has had.

The journal is walked newest first. A paper's names start as its key and its
aliases (old keys, a key merged in by sync); an entry that changed the paper under
one of them and gave it another key (a ``rekey``, an ``edit`` of the key) adds the
key it had before, so older entries under that key are found too.

Reading is cheap where it matters: an entry's changes are decoded only when its
line holds one of the names as a JSON string (a byte search), and then only the
change objects around those mentions are decoded, so the 6 MB line of an import
of 10,000 papers costs a search and one record's decoding, not 10,000.
"""

from __future__ import annotations

import json
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


#: How every change of a journal line starts (``PaperChange.to_json`` writes the key first).
_CHANGE_START = '{"key":'
#: Above this many mentions of the paper in one line, the line is decoded whole.
MOST_MENTIONS = 64
_DECODER = json.JSONDecoder()


def _change_around(text: str, at: int) -> tuple[int, object] | None:
    """The change object of a journal line that holds position ``at``: where it starts, it.

    Walks back over the ``{"key":`` before ``at`` (a whole record inside a change
    may start so too) to the first object that is a change and reaches past ``at``;
    ``None`` when ``at`` is in no change (the line's ``texts``).
    """
    start = at
    while (start := text.rfind(_CHANGE_START, 0, start)) >= 0:
        found, end = _DECODER.raw_decode(text, start)
        is_change = isinstance(found, dict) and "before" in found and "after" in found
        if is_change and end > at:
            return start, found
        if is_change:
            return None  # a whole change ends before it: ``at`` is past the changes
    return None


def _picked(body: bytes, needles: set[bytes]) -> list[object] | None:
    """The changes of a line's body that mention a needle, decoded alone (``None``: too many).

    An import of 10,000 papers is a 6 MB line: decoding the one change that names
    the paper, not the whole line, is what makes a paper's history quick.
    """
    text = body.decode("utf-8")
    found: dict[int, object] = {}
    mentions = 0
    for needle in needles:
        word = needle.decode("utf-8")
        at = text.find(word)
        while at >= 0:
            mentions += 1
            if mentions > MOST_MENTIONS:
                return None
            around = _change_around(text, at)
            if around is not None:
                found[around[0]] = around[1]
            at = text.find(word, at + 1)
    return [found[start] for start in sorted(found)]


def _matching(entry: Entry, names: set[str], needles: set[bytes]) -> list[PaperChange]:
    """The changes of ``entry`` to a paper known by one of ``names`` (the rest not built)."""
    body = entry.unread_body()
    if body is None:  # decoded already (a new entry, or read before)
        return [c for c in entry.changes if c.key in names or c.key_before in names]
    try:
        items = _picked(body, needles)
        if items is None:
            data = orjson.loads(body)
            changes = data.get("changes") if isinstance(data, dict) else None
            items = changes if isinstance(changes, list) else []
    except (ValueError, UnicodeDecodeError):  # a garbled line (JSONDecodeError is one)
        return []
    found = []
    for item in items:
        keys = _names_of(item)
        if keys is not None and (keys[0] in names or keys[1] in names):
            try:
                found.append(PaperChange.from_json(item))  # type: ignore[arg-type]
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
        changes = _matching(entry, known, needles)
        if not changes:
            continue
        events.append(PaperEvent(entry, tuple(changes)))
        for change in changes:
            for name in (change.key, change.key_before):
                if name not in known:
                    known.add(name)
                    needles.add(orjson.dumps(name))
    return events
