"""The change journal: an append-only JSON-lines file beside the library, one line per command.

Every save of the :class:`~readlist.store.library.Library` appends one entry: when
(UTC), on which machine, by which command, and for each paper changed the fields it
changed with their values before and after. An added paper has no "before", a
removed one no "after". Abstracts appear as their digest (``abstract_ref``); when a
save stops naming a text (a paper removed, an abstract replaced), the entry keeps
the text itself (``texts``), since the abstracts file drops texts nobody names.

Appends are made under the library's lock: one ``write`` of a whole line, then
``fsync``. A line torn by a kill mid-append is skipped on reading and the next
append starts on a fresh line, so it never breaks anything. On the first save of a
(UTC) day, entries older than the horizon are dropped by rewriting the file
atomically (temp file and rename).

Why it is ~520 lines: the entry format (headers first, so listing and undo read only
headers), torn-line recovery, compaction and the undo/redo state are one file
format's reading and writing; applying a reversal is :mod:`readlist.store.undo`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from readlist.paths import abstracts_path
from readlist.store.atomic import atomic_write, fsync_folder
from readlist.store.records import ABSTRACT_REF, Record

#: How many days of history are kept when the settings do not say.
DEFAULT_HORIZON_DAYS = 90
#: How much of a command's words an entry keeps.
MAX_COMMAND = 300


def journal_path(library: str | os.PathLike[str]) -> Path:
    """The journal of the library at ``library``: ``library.journal.jsonl`` beside it."""
    path = Path(library)
    return path.with_name(f"{path.stem}.journal.jsonl")


def _host_name() -> str:
    """The machine's name, as ``socket.gethostname()`` gives it (without importing socket)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


@dataclass(frozen=True)
class PaperChange:
    """What one command changed in one paper: the changed fields, before and after.

    ``before``/``after`` hold the values of ``fields`` (a field missing from the
    record is missing from the dict); ``None`` means the paper did not exist
    (added, or removed). ``key`` is the paper's key after the change (before it, if
    removed); a change of key shows as the field ``key``.
    """

    key: str
    fields: tuple[str, ...]
    before: Record | None
    after: Record | None

    @property
    def key_before(self) -> str:
        """The paper's key before the change."""
        return str(self.before.get("key", self.key)) if self.before else self.key

    def to_json(self) -> dict[str, Any]:
        """The JSON form; a paper added or removed has no ``fields``: its record says them."""
        data: dict[str, Any] = {"key": self.key}
        if self.before is not None and self.after is not None:
            data["fields"] = list(self.fields)
        data["before"] = self.before
        data["after"] = self.after
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaperChange:
        """Read the JSON form (``ValueError`` if it is not one)."""
        before, after = data.get("before"), data.get("after")
        whole = after if before is None else before if after is None else None
        fields = sorted(whole) if isinstance(whole, dict) else data.get("fields")
        if (
            not isinstance(data.get("key"), str)
            or not isinstance(fields, list)
            or not all(isinstance(name, str) for name in fields)
            or not (before is None or isinstance(before, dict))
            or not (after is None or isinstance(after, dict))
        ):
            raise ValueError("not a paper change")
        return cls(str(data["key"]), tuple(fields), before, after)


_MISSING = object()


def _stored(record: Record, name: str) -> object:
    """A record's value of ``name``; an empty list or null reads as the field's absence.

    A record written before a field existed (``aliases``, ``conflicts``, ``edited``,
    ``pdf``) lacks it, and reads as having it empty: writing it empty is no change.
    """
    value = record.get(name, _MISSING)
    return _MISSING if value is None or value == [] else value


def diff_records(before: Record | None, after: Record | None) -> PaperChange | None:
    """The change from one stored record to another (``None``: nothing changed)."""
    if before is None and after is None:
        return None
    if before is None or after is None:
        whole = after if before is None else before  # read only: an import makes 50,000
        assert whole is not None
        return PaperChange(str(whole.get("key", "")), tuple(sorted(whole)), before, after)
    names = sorted(
        name for name in {*before, *after} if _stored(before, name) != _stored(after, name)
    )
    if not names:
        return None
    return PaperChange(
        str(after.get("key", "")),
        tuple(names),
        {name: before[name] for name in names if name in before},
        {name: after[name] for name in names if name in after},
    )


#: Where a journal line's body starts: header fields come first, then the changes.
_BODY = b',"changes":'


class Entry:
    """One command's line in the journal.

    A line is one JSON object: the header (id, time, machine, command, what it undid
    or redid, how many papers it changed, and the length of the rest), then
    ``changes`` and ``texts``. Listing commands and working out what can be undone
    read only the headers; the changes are read when asked for.
    """

    __slots__ = ("_body", "_changes", "_texts", "command", "id", "machine", "papers", "redoes",
                 "time", "undoes")  # fmt: skip

    def __init__(
        self,
        id: str,
        time: str,
        machine: str,
        command: str,
        changes: Sequence[PaperChange] = (),
        *,
        undoes: Sequence[str] = (),
        redoes: Sequence[str] = (),
        texts: Mapping[str, str] | None = None,
        papers: int | None = None,
        body: bytes | None = None,
    ) -> None:
        """An entry; read from a line, ``body`` holds its changes and texts, unread yet."""
        self.id = id
        #: UTC, ISO 8601 to the second.
        self.time = time
        self.machine = machine
        self.command = command
        #: The entries this one undid (an undo), or redid (a redo).
        self.undoes = tuple(undoes)
        self.redoes = tuple(redoes)
        #: How many papers it changed.
        self.papers = len(changes) if papers is None else papers
        self._changes: tuple[PaperChange, ...] | None = None if body else tuple(changes)
        self._texts: dict[str, str] | None = None if body else dict(texts or {})
        self._body = body

    @classmethod
    def new(
        cls,
        command: str,
        changes: Iterable[PaperChange],
        *,
        undoes: Sequence[str] = (),
        redoes: Sequence[str] = (),
        texts: Mapping[str, str] | None = None,
    ) -> Entry:
        """An entry made now on this machine."""
        now = datetime.now(UTC)
        # An argument in bytes that are not UTF-8 (a file name) is kept escaped: \xff.
        command = command.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        if len(command) > MAX_COMMAND:  # a paste of a hundred identifiers, say
            command = command[: MAX_COMMAND - 1] + "…"
        return cls(
            f"{now:%Y%m%dT%H%M%S%f}-{os.urandom(3).hex()}",  # as secrets.token_hex(3)
            now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            _host_name(),
            command,
            tuple(changes),
            undoes=undoes,
            redoes=redoes,
            texts=texts,
        )

    @property
    def changes(self) -> tuple[PaperChange, ...]:
        """What it changed, paper by paper (read from the line on first use)."""
        if self._changes is None:
            self._read_body()
        assert self._changes is not None
        return self._changes

    @property
    def texts(self) -> dict[str, str]:
        """The abstracts this save stopped naming, by digest, so an undo can bring them back."""
        if self._texts is None:
            self._read_body()
        assert self._texts is not None
        return self._texts

    def _read_body(self) -> None:
        try:
            body = orjson.loads(self._body or b"{}")
            changes, texts = _body_parts(body)
        except (orjson.JSONDecodeError, ValueError):
            changes, texts = (), {}  # edited by hand into nonsense: nothing to undo
        self._changes, self._texts, self._body = changes, texts, None

    def _header(self) -> dict[str, Any]:
        header: dict[str, Any] = {
            "id": self.id,
            "time": self.time,
            "machine": self.machine,
            "command": self.command,
        }
        if self.undoes:
            header["undoes"] = list(self.undoes)
        if self.redoes:
            header["redoes"] = list(self.redoes)
        header["papers"] = self.papers
        return header

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as ``history --json`` shows it."""
        data = self._header()
        data["changes"] = [change.to_json() for change in self.changes]
        if self.texts:
            data["texts"] = self.texts
        return data

    def to_line(self) -> bytes:
        """The journal line: the header with the body's length, then the body; a newline."""
        body: dict[str, Any] = {"changes": [change.to_json() for change in self.changes]}
        if self.texts:
            body["texts"] = self.texts
        rest = orjson.dumps(body)[1:]  # '"changes":[…]…}'
        header = self._header()
        header["body"] = len(rest) + 1
        return orjson.dumps(header)[:-1] + b"," + rest + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> Entry:
        """Read one journal line (``ValueError`` if torn or not an entry).

        Only the header is parsed; a line whose body is not as long as its header
        says was torn by a kill.
        """
        cut = line.find(_BODY)
        if cut < 0:
            raise ValueError("not an entry")
        header = orjson.loads(line[:cut] + b"}")
        if not isinstance(header, dict):
            raise ValueError("not an entry")
        if header.get("body") != len(line) - cut:
            raise ValueError("a torn line")
        fields = [header.get(name) for name in ("id", "time", "machine", "command")]
        undoes, redoes = header.get("undoes", []), header.get("redoes", [])
        papers = header.get("papers")
        if (
            not all(isinstance(text, str) for text in fields)
            or not isinstance(undoes, list)
            or not isinstance(redoes, list)
            or type(papers) is not int
        ):
            raise ValueError("not an entry")
        id, time, machine, command = (str(text) for text in fields)
        return cls(
            id,
            time,
            machine,
            command,
            undoes=[str(i) for i in undoes],
            redoes=[str(i) for i in redoes],
            papers=papers,
            body=b"{" + line[cut + 1 :],
        )

    def unread_body(self) -> bytes | None:
        """The line's changes and texts as JSON, while not decoded yet (else ``None``)."""
        return self._body

    def mentions(self, needles: Collection[bytes]) -> bool:
        """Whether the entry may name one of ``needles`` (JSON strings, as ``orjson`` writes them).

        A byte search of the undecoded line: no false "no" for a journal readlist wrote.
        """
        if self._body is None:
            return any(orjson.dumps(key) in needles for key in self.keys)
        return any(needle in self._body for needle in needles)

    @property
    def keys(self) -> list[str]:
        """The keys of the papers changed (before and after a change of key)."""
        return list(dict.fromkeys(k for c in self.changes for k in (c.key_before, c.key)))


def _body_parts(body: object) -> tuple[tuple[PaperChange, ...], dict[str, str]]:
    """The changes and texts of a line's body (``ValueError`` if it is not one)."""
    if not isinstance(body, dict):
        raise ValueError("not an entry")
    changes, texts = body.get("changes"), body.get("texts", {})
    if not isinstance(changes, list) or not isinstance(texts, dict):
        raise ValueError("not an entry")
    if not all(isinstance(text, str) for text in texts.values()):
        raise ValueError("not an entry")
    return tuple(PaperChange.from_json(c) for c in changes), {str(d): t for d, t in texts.items()}


class Journal:
    """The journal file of one library; the caller holds the library's lock to append."""

    def __init__(
        self, path: str | os.PathLike[str], horizon_days: Callable[[], int] | None = None
    ) -> None:
        """The journal at ``path``; ``horizon_days`` says how many days compaction keeps."""
        self.path = Path(path)
        self._horizon_days = horizon_days or (lambda: DEFAULT_HORIZON_DAYS)

    def append(self, entry: Entry, *, compact: bool = True) -> None:
        """Add ``entry`` as one line, flushed to disk; compact first on a day's first save."""
        if compact:
            self._compact_if_new_day()
        line = entry.to_line()
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # the last append was torn by a kill: start afresh
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_folder(self.path.parent)

    def entries(self) -> list[Entry]:
        """Every readable entry, oldest first; torn or garbled lines are skipped."""
        return [entry for _, entry in self._lines()]

    def _lines(self) -> list[tuple[bytes, Entry]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError:
            return []  # history is never worth failing a save over
        lines = []
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                lines.append((line, Entry.from_line(line)))
            except (orjson.JSONDecodeError, ValueError):
                continue
        return lines

    def texts(self) -> dict[str, str]:
        """Every abstract text the journal keeps, by digest."""
        return {digest: text for entry in self.entries() for digest, text in entry.texts.items()}

    def _compact_if_new_day(self) -> None:
        try:
            modified = datetime.fromtimestamp(self.path.stat().st_mtime, UTC).date()
        except OSError:
            return
        if modified != datetime.now(UTC).date():
            self.compact()

    def compact(self, now: datetime | None = None) -> int:
        """Drop entries older than the horizon (atomically); returns how many were dropped."""
        now = now or datetime.now(UTC)
        horizon = now - timedelta(days=self._horizon_days())
        cutoff = horizon.replace(microsecond=0).isoformat().replace("+00:00", "Z")
        lines = self._lines()
        kept = [line for line, entry in lines if entry.time >= cutoff]
        if len(kept) == len(lines):
            with contextlib.suppress(OSError):
                os.utime(self.path)  # checked today: not again until tomorrow
            return 0
        atomic_write(self.path, b"".join(line + b"\n" for line in kept))
        return len(lines) - len(kept)


def undo_state(entries: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """The commands that can be undone and those that can be redone, each oldest first.

    A new command clears what can be redone; an undo moves its entries to the redo
    stack, a redo moves them back.
    """
    by_id: dict[str, Entry] = {}
    done: dict[str, Entry] = {}
    undone: dict[str, Entry] = {}
    for entry in entries:
        by_id[entry.id] = entry
        if entry.undoes:
            for target in entry.undoes:
                if done.pop(target, None) is not None:
                    undone[target] = by_id[target]
        elif entry.redoes:
            for target in entry.redoes:
                if undone.pop(target, None) is not None:
                    done[target] = by_id[target]
        elif entry.papers:
            done[entry.id] = entry
            undone.clear()
    return list(done.values()), list(undone.values())


def describe_change(change: PaperChange) -> str:
    """One paper's change in a few words: ``K: +ml -old``, ``K: unread → read``, ``K added``."""
    if change.before is None:
        return f"{change.key} added"
    if change.after is None:
        return f"{change.key} removed"
    before, after = change.before, change.after
    parts = []
    for name in change.fields:
        if name == "updated":
            continue
        if name == "tags" and isinstance(before.get("tags", []), list):
            old, new = set(before.get("tags") or []), set(after.get("tags") or [])
            parts += [f"+{tag}" for tag in sorted(new - old)]
            parts += [f"-{tag}" for tag in sorted(old - new)]
        elif name == "status":
            parts.append(f"{before.get('status')} → {after.get('status')}")
        elif name == "key":
            parts.append(f"key was {before.get('key')}")
        elif name != "read_at":
            parts.append(name)
    return f"{change.key}: {' '.join(parts) or 'touched'}"


def describe_entry(entry: Entry, *, most: int = 3) -> str:
    """What an entry changed, in one line (the first ``most`` papers, then a count)."""
    shown = [describe_change(change) for change in entry.changes[:most]]
    more = len(entry.changes) - most
    if more > 0:
        shown.append(f"… {more} more papers")
    return "; ".join(shown) or "nothing changed"


def journal_replacement(
    library: Path,
    before: Mapping[str, Record],
    after: Mapping[str, Record],
    command: str,
    *,
    texts: Mapping[str, str] | None = None,
) -> None:
    """Journal records replaced outside :class:`Library` (a restore, ``doctor --fix``, a sync).

    ``before``/``after`` are records by key (a key in only one of them: a paper
    added or removed). ``texts`` are the abstracts stored before the change, by
    digest (by default the abstracts file as it is now: a sync merge leaves both
    sides' texts there): those the change stops naming are kept in the entry, so
    that an undo can bring them back after the abstracts file dropped them.
    The caller holds the lock. No compaction: the settings' horizon is not known here.
    """
    changes = [
        change
        for key in dict.fromkeys([*before, *after])
        if (change := diff_records(before.get(key), after.get(key))) is not None
    ]
    if changes:
        dropped = dropped_digests(changes)
        if dropped and texts is None:
            from readlist.store.abstracts import stored_texts  # only when texts are dropped

            texts = stored_texts(abstracts_path(library))
        kept = {digest: text for digest, text in (texts or {}).items() if digest in dropped}
        entry = Entry.new(command, changes, texts=kept)
        Journal(journal_path(library)).append(entry, compact=False)


def records_by_key(papers: object) -> dict[str, Record]:
    """The paper records of a papers table by key (records that are not papers left out)."""
    if not isinstance(papers, dict):
        return {}
    return {
        str(doc["key"]): doc
        for doc in papers.values()
        if isinstance(doc, dict) and isinstance(doc.get("key"), str)
    }


def dropped_digests(changes: Iterable[PaperChange]) -> set[str]:
    """The abstract digests these changes stop naming (a removed paper's, a replaced one).

    A record edited by hand may name its abstract by something that is not text (a
    list, say): that names nothing.
    """
    named = [
        ((c.before or {}).get(ABSTRACT_REF), (c.after or {}).get(ABSTRACT_REF)) for c in changes
    ]
    before = {digest for digest, _ in named if isinstance(digest, str)}
    after = {digest for _, digest in named if isinstance(digest, str)}
    return before - after
