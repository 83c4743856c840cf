"""JSON of a file's tables read and written in pieces, so other threads run in between.

``orjson`` holds the GIL for a whole call: parsing a 50,000-paper library (40 MB)
in one call froze the interface thread for half a second while the library
thread reloaded it. The files readlist writes are indented by two spaces
(``orjson.OPT_INDENT_2``), which never puts a raw newline inside a string, so a
table's entries can be found by their indentation alone: each entry of a table
starts a line with exactly four spaces and a quote. :func:`loads_tables` parses
such a file a few hundred kilobytes at a time and gives what ``orjson.loads``
gives; anything laid out otherwise (edited by hand, damaged) is parsed whole,
so errors read as before. :func:`dumps_tables` writes the same bytes as
``orjson.dumps(data, option=orjson.OPT_INDENT_2)``, a few hundred entries at a time.

Between two pieces the thread calls the hook set with :func:`between_pieces` (if
any): the interface uses it to let its event loop finish a redraw before the
library thread takes the GIL again (two threads that both want the GIL each run at
half speed, so a 30 ms redraw became a 60 ms stall).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

#: About how many bytes one parsing call takes on (a few milliseconds of the GIL).
PIECE_BYTES = 64 * 1024
#: How many entries one writing call takes on.
PIECE_ENTRIES = 100

_ENTRY = b',\n    "'  # the end of one entry of a table and the start of the next
# A table's closing brace: the only line with exactly two spaces before a "}".
_TABLE_END = b"\n  }"
_INDENT = orjson.OPT_INDENT_2
# Entries dumped as the one table of an object are indented as in a file.
_WRAP_START, _WRAP_END = b'{\n  "": {\n', b"\n  }\n}"


#: Per thread: whether :func:`loads_tables` parses in one call (:func:`parsed_whole`).
_thread = threading.local()
#: Called between two pieces, see :func:`between_pieces`.
_between: Callable[[], None] | None = None


def between_pieces(
    hook: Callable[[], None] | None, *, replacing: Callable[[], None] | None = None
) -> None:
    """Call ``hook`` between two pieces parsed or written from now on (``None``: nothing).

    The hook is called on whichever thread parses or writes, and decides itself
    whether to wait (the interface's waits only on its library thread). With
    ``replacing``, only if that is the hook now (an app leaving takes its own away).
    """
    global _between
    if replacing is None or _between == replacing:
        _between = hook


def _give_way() -> None:
    hook = _between
    if hook is not None:
        hook()


class _Layout(ValueError):
    """The bytes are not laid out as :func:`dumps_tables` writes them."""


@contextmanager
def parsed_whole() -> Iterator[None]:
    """Within this, :func:`loads_tables` parses in one call on this thread.

    One call is faster (50,000 papers: about 0.21 s of CPU instead of 0.25 s) but
    holds the GIL throughout: for a first load, when nothing is on the screen yet.
    """
    before = getattr(_thread, "whole", False)
    _thread.whole = True
    try:
        yield
    finally:
        _thread.whole = before


def loads_tables(raw: bytes) -> Any:
    """``orjson.loads(raw)``, parsed table by table and piece by piece when laid out for it."""
    if getattr(_thread, "whole", False):
        return orjson.loads(raw)
    try:
        return _loads_in_pieces(raw)
    except (_Layout, orjson.JSONDecodeError):
        return orjson.loads(raw)


def _loads_in_pieces(raw: bytes) -> dict[str, Any]:
    if not raw.startswith(b'{\n  "'):
        raise _Layout
    tables: dict[str, Any] = {}
    pos = 2
    while True:
        line_end = raw.find(b"\n", pos)
        if line_end < 0:
            raise _Layout
        header = raw[pos:line_end]
        if not header.startswith(b'  "'):
            raise _Layout
        if header.endswith(b": {"):  # a table with entries, one per line below
            name = orjson.loads(header[2:-3])
            tables[name], pos = _table(raw, line_end + 1)
            if raw.startswith(b",\n", pos):
                pos += 2
                continue
        else:  # a one-line value (an empty table)
            one = orjson.loads(b"{" + header.removesuffix(b",") + b"}")
            tables.update(one)
            pos = line_end
            if header.endswith(b","):
                pos += 1
                continue
        if raw[pos:].strip() != b"}":
            raise _Layout
        return tables


def _table(raw: bytes, start: int) -> tuple[dict[str, Any], int]:
    """The entries from ``start`` to the table's closing brace; the offset after that brace."""
    entries: dict[str, Any] = {}
    pos = start
    while True:
        cut = raw.find(_ENTRY, pos + PIECE_BYTES)  # the first entry boundary past a piece
        end = raw.find(_TABLE_END, pos, cut if cut >= 0 else len(raw))
        if end >= 0:  # the table ends first
            entries.update(_piece(raw[pos:end]))
            return entries, end + len(_TABLE_END)
        if cut < 0:
            raise _Layout
        entries.update(_piece(raw[pos:cut]))
        pos = cut + 2  # past ",\n": the next entry's line
        _give_way()


def _piece(entries: bytes) -> dict[str, Any]:
    parsed = orjson.loads(b"{" + entries + b"}")
    if not isinstance(parsed, dict):
        raise _Layout
    return parsed


def dumps_tables(data: dict[str, Any]) -> bytes:
    """``orjson.dumps(data, option=orjson.OPT_INDENT_2)``, large tables a piece at a time."""
    return b"".join(dump_pieces(data))


def dump_pieces(data: dict[str, Any]) -> list[bytes]:
    """The bytes of :func:`dumps_tables` as pieces, to write one after the other.

    No call holds the GIL long: not even one to join the pieces, which copying
    40 MB would be.
    """
    large = {
        name: table
        for name, table in data.items()
        if isinstance(name, str) and isinstance(table, dict) and len(table) > PIECE_ENTRIES
    }
    skeleton = orjson.dumps(
        {name: ({} if name in large else table) for name, table in data.items()}, option=_INDENT
    )
    pieces: list[bytes] = []
    at = 0
    for name, table in large.items():
        empty = b"\n  " + orjson.dumps(name) + b": {}"
        start = skeleton.index(empty) + len(empty) - 2  # at the "{}" standing for the table
        pieces.append(skeleton[at:start])
        pieces += _table_pieces(table)
        at = start + 2
    pieces.append(skeleton[at:])
    return pieces


def _table_pieces(table: dict[str, Any]) -> list[bytes]:
    """A non-empty table as it stands at depth one of an indented file, in pieces."""
    items = list(table.items())
    pieces = [b"{\n"]
    for start in range(0, len(items), PIECE_ENTRIES):
        # Wrapped in a one-table object, the entries come out indented as in the file.
        dumped = orjson.dumps({"": dict(items[start : start + PIECE_ENTRIES])}, option=_INDENT)
        if start:
            pieces.append(b",\n")
        pieces.append(dumped[len(_WRAP_START) : -len(_WRAP_END)])
        _give_way()
    pieces.append(b"\n  }")
    return pieces
