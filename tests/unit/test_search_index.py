"""The search index file: it checks itself, and an entry's fingerprint covers its search text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.models import PAPER_FIELDS, Paper, Status
from readlist.paths import abstracts_path
from readlist.query import parse_query, search_text
from readlist.store import Library
from readlist.store import index as index_module
from readlist.store.abstracts import AbstractStore
from readlist.store.atomic import file_stamp
from readlist.store.index import (
    SEARCHED_FIELDS,
    SearchIndex,
    fingerprint,
    index_path,
    reads_abstracts_directly,
)

STAMP = (1, 2, 3)
ENTRIES = {"kim2024": ("0123456789abcdef", " sparse attention \n kim "), "x": ("f" * 16, "")}


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return SearchIndex(tmp_path / "library.search.json")


def test_the_index_sits_beside_the_library() -> None:
    assert index_path(Path("/d/library.json")) == Path("/d/library.search.json")
    assert index_path("/d/my.lib") == Path("/d/my.search.lib")


def test_entries_come_back_only_for_the_abstracts_they_were_built_against(
    index: SearchIndex,
) -> None:
    assert index.load(STAMP) == {}  # no file yet
    index.save(ENTRIES, STAMP)
    assert index.load(STAMP) == ENTRIES
    assert index.load((1, 2, 4)) == {}  # the abstracts file changed since
    assert index.load(None) == {}


def test_a_file_of_another_version_or_folding_or_damaged_is_not_used(index: SearchIndex) -> None:
    index.save(ENTRIES, STAMP)
    header, _, body = index.path.read_bytes().partition(b"\n")
    meta = orjson.loads(header)
    for changed in ({"version": meta["version"] + 1}, {"probe": meta["probe"] + "x"}):
        index.path.write_bytes(orjson.dumps({**meta, **changed}) + b"\n" + body)
        assert index.load(STAMP) == {}
    for damaged_body in (body[:-10], b"[1, 2]", b""):
        index.path.write_bytes(header + b"\n" + damaged_body)
        assert index.load(STAMP) == {}
    # Entries of the wrong shape are dropped, the others kept.
    shapes = {"a": ["d", "t"], "b": ["d"], "c": [1, "t"], "d": "text", "e": ["d", None]}
    index.path.write_bytes(header + b"\n" + orjson.dumps(shapes))
    assert index.load(STAMP) == {"a": ("d", "t")}


def test_restamp_carries_an_index_over_readlists_own_change_of_the_abstracts(
    index: SearchIndex,
) -> None:
    index.save(ENTRIES, STAMP)
    index.restamp((9, 9, 9), (4, 5, 6))  # built against other abstracts: left alone
    assert index.load(STAMP) == ENTRIES
    index.restamp(STAMP, (4, 5, 6))
    assert index.load((4, 5, 6)) == ENTRIES
    assert index.load(STAMP) == {}


def test_an_index_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    index = SearchIndex(blocked / "library.search.json")
    index.save(ENTRIES, STAMP)  # no exception: it is a cache
    index.restamp(STAMP, (4, 5, 6))
    assert index.load(STAMP) == {}


def test_file_stamp_changes_when_the_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "f"
    assert file_stamp(path) is None
    path.write_text("one")
    first = file_stamp(path)
    replacement = tmp_path / "g"
    replacement.write_text("two")
    replacement.replace(path)
    assert first is not None and file_stamp(path) not in (None, first)


def _record() -> dict[str, object]:
    paper = Paper(
        title="QLoRA: Efficient Finetuning",
        key="dettmers2023qlora",
        authors=["Tim Dettmers", "Zoë Müller"],
        affiliations=["uw"],
        category="cs.LG",
        published="2023-05-23",
        tags=["llm"],
        status=Status.READING,
        notes="read §3",
        added="2026-11-01T00:00:00+00:00",
        updated="2026-11-02T00:00:00+00:00",
    )
    record = paper.to_dict()
    del record["abstract"]
    record["abstract_ref"] = "0" * 20
    return record


# A changed value of each field of a record, of the field's own type.
_CHANGED: dict[str, object] = {
    "key": "other2020",
    "aliases": ["old2020"],
    "title": "SqueezeLLM",
    "authors": ["Sehoon Kim"],
    "authors_truncated": True,
    "affiliations": ["berkeley"],
    "category": "cs.CL",
    "published": "2020-01-01",
    "abstract": "an inline abstract",
    "abstract_ref": "1" * 20,
    "has_code": True,
    "links": [{"url": "https://github.com/a/b", "kind": "code"}],
    "tags": ["quantization"],
    "status": "read",
    "notes": "a different note",
    "added": "2020-01-01T00:00:00+00:00",
    "updated": "2020-01-02T00:00:00+00:00",
    "read_at": "2020-01-03T00:00:00+00:00",
    "conflicts": ["tags: changed on both machines"],
    "edited": ["title"],
    "pdf": "papers/other2020.pdf",
    "source": {"file": "x.bib", "format": "bibtex", "fields": {"journal": "Nature"}},
}
_ABSTRACTS = {"0" * 20: "First abstract.", "1" * 20: "Second abstract."}


def _text_of(record: dict[str, object]) -> str:
    paper = Paper.from_dict(record)
    ref = record.get("abstract_ref")
    if ref:
        paper.abstract = _ABSTRACTS[str(ref)]
    return search_text(paper)


@pytest.mark.parametrize("name", [*PAPER_FIELDS, "abstract_ref"])
def test_a_field_that_changes_the_search_text_changes_the_fingerprint(name: str) -> None:
    """The index's guard: if search_text ever reads another field, this names it."""
    record = _record()
    changed = {**record, name: _CHANGED[name]}
    assert changed[name] != record.get(name)
    if _text_of(changed) != _text_of(record):
        assert name in SEARCHED_FIELDS
        assert fingerprint(changed) != fingerprint(record)
    else:
        assert name not in SEARCHED_FIELDS or name in ("abstract",)
    # Triage changes never make an entry stale.
    if name in ("tags", "status", "updated", "read_at"):
        assert fingerprint(changed) == fingerprint(record)


def test_fingerprints_tell_hand_edited_values_apart() -> None:
    record = _record()
    assert fingerprint({**record, "title": 5}) != fingerprint({**record, "title": "5"})
    assert fingerprint({**record, "notes": None}) != fingerprint({**record, "notes": ""})


# -- the library's use of the index ------------------------------------------------

QUERIES = (
    "attention",
    "müller",
    "quant",
    "lora",
    '"sparse attention"',
    "-attention",
    "zyx",
    "has:abstract",
    "-has:abstract attention",
    "tag:x OR lora",
)


def _papers() -> list[Paper]:
    return [
        Paper(title="Sparse Attention at Scale", authors=["Zoë Müller"], abstract="We quantize."),
        Paper(title="QLoRA: Efficient Finetuning", authors=["Tim Dettmers"], abstract="LoRA."),
        Paper(title="Exploration in Colorado", authors=["Ann Lee"], abstract="Sparse attention."),
        Paper(title="No Abstract Here", authors=["Łukasz Kowalski"], notes="attention note"),
    ]


def _scan(library: Library, query: str) -> list[str]:
    """The answer without any index: every paper's search text computed afresh."""
    compiled = parse_query(query)
    return [p.key for p in library.papers() if compiled.matches(p, search_text(p))]


def _found(path: Path, query: str, *, abstracts: bool = False) -> list[str]:
    return [p.key for p in Library(path).search(query, abstracts=abstracts)]


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    Library(path).import_papers(_papers())
    return path


def test_queries_answer_the_same_from_the_index_as_from_a_scan(library_path: Path) -> None:
    expected = {query: _scan(Library(library_path), query) for query in QUERIES}
    assert not index_path(library_path).exists()
    assert {q: _found(library_path, q) for q in QUERIES} == expected  # builds the index
    assert index_path(library_path).exists()
    assert {q: _found(library_path, q) for q in QUERIES} == expected  # reads it
    assert {q: _found(library_path, q, abstracts=True) for q in QUERIES} == expected


def test_a_query_reads_no_abstracts_when_the_index_or_the_query_does_not_need_them(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _found(library_path, "attention")  # builds the index

    def refuse(self: AbstractStore) -> None:
        raise AssertionError("the abstracts file was read")

    monkeypatch.setattr(AbstractStore, "texts", refuse)
    assert len(_found(library_path, "attention")) == 3
    assert len(_found(library_path, "-tag:x year:<2100 status:unread")) == 0  # no year
    assert len(_found(library_path, "status:unread")) == 4


def _edit_records(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = orjson.loads(path.read_bytes())
    for record in data["papers"].values():
        change(record)
    path.write_bytes(orjson.dumps(data))


def test_a_title_edited_by_hand_is_searched_as_it_now_is(library_path: Path) -> None:
    _found(library_path, "attention")  # builds the index

    def retitle(record: dict[str, Any]) -> None:
        if record["title"].startswith("Sparse"):
            record["title"] = "Dense Retrieval at Scale"

    _edit_records(library_path, retitle)
    assert _found(library_path, "dense") == _scan(Library(library_path), "dense") != []
    assert _found(library_path, "sparse") == _scan(Library(library_path), "sparse")


def test_abstracts_edited_by_hand_make_the_whole_index_stale(library_path: Path) -> None:
    _found(library_path, "attention")
    path = abstracts_path(library_path)
    data = orjson.loads(path.read_bytes())
    # Same digests, other texts: only the file's stamp tells.
    data["abstracts"] = {digest: "Zebra crossing." for digest in data["abstracts"]}
    path.write_bytes(orjson.dumps(data))
    assert _found(library_path, "zebra") == _scan(Library(library_path), "zebra") != []
    assert _found(library_path, "quantize") == []


def test_an_import_keeps_the_index_and_its_new_papers_are_found(library_path: Path) -> None:
    _found(library_path, "attention")
    stamp = file_stamp(abstracts_path(library_path))
    Library(library_path).import_papers([Paper(title="Mamba", abstract="Selective state spaces.")])
    assert file_stamp(abstracts_path(library_path)) != stamp
    assert (
        len(SearchIndex(index_path(library_path)).load(file_stamp(abstracts_path(library_path))))
        == 4
    )
    assert _found(library_path, "selective") == _scan(Library(library_path), "selective") != []


def test_a_change_saved_by_another_library_is_seen_by_a_search(library_path: Path) -> None:
    reader = Library(library_path)
    assert [p.key for p in reader.search("zyzzyva")] == []
    writer = Library(library_path)
    key = writer.papers()[0].key
    writer.set_note(key, "zyzzyva")
    assert [p.key for p in reader.search("zyzzyva")] == [key]
    assert _found(library_path, "zyzzyva") == [key]


def test_a_paper_whose_abstract_is_missing_is_not_indexed(library_path: Path) -> None:
    path = abstracts_path(library_path)
    data = orjson.loads(path.read_bytes())
    data["abstracts"] = {}
    path.write_bytes(orjson.dumps(data))
    assert _found(library_path, "quantize") == []
    indexed = SearchIndex(index_path(library_path)).load(file_stamp(path))
    records = orjson.loads(library_path.read_bytes())["papers"].values()
    assert set(indexed) == {r["key"] for r in records if not r.get("abstract_ref")} != set()


def test_which_queries_read_the_abstracts_themselves() -> None:
    for query in ("has:abstract", "-has:doi", "tag:x OR has:arxiv", "lora has:abstract"):
        assert reads_abstracts_directly(parse_query(query)), query
    for query in ("lora", '"a phrase"', "-(tag:x lora)", "tag:x year:2020", ""):
        assert not reads_abstracts_directly(parse_query(query)), query


# Texts that look like the place between two entries, escapes and quotes included.
_tricky_text = st.lists(
    st.sampled_from(['"],"', '"]', "],", '\\"', "\\", '"', "{", "}", "é", "a b", "\n"]), max_size=6
).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.dictionaries(_tricky_text, st.tuples(_tricky_text, _tricky_text), max_size=8),
    piece=st.integers(1, 64),
)
def test_the_index_read_in_pieces_gives_what_was_saved(
    tmp_path_factory: pytest.TempPathFactory, entries: dict[str, tuple[str, str]], piece: int
) -> None:
    index = SearchIndex(tmp_path_factory.mktemp("index") / "library.search.json")
    index.save(entries, STAMP)
    before = index_module.PIECE_BYTES
    index_module.PIECE_BYTES = piece  # many pieces, cut at every possible place
    try:
        assert index.load(STAMP) == entries
        # Only a string ending in ``],`` can look like the place between two entries
        # (a cut there is never valid JSON: the whole body is parsed instead).
        if any(text.endswith("],") for key, entry in entries.items() for text in (key, *entry)):
            return
        with index.path.open("rb") as handle:
            handle.readline()
            pieces = list(index_module._body_pieces(handle))  # no fallback to a whole parse
    finally:
        index_module.PIECE_BYTES = before
    merged = {key: tuple(entry) for piece in pieces for key, entry in piece.items()}  # type: ignore[attr-defined]
    assert merged == entries
    if len(entries) > 1:
        assert len(pieces) > 1


def test_entries_of_the_wrong_shape_are_computed_again_not_used(library_path: Path) -> None:
    _found(library_path, "attention")  # builds the index
    index = index_path(library_path)
    header, _, body = index.read_bytes().partition(b"\n")
    entries = orjson.loads(body)
    keys = sorted(entries)
    # Hand-damaged: a text that is not a string, a missing text, a wrong fingerprint type.
    entries[keys[0]] = [entries[keys[0]][0], 7]
    entries[keys[1]] = [entries[keys[1]][0]]
    entries[keys[2]] = [None, entries[keys[2]][1]]
    entries[keys[3]] = "attention"
    index.write_bytes(header + b"\n" + orjson.dumps(entries))
    for query in QUERIES:
        assert _found(library_path, query) == _scan(Library(library_path), query), query


TEXT_ONLY_QUERIES = ("lora OR müller", "-(lora OR quant)", "attention -sparse", '"no abstract"')


def test_free_words_only_build_the_papers_they_find(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist.store import records

    expected = {query: _scan(Library(library_path), query) for query in TEXT_ONLY_QUERIES}
    _found(library_path, "attention")  # builds the index
    built: list[str] = []
    read = records.read_record

    def counting(record: dict[str, object]) -> object:
        built.append(str(record.get("key")))
        return read(record)

    monkeypatch.setattr("readlist.store.library.read_record", counting)
    for query in TEXT_ONLY_QUERIES:
        built.clear()
        assert _found(library_path, query) == expected[query]
        assert built == expected[query]
    # A filter reads the paper: every paper is built to be matched.
    scanned = _scan(Library(library_path), "tag:x OR lora")
    built.clear()
    assert _found(library_path, "tag:x OR lora") == scanned
    assert len(built) == 4


def test_a_free_word_query_warns_about_the_damaged_papers_it_finds(library_path: Path) -> None:
    data = orjson.loads(library_path.read_bytes())
    for record in data["papers"].values():
        record["tags"] = "ml"  # edited by hand into the wrong type (not a searched field)
    _found(library_path, "attention")  # builds the index
    library_path.write_bytes(orjson.dumps(data))
    library = Library(library_path)
    found = [p.key for p in library.search("lora", abstracts=False)]
    assert len(found) == 1
    [line] = library.damaged()
    assert line.startswith(f"paper {found[0]}: 'tags' should be")


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_the_index_saved_in_pieces_is_the_body_of_one_encoding(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(index_module, "SAVE_ENTRIES", 2)
    entries = {f'k{n}"é\n': (f"{n:016x}", f" word {n} \n tail ") for n in range(count)}
    index.save(entries, STAMP)
    body = index.path.read_bytes().partition(b"\n")[2]
    assert body == orjson.dumps({key: list(entry) for key, entry in entries.items()})
    assert index.load(STAMP) == entries
