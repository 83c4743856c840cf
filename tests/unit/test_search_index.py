"""The search index file: it checks itself, and an entry's fingerprint covers its search text."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from readlist.models import PAPER_FIELDS, Paper, Status
from readlist.query import search_text
from readlist.store.index import (
    SEARCHED_FIELDS,
    SearchIndex,
    file_stamp,
    fingerprint,
    index_path,
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
