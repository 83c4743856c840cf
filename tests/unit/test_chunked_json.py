"""Tables read and written in pieces give exactly what orjson gives in one call."""

from __future__ import annotations

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
