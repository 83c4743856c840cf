"""The records file read without parsing it: each record's place, one parsed when asked for.

A change to one paper (``tag``, ``mark``) used to parse the whole records file
(35 ms at 10,000 papers, 0.2 s at 50,000) and encode it all again. When the file's
bytes are exactly those readlist last wrote, their layout is known
(``orjson.OPT_INDENT_2``: a line's indentation is its depth, and no string holds a
raw newline), so :func:`scan` finds each record and its key from the lines alone,
:meth:`RecordView.record` parses one record, and :meth:`RecordView.splice` writes
the file with a few records replaced and every other byte kept: the same bytes as
encoding the whole library again.

"Exactly the bytes readlist last wrote" is checked, never assumed: every save writes
the SHA-1 of what it wrote to ``<library>.digest`` beside it (:func:`write_digest`),
and :func:`scan` refuses bytes whose digest differs (edited by hand, written by an
older readlist, restored, merged by a sync...). It also refuses any layout it does
not expect (another table, an empty papers table, an id that is not a number, a
record that is not an object or has no text key, an abstract inline): the caller
then parses the file whole, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import orjson

#: The first line of the file, up to the papers table's first entry.
_HEAD = b'{\n  "papers": {\n'
_INLINE_ABSTRACT = b'\n      "abstract": '
_DIGEST_HEADER = b"readlist-digest 1 sha1:"

Record = dict[str, Any]


def digest_path(library: str | os.PathLike[str]) -> Path:
    """The file beside the library naming the digest of the bytes last saved to it."""
    path = Path(library)
    return path.with_name(f"{path.stem}.digest")


def file_digest(pieces: Sequence[bytes | memoryview] | bytes) -> str:
    """The SHA-1 of the bytes, given whole or as the pieces written one after the other."""
    digest = hashlib.sha1(usedforsecurity=False)
    for piece in [pieces] if isinstance(pieces, bytes) else pieces:
        digest.update(piece)
    return digest.hexdigest()


def write_digest(library: Path, digest: str) -> None:
    """Name ``digest`` as that of the library's bytes (best effort: a failure only slows).

    Written after the library itself; a digest file lost or left behind by a crash
    names bytes the library no longer holds, so it is simply not trusted.
    """
    target = digest_path(library)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(_DIGEST_HEADER + digest.encode() + b"\n")
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def forget_digest(library: Path) -> None:
    """Remove the digest file (the library was written in a way that names no digest)."""
    with contextlib.suppress(OSError):
        digest_path(library).unlink()


def _trusted(raw: bytes, library: Path) -> bool:
    """Whether ``raw`` is exactly what the digest file beside ``library`` names."""
    try:
        named = digest_path(library).read_bytes()
    except OSError:
        return False
    if not named.startswith(_DIGEST_HEADER):
        return False
    return named[len(_DIGEST_HEADER) :].strip() == file_digest(raw).encode()


def meta_tail(meta: Mapping[str, Any]) -> bytes:
    """How the file ends after the papers table when its meta table is ``meta``."""
    dumped = orjson.dumps({"": {}, "_readlist": meta}, option=orjson.OPT_INDENT_2)
    # b'{\n  "": {},\n  "_readlist": {...}\n}' -> b',\n  "_readlist": {...}\n}'
    return dumped[dumped.index(b"{},") + 2 :]


#: How many records a view finds one by one before it parses the whole file instead.
FEW_RECORDS = 16


class RecordView:
    """The bytes of a records file, and the doc id of each key; records found when asked for."""

    def __init__(self, raw: bytes | list[memoryview], ids: dict[str, int], table_end: int) -> None:
        """The file's bytes (whole, or the pieces of a save), its keys' doc ids, its table end."""
        self._raw = raw
        #: The doc id of each key (the last record, if two have one key), in file order.
        self.ids = ids
        #: Where the papers table's entries end in :attr:`raw` (its closing line is next).
        self.table_end = table_end
        #: How many records were found one by one; past :data:`FEW_RECORDS`, all are parsed.
        self._lookups = 0
        self._papers: dict[str, Record] | None = None

    @property
    def raw(self) -> bytes:
        """The file's bytes (the pieces of a save are joined when first asked for)."""
        if not isinstance(self._raw, bytes):
            self._raw = b"".join(self._raw)
        return self._raw

    def span(self, doc_id: int) -> tuple[int, int]:
        """Where the record of ``doc_id`` lies in :attr:`raw`: from its ``{`` to after its ``}``."""
        entry = b'\n    "%d": {\n' % doc_id
        at = self.raw.find(entry, len(_HEAD) - 1, self.table_end)
        if at < 0:
            raise KeyError(doc_id)
        start = at + len(entry) - 2
        # The record's closing brace: the first line after it with exactly four spaces.
        end = self.raw.find(b"\n    }", start, self.table_end)
        if end < 0:
            raise KeyError(doc_id)
        return start, end + len(b"\n    }")

    def alias_lists(self) -> dict[int, list[Any]]:
        """The ``aliases`` list of each record that has a non-empty one, by doc id.

        Found by their lines (most records have none), without parsing the records.
        """
        found: dict[int, list[Any]] = {}
        raw = self.raw
        for match in _ALIASES.finditer(raw, len(_HEAD) - 1, self.table_end):
            entry = raw.rfind(b'\n    "', 0, match.start())
            doc_id = int(raw[entry + 6 : raw.index(b'"', entry + 6)])
            end = raw.index(b"\n      ]", match.end() - 1)
            found[doc_id] = orjson.loads(b"[" + raw[match.end() : end] + b"]")
        return found

    def record(self, doc_id: int) -> Record:
        """The record stored under ``doc_id``, parsed now.

        Finding a record searches the file from its start: a caller that goes through
        many (an alias looked up, every paper listed) gets the file parsed whole, once.
        """
        if self._papers is None:
            self._lookups += 1
            if self._lookups <= FEW_RECORDS:
                start, end = self.span(doc_id)
                parsed: Record = orjson.loads(self.raw[start:end])
                return parsed
            self._papers = orjson.loads(self.raw)["papers"]
        return self._papers[str(doc_id)]

    def splice(self, replace: Mapping[int, Record]) -> tuple[list[memoryview], RecordView | None]:
        """The file with the records of ``replace`` (by doc id) in place of the stored ones.

        The pieces to write one after the other, and the view of the bytes they make
        (``None`` when a replaced record changed its key: the file must be read again).
        """
        spans = sorted((self.span(doc_id), doc_id) for doc_id in replace)
        raw = memoryview(self.raw)  # pieces of it, not copies
        pieces: list[memoryview] = []
        at = 0
        growth = 0
        for (start, end), doc_id in spans:
            new = encode_record(replace[doc_id])
            pieces += [raw[at:start], memoryview(new)]
            growth += len(new) - (end - start)
            at = end
        pieces.append(raw[at:])
        keys = {doc_id: key for key, doc_id in self.ids.items() if doc_id in replace}
        if any(replace[doc_id].get("key") != key for doc_id, key in keys.items()):
            return pieces, None
        return pieces, RecordView(pieces, self.ids, self.table_end + growth)


def encode_record(record: Mapping[str, Any]) -> bytes:
    """A record as it stands in the file (at the depth of a papers-table entry)."""
    dumped = orjson.dumps({"": {"": record}}, option=orjson.OPT_INDENT_2)
    # b'{\n  "": {\n    "": {...}\n  }\n}' -> the object after the entry's name
    return dumped[len(b'{\n  "": {\n    "": ') : -len(b"\n  }\n}")]


#: Each entry of the papers table: its name and the first character of its value.
_ENTRIES = re.compile(rb'\n    "([^"\n]*)": (.)')
#: A record's non-empty list of aliases: its first line.
_ALIASES = re.compile(rb'\n      "aliases": \[\n')
#: Each record's key field: the rest of its line.
_KEYS = re.compile(rb'\n      "key": ([^\n]*)')


def scan(raw: bytes, library: Path, tail: bytes) -> RecordView | None:
    """The doc id of each key in ``raw``, if readlist wrote these exact bytes; else ``None``.

    ``tail`` is how the file must end after its papers table (:func:`meta_tail`).
    """
    if not raw.startswith(_HEAD) or not raw.endswith(b"\n  }" + tail):
        return None
    table_end = len(raw) - len(tail) - len(b"\n  }")
    start = len(_HEAD) - 1
    if raw.find(_INLINE_ABSTRACT, start, table_end) >= 0 or not _trusted(raw, library):
        return None
    entries = _ENTRIES.findall(raw, start, table_end)
    keys = _KEYS.findall(raw, start, table_end)
    # A record has one key field at most: as many as there are entries, each has one.
    if len(keys) != len(entries):
        return None
    if not all(doc_id.isdigit() and value == b"{" for doc_id, value in entries):
        return None
    texts = orjson.loads(b"[" + b",".join([key.removesuffix(b",") for key in keys]) + b"]")
    if not all(type(text) is str for text in texts):
        return None
    numbers = [int(doc_id) for doc_id, _ in entries]
    if len(set(numbers)) != len(numbers):
        return None
    return RecordView(raw, dict(zip(texts, numbers, strict=True)), table_end)


class LazyRecords(MutableMapping[str, Record]):
    """The records by key, each parsed from a :class:`RecordView` when first asked for.

    Changes are kept beside the view (which never changes): what it was made from
    stays readable whatever is saved later.
    """

    def __init__(self, view: RecordView) -> None:
        """The records of ``view``, none parsed yet."""
        self._view = view
        self._ids: dict[str, int | None] = dict(view.ids)
        self._parsed: dict[str, Record] = {}
        self._changed: set[str] = set()

    @property
    def view(self) -> RecordView:
        """The bytes the records were read from (without the changes since)."""
        return self._view

    def stored_id(self, key: str) -> int | None:
        """The doc id of ``key``'s record in :attr:`view`, when it is unchanged since."""
        return None if key in self._changed else self._ids.get(key)

    def __getitem__(self, key: str) -> Record:
        """The record of ``key``, parsed on first use."""
        record = self._parsed.get(key)
        if record is None:
            doc_id = self._ids[key]
            if doc_id is None:
                raise KeyError(key)
            record = self._parsed[key] = self._view.record(doc_id)
        return record

    def __setitem__(self, key: str, record: Record) -> None:
        """Put ``record`` in the place of ``key``'s."""
        self._ids.setdefault(key, None)
        self._parsed[key] = record
        self._changed.add(key)

    def __delitem__(self, key: str) -> None:
        """Forget the record of ``key``."""
        del self._ids[key]
        self._parsed.pop(key, None)

    def alias_index(self) -> dict[str, str]:
        """:func:`readlist.store.records.alias_index` of these records, none of them parsed."""
        lists = self._view.alias_lists()
        index: dict[str, str] = {}
        for key, doc_id in self._ids.items():
            if key in self._changed:
                aliases = self._parsed[key].get("aliases")
            else:
                aliases = lists.get(doc_id) if doc_id is not None else None
            if aliases and type(aliases) is list:
                for alias in aliases:
                    if type(alias) is str:
                        index.setdefault(alias, key)
        return index

    def __iter__(self) -> Iterator[str]:
        """The keys, in file order (new ones last)."""
        return iter(self._ids)

    def __len__(self) -> int:
        """How many records there are."""
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` has a record (nothing parsed)."""
        return key in self._ids
