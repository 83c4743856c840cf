"""Tables read and written in pieces give exactly what orjson gives in one call."""

from __future__ import annotations

import threading
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.store import chunked_json
from readlist.store.chunked_json import dumps_tables, loads_tables

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # no lone surrogates
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
TABLES = st.dictionaries(TEXT, st.dictionaries(TEXT, VALUES, max_size=30), max_size=4)


@pytest.fixture(autouse=True)
def _small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of a few entries, so small examples are cut many times."""
    monkeypatch.setattr(chunked_json, "PIECE_BYTES", 40)
    monkeypatch.setattr(chunked_json, "PIECE_ENTRIES", 3)


@settings(max_examples=300, deadline=None)
@given(TABLES)
def test_written_in_pieces_are_the_same_bytes(tables: dict[str, Any]) -> None:
    assert dumps_tables(tables) == orjson.dumps(tables, option=orjson.OPT_INDENT_2)


@settings(max_examples=300, deadline=None)
@given(TABLES)
def test_read_in_pieces_is_the_same_data(tables: dict[str, Any]) -> None:
    raw = orjson.dumps(tables, option=orjson.OPT_INDENT_2)
    read = loads_tables(raw)
    assert read == orjson.loads(raw)
    assert list(read) == list(tables)
    for name, table in tables.items():
        assert list(read[name]) == list(table)  # the order of the records is kept


@pytest.mark.parametrize(
    "raw",
    [
        b'{"papers": {"1": {"key": "a"}}}',  # not indented: parsed whole
        b'{\n    "papers": {\n        "1": 2\n    }\n}',  # indented by four
        b'{\n  "papers": [\n    1\n  ]\n}',  # a table that is a list
        b'{\n  "papers": {\n    "1": {"k": 1},\n    "2": 2\n  },\n  "m": {}\n}',
    ],
)
def test_other_layouts_read_as_orjson_reads_them(raw: bytes) -> None:
    assert loads_tables(raw) == orjson.loads(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{\n  "papers": {\n    "1": {\n      "k": 1\n    }\n    "2": 2\n  }\n}',  # no comma
        b'{\n  "papers": {\n    "1": 1,\n    "2": 2\n  }\n',  # cut short
        b'{\n  "papers": {\n    "1": 1,\n    "2": 2\n  }\n}x',  # trailing junk
        b'{\n  xx"papers": {\n    "1": 1\n  }\n}',
    ],
)
def test_damage_is_the_error_orjson_gives(raw: bytes) -> None:
    with pytest.raises(orjson.JSONDecodeError) as whole:
        orjson.loads(raw)
    with pytest.raises(orjson.JSONDecodeError) as pieces:
        loads_tables(raw)
    assert str(pieces.value) == str(whole.value)


def test_parsed_whole_is_one_call_on_its_thread_only(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = dumps_tables({"papers": {str(n): {"key": f"k{n}"} for n in range(500)}})
    pieces: list[bytes] = []
    in_pieces = chunked_json._loads_in_pieces

    def counted(data: bytes) -> dict[str, Any]:
        pieces.append(data)
        return in_pieces(data)

    monkeypatch.setattr(chunked_json, "_loads_in_pieces", counted)
    with chunked_json.parsed_whole():
        assert loads_tables(raw) == orjson.loads(raw)
        assert not pieces  # one orjson call
        seen: list[int] = []
        other = threading.Thread(target=lambda: seen.append(len(loads_tables(raw)["papers"])))
        other.start()
        other.join()
        assert seen == [500] and len(pieces) == 1  # another thread still parses in pieces
    assert loads_tables(raw) == orjson.loads(raw)
    assert len(pieces) == 2  # and so does this one afterwards


def test_the_hook_runs_between_pieces_and_only_while_set() -> None:
    raw = dumps_tables({"papers": {str(n): {"key": f"k{n}" * 200} for n in range(500)}})
    calls: list[int] = []
    chunked_json.between_pieces(lambda: calls.append(1))
    try:
        assert loads_tables(raw) == orjson.loads(raw)
        parsed = len(calls)
        assert parsed > 1
        assert dumps_tables(orjson.loads(raw)) == raw
        assert len(calls) > parsed
    finally:
        chunked_json.between_pieces(None)
    before = len(calls)
    loads_tables(raw)
    assert len(calls) == before
