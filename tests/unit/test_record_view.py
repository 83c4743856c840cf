"""The records file read unparsed and saved by splicing: the same bytes as a whole save."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.format import META_TABLE, PAPERS_TABLE, meta_record
from readlist.store.record_view import LazyRecords, digest_path, encode_record
from readlist.store.storage import SafeJSONStorage

# Text with what JSON escapes (quotes, backslashes, controls, newlines) and wide characters.
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
records = st.builds(
    lambda key, fields: {"key": key, **fields},
    text,
    st.dictionaries(text.filter(lambda name: name not in ("key", "abstract")), json_values),
)
slow = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tables_of(papers: list[Any]) -> dict[str, Any]:
    return {PAPERS_TABLE: {str(n + 1): record for n, record in enumerate(papers)}}


def whole(tables: dict[str, Any]) -> bytes:
    """The bytes of a whole save of ``tables``, as the storage writes them."""
    return orjson.dumps({**tables, META_TABLE: meta_record("library")}, option=orjson.OPT_INDENT_2)


@slow
@given(
    papers=st.lists(records, min_size=1, max_size=6, unique_by=lambda r: r["key"]),
    changes=st.lists(st.tuples(st.integers(0, 5), records), min_size=1, max_size=3),
)
def test_a_spliced_save_is_byte_for_byte_a_whole_save(
    tmp_path_factory: pytest.TempPathFactory,
    papers: list[dict[str, Any]],
    changes: list[tuple[int, dict[str, Any]]],
) -> None:
    path = tmp_path_factory.mktemp("splice") / "library.json"
    SafeJSONStorage(path).write(tables_of(papers))
    storage = SafeJSONStorage(path)
    view = storage.read_view()
    assert view is not None
    assert view.ids == {record["key"]: n + 1 for n, record in enumerate(papers)}
    assert all(view.record(n + 1) == record for n, record in enumerate(papers))
    expected = tables_of(papers)
    replace = {}
    for at, record in changes:
        doc_id = at % len(papers) + 1
        replace[doc_id] = expected[PAPERS_TABLE][str(doc_id)] = record
    storage.write_spliced(view, replace)
    assert path.read_bytes() == whole(expected)
    # The file it leaves is trusted again, and reads as it was written.
    again = SafeJSONStorage(path).read_view()
    assert again is not None
    assert all(again.record(doc_id) == record for doc_id, record in replace.items())


@slow
@given(record=records)
def test_a_record_is_encoded_as_it_stands_in_the_file(record: dict[str, Any]) -> None:
    file = orjson.dumps({"papers": {"7": record}}, option=orjson.OPT_INDENT_2)
    assert b'"7": ' + encode_record(record) in file


def saved(tmp_path: Path, papers: list[Any]) -> Path:
    path = tmp_path / "library.json"
    SafeJSONStorage(path).write(tables_of(papers))
    return path


RECORDS: list[dict[str, Any]] = [
    {"key": "a2024x", "title": "A"},
    {"key": "b2024y", "title": "B", "tags": []},
]


def test_bytes_not_those_last_saved_are_parsed_whole(tmp_path: Path) -> None:
    path = saved(tmp_path, RECORDS)
    assert SafeJSONStorage(path).read_view() is not None
    # The same data laid out otherwise (a hand edit, another program): parsed whole.
    path.write_bytes(orjson.dumps({**tables_of(RECORDS), META_TABLE: meta_record("library")}))
    storage = SafeJSONStorage(path)
    assert storage.read_view() is None
    assert storage.read() == {**tables_of(RECORDS), META_TABLE: meta_record("library")}
    # A one-byte edit in the canonical layout: the digest no longer matches.
    path.write_bytes(whole(tables_of(RECORDS)).replace(b'"A"', b'"C"'))
    assert SafeJSONStorage(path).read_view() is None
    # No digest file, or one that names something else.
    saved(tmp_path, RECORDS)
    digest_path(path).unlink()
    assert SafeJSONStorage(path).read_view() is None
    digest_path(path).write_bytes(b"readlist-digest 1 sha1:0000\n")
    assert SafeJSONStorage(path).read_view() is None


@pytest.mark.parametrize(
    "papers",
    [
        [{"key": "a"}, {"title": "no key"}],
        [{"key": "a"}, {"key": 5}],
        [{"key": "a"}, "not a record"],
        [{"key": "a"}, {}],
        [{"key": "a", "abstract": "inline, as schema 1 kept it"}],
        [],
    ],
)
def test_layouts_it_does_not_expect_are_parsed_whole(
    tmp_path: Path, papers: list[dict[str, Any]]
) -> None:
    path = saved(tmp_path, papers)  # saved by readlist: the digest matches
    assert digest_path(path).exists()
    assert SafeJSONStorage(path).read_view() is None


def test_other_tables_and_ids_are_parsed_whole(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    SafeJSONStorage(path).write({**tables_of(RECORDS), "other": {"1": {"x": 1}}})
    assert SafeJSONStorage(path).read_view() is None
    SafeJSONStorage(path).write({PAPERS_TABLE: {"one": RECORDS[0]}})
    assert SafeJSONStorage(path).read_view() is None


def test_lazy_records_parse_only_what_is_asked(tmp_path: Path) -> None:
    path = saved(tmp_path, RECORDS)
    view = SafeJSONStorage(path).read_view()
    assert view is not None
    lazy = LazyRecords(view)
    assert list(lazy) == ["a2024x", "b2024y"] and "a2024x" in lazy and len(lazy) == 2
    assert lazy._parsed == {}
    assert lazy["b2024y"] == RECORDS[1] and list(lazy._parsed) == ["b2024y"]
    lazy["c"] = {"key": "c"}
    del lazy["a2024x"]
    assert dict(lazy) == {"b2024y": RECORDS[1], "c": {"key": "c"}}
    with pytest.raises(KeyError):
        lazy["a2024x"]


# -- through the Library: lean and whole reads give the same files ---------------------


def a_paper(n: int) -> Paper:
    return Paper(
        title=f'Paper {n}: "quoted" \\ and Zoë [bold]', authors=["Łukasz K"], published="2024"
    )


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("readlist.store.library.now_iso", lambda: "2026-01-02T03:04:05+00:00")


operations = st.lists(
    st.tuples(
        st.sampled_from(["tag", "untag", "mark", "note"]),
        st.integers(0, 3),
        st.sampled_from(["x", "to read", "Zoë", "[bold]"]),
    ),
    min_size=1,
    max_size=6,
)


def apply(library: Library, keys: list[str], op: str, at: int, word: str) -> None:
    key = keys[at % len(keys)]
    if op == "tag":
        library.add_tags([key], [word])
    elif op == "untag":
        library.remove_tags([key], [word])
    elif op == "mark":
        library.set_status([key], Status.READING if len(word) % 2 else Status.READ)
    else:
        library.set_note(key, f"note {word}\nline")


@settings(
    max_examples=25,
    deadline=None,
    # The clock stays frozen for every example: nothing to reset.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=operations)
def test_lean_changes_write_what_whole_ones_write(
    tmp_path_factory: pytest.TempPathFactory, frozen_clock: None, ops: list[Any]
) -> None:
    folder = tmp_path_factory.mktemp("lean")
    base = folder / "base" / "library.json"
    keys = Library(base).import_papers([a_paper(n) for n in range(4)]).added
    lean, full = folder / "lean" / "library.json", folder / "full" / "library.json"
    shutil.copytree(base.parent, lean.parent)
    shutil.copytree(base.parent, full.parent)
    for op, at, word in ops:  # a fresh library each time, as each command opens one
        apply(Library(lean, lean=True), keys, op, at, word)
        apply(Library(full), keys, op, at, word)
        assert lean.read_bytes() == full.read_bytes()
    lean_library = Library(lean, lean=True)
    lean_library.refresh()
    assert isinstance(lean_library._docs, LazyRecords)  # it did read unparsed
    assert [p.to_dict() for p in Library(lean).papers()] == [
        p.to_dict() for p in Library(full).papers()
    ]


def test_a_lean_change_keeps_what_another_process_saved_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    keys = Library(path).import_papers([a_paper(n) for n in range(3)]).added
    first, second = Library(path, lean=True), Library(path, lean=True)
    assert first.tags_of(keys[0]) == second.tags_of(keys[1]) == []  # both have read it
    first.add_tags([keys[0]], ["one"])
    second.add_tags([keys[1]], ["two"])
    second.set_status([keys[2]], Status.READ)
    reopened = Library(path)
    assert reopened.tags_of(keys[0]) == ["one"] and reopened.tags_of(keys[1]) == ["two"]
    assert reopened.get(keys[2]).status is Status.READ


def test_a_lean_change_keeps_a_hand_edit(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    keys = Library(path).import_papers([a_paper(n) for n in range(2)]).added
    Library(path, lean=True).add_tags([keys[0]], ["before"])
    data = orjson.loads(path.read_bytes())
    data[PAPERS_TABLE]["2"]["title"] = "Edited by hand"
    path.write_bytes(orjson.dumps(data))  # laid out otherwise, digest stale
    library = Library(path, lean=True)
    library.add_tags([keys[0]], ["after"])
    assert not isinstance(library._docs, LazyRecords)  # it parsed the file whole
    assert Library(path).get(keys[1]).title == "Edited by hand"
    assert path.read_bytes() == orjson.dumps(
        orjson.loads(path.read_bytes()), option=orjson.OPT_INDENT_2
    )
    # The save named the digest again: the next change reads unparsed.
    library = Library(path, lean=True)
    library.add_tags([keys[1]], ["x"])
    assert isinstance(library._docs, LazyRecords)
    assert Library(path).get(keys[1]).title == "Edited by hand"


def test_a_lean_library_that_imports_or_removes_saves_whole(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    keys = Library(path).import_papers([a_paper(n) for n in range(2)]).added
    library = Library(path, lean=True)
    library.add_tags([keys[0]], ["t"])
    added = library.import_papers([a_paper(9)]).added
    library.remove([keys[1]])
    library.add_tags(added, ["u"])
    expected = {keys[0]: ["t"], added[0]: ["u"]}
    reopened = Library(path)
    assert {p.key: p.tags for p in reopened.papers()} == expected
    assert path.read_bytes() == orjson.dumps(
        orjson.loads(path.read_bytes()), option=orjson.OPT_INDENT_2
    )


def test_going_through_many_records_parses_the_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist.store import record_view

    path = tmp_path / "library.json"
    keys = Library(path).import_papers([a_paper(n) for n in range(60)]).added
    Library(path).add_tags([keys[0]], ["x"])  # saved with its digest
    found: list[int] = []
    span = record_view.RecordView.span

    def counting(self: record_view.RecordView, doc_id: int) -> tuple[int, int]:
        found.append(doc_id)
        return span(self, doc_id)

    monkeypatch.setattr(record_view.RecordView, "span", counting)
    library = Library(path, lean=True)
    assert library.resolve_key(keys[59]) == keys[59]
    assert found == []  # an exact key: nothing parsed
    assert library.tags_of(keys[0]) == ["x"] and len(found) == 1
    # A prefix that is no key looks at every alias: the file is parsed whole, not
    # searched once per record.
    assert library.alias_of("no-such-alias") is None
    assert len(found) < len(keys) // 2  # not one search per record
    assert isinstance(library._docs, LazyRecords)
    assert [p.key for p in library.papers()] == keys
    assert len(found) < len(keys) // 2  # not one search per record


alias_values = st.one_of(
    json_values, st.lists(st.one_of(st.sampled_from(["a", "b", "k0", "k1"]), json_values))
)
records_with_aliases = st.builds(
    lambda key, fields, aliases: {"key": key, **fields, **aliases},
    st.sampled_from(["k0", "k1", "k2", "k3"]),  # keys repeat: the last record counts
    st.dictionaries(st.sampled_from(["title", "tags"]), json_values),
    st.one_of(st.just({}), st.builds(lambda value: {"aliases": value}, alias_values)),
)


@slow
@given(
    papers=st.lists(records_with_aliases, min_size=1, max_size=6),
    changed=st.lists(st.tuples(st.sampled_from(["k0", "k1", "k9"]), records_with_aliases)),
    removed=st.lists(st.sampled_from(["k0", "k2"]), max_size=1),
)
def test_aliases_found_by_their_lines_are_those_of_the_records(
    tmp_path_factory: pytest.TempPathFactory,
    papers: list[dict[str, Any]],
    changed: list[tuple[str, dict[str, Any]]],
    removed: list[str],
) -> None:
    from readlist.store.records import alias_index

    path = tmp_path_factory.mktemp("aliases") / "library.json"
    SafeJSONStorage(path).write(tables_of(papers))
    view = SafeJSONStorage(path).read_view()
    assert view is not None
    docs: dict[str, dict[str, Any]] = {}
    for record in papers:  # as Library.refresh reads them
        docs[record["key"]] = record
    lazy = LazyRecords(view)
    for key, record in changed:  # changes saved since, kept beside the view
        docs[key] = lazy[key] = record
    for key in removed:
        if key in docs:
            del docs[key], lazy[key]
    assert lazy.alias_index() == alias_index(docs)
