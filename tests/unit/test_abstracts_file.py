"""Abstracts kept beside the library: where they go, when they are read, and crash order."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from readlist.errors import LibraryError
from readlist.models import Paper, Status
from readlist.paths import abstracts_path
from readlist.store import Library, atomic
from readlist.store.abstracts import AbstractStore, abstract_digest
from readlist.store.backup import list_backups, snapshot
from readlist.store.check import Severity, check_library
from readlist.store.repair import fix_library
from readlist.store.restore import inspect_backup, restore_backup

ABSTRACT = "We study [bold]sparse[/bold] attention — with 100% recall and $V_1$."


def paper(title: str, abstract: str = ABSTRACT) -> Paper:
    return Paper(title=title, authors=["Zoë Müller"], abstract=abstract, published="2024-03-01")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


def records(path: Path) -> dict[str, dict[str, object]]:
    return dict(orjson.loads(path.read_bytes())["papers"])


def stored_texts(path: Path) -> dict[str, str]:
    return dict(orjson.loads(abstracts_path(path).read_bytes())["abstracts"])


def test_abstracts_live_beside_the_records_and_come_back_whole(path: Path) -> None:
    key = Library(path).import_papers([paper("Sparse Attention"), paper("Empty", "")]).added[0]
    assert abstracts_path(path) == path.with_name("library.abstracts.json")
    docs = {str(doc["key"]): doc for doc in records(path).values()}
    assert "abstract" not in docs[key]
    assert docs[key]["abstract_ref"] == abstract_digest(ABSTRACT)
    assert stored_texts(path) == {abstract_digest(ABSTRACT): ABSTRACT}
    empty = next(k for k in docs if k != key)
    assert "abstract_ref" not in docs[empty]
    reopened = Library(path)
    assert reopened.get(key).abstract == ABSTRACT
    assert reopened.get(empty).abstract == ""
    assert reopened.get(key).to_dict()["abstract"] == ABSTRACT


def test_the_same_abstract_is_stored_once(path: Path) -> None:
    Library(path).import_papers([paper("First Title"), paper("Second Title")])
    assert list(stored_texts(path).values()) == [ABSTRACT]


def test_triage_changes_neither_read_nor_write_the_abstracts(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Library(path).import_papers([paper("Sparse Attention")]).added[0]
    before = os.stat(abstracts_path(path))

    def forbidden(self: AbstractStore) -> None:
        raise AssertionError("the abstracts were read")

    monkeypatch.setattr(AbstractStore, "texts", forbidden)
    library = Library(path)
    assert library.add_tags([library.resolve_key(key[:6])], ["LLM"]) == [key]
    assert library.set_status([key], Status.READ) == [key]
    assert library.set_note(key, "good") is True
    assert library.remove_tags([key], ["llm"]) == [key]
    assert library.tags_of(key) == []
    assert library.status_counts()[Status.READ] == 1
    monkeypatch.undo()
    after = os.stat(abstracts_path(path))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    now = Library(path).get(key)
    assert (now.abstract, now.status, now.notes) == (ABSTRACT, Status.READ, "good")


def test_a_changed_abstract_replaces_the_old_text_on_the_next_write(path: Path) -> None:
    library = Library(path)
    library.import_papers([paper("Sparse Attention")])
    report = library.import_papers([paper("Sparse Attention", "A better abstract.")])
    assert len(report.updated) == 1
    # The old text stays until the records that named it are saved, then goes.
    assert set(stored_texts(path).values()) == {ABSTRACT, "A better abstract."}
    library.import_papers([paper("Another Paper", "Third.")])
    assert set(stored_texts(path).values()) == {"A better abstract.", "Third."}
    assert Library(path).get(report.updated[0]).abstract == "A better abstract."


def test_removed_papers_leave_texts_that_doctor_reports_and_fix_removes(path: Path) -> None:
    library = Library(path)
    keys = library.import_papers([paper("Keep Me", "kept"), paper("Drop Me", "dropped")]).added
    library.remove([keys[1]])
    findings = check_library(path)
    assert [f.code for f in findings if f.code == "unused-abstracts"] == ["unused-abstracts"]
    assert not [f for f in findings if f.severity is Severity.ERROR]
    fix_library(path)
    assert list(stored_texts(path).values()) == ["kept"]
    assert not [f for f in check_library(path) if f.code == "unused-abstracts"]


def test_a_missing_text_reads_as_empty_and_doctor_names_the_paper(path: Path) -> None:
    key = Library(path).import_papers([paper("Sparse Attention")]).added[0]
    abstracts_path(path).unlink()
    assert Library(path).get(key).abstract == ""
    errors = [f.message for f in check_library(path) if f.severity is Severity.ERROR]
    assert errors == [f"paper #1 ({key}): its abstract is missing from {abstracts_path(path)}"]


def test_a_save_killed_between_the_two_files_keeps_the_old_library_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library(path)
    key = library.import_papers([paper("Sparse Attention")]).added[0]
    before = path.read_bytes()
    real_write = atomic.atomic_write

    def die_on_the_records(target: Path, payload: bytes) -> None:
        if Path(target) == path:
            raise KeyboardInterrupt  # stands in for a kill after the abstracts were saved
        real_write(target, payload)

    monkeypatch.setattr("readlist.store.storage.atomic_write", die_on_the_records)
    with pytest.raises(KeyboardInterrupt):
        library.import_papers([paper("Sparse Attention", "new text"), paper("New", "new paper")])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert "new text" in stored_texts(path).values()  # written first, named by nobody yet
    reopened = Library(path)
    assert [p.key for p in reopened.papers()] == [key]
    assert reopened.get(key).abstract == ABSTRACT
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]


def test_a_schema_1_file_with_inline_abstracts_is_read_and_moved_out_on_the_first_save(
    path: Path,
) -> None:
    path.parent.mkdir(parents=True)
    old = paper("Old Style").to_dict() | {"key": "muller2024old"}
    path.write_bytes(
        orjson.dumps({"_readlist": {"1": {"schema": 1, "app": "readlist"}}, "papers": {"1": old}})
    )
    library = Library(path)
    assert library.get("muller2024old").abstract == ABSTRACT
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]
    library.add_tags(["muller2024old"], ["legacy"])
    doc = records(path)["1"]
    assert "abstract" not in doc and doc["abstract_ref"] == abstract_digest(ABSTRACT)
    assert stored_texts(path) == {abstract_digest(ABSTRACT): ABSTRACT}
    moved = Library(path).get("muller2024old")
    assert (moved.abstract, moved.tags) == (ABSTRACT, ["legacy"])


def test_the_abstracts_file_given_as_the_library_is_refused_untouched(path: Path) -> None:
    Library(path).import_papers([paper("Sparse Attention")])
    sidecar = abstracts_path(path)
    before = sidecar.read_bytes()
    with pytest.raises(LibraryError, match="holds the abstracts of a library"):
        Library(sidecar).import_papers([paper("Oops")])
    assert sidecar.read_bytes() == before


def test_a_corrupt_abstracts_file_is_an_error_that_leaves_it_alone(path: Path) -> None:
    key = Library(path).import_papers([paper("Sparse Attention")]).added[0]
    abstracts_path(path).write_bytes(b"{ torn")
    library = Library(path)
    assert library.add_tags([key], ["still-works"]) == [key]  # triage never reads it
    with pytest.raises(LibraryError, match="not valid JSON"):
        library.get(key)
    with pytest.raises(LibraryError, match="not valid JSON"):
        library.import_papers([paper("Another", "text")])
    assert abstracts_path(path).read_bytes() == b"{ torn"
    assert "not-json" in [f.code for f in check_library(path)]


def test_backups_and_restore_carry_the_abstracts(path: Path) -> None:
    library = Library(path)
    key = library.import_papers([paper("Sparse Attention")]).added[0]
    backup = snapshot(path)
    assert abstracts_path(backup).exists()
    assert inspect_backup(backup) == 1
    library.remove([key])
    fix_library(path)  # the text is gone from the live abstracts file
    assert stored_texts(path) == {}
    restore_backup(path, backup)
    assert Library(path).get(key).abstract == ABSTRACT
    assert len(list_backups(path)) == 2  # the backup, and the snapshot restore kept


def test_a_backup_missing_its_abstracts_is_refused(path: Path) -> None:
    Library(path).import_papers([paper("Sparse Attention")])
    backup = snapshot(path)
    abstracts_path(backup).unlink()
    with pytest.raises(LibraryError, match="abstract is missing"):
        inspect_backup(backup)
    with pytest.raises(LibraryError, match="nothing was changed"):
        restore_backup(path, backup)


def test_fix_rebuilds_a_damaged_abstracts_file_from_the_backups(path: Path) -> None:
    keys = Library(path).import_papers([paper("One", "first"), paper("Two", "second")]).added
    # The first change to an existing file takes the backup.
    Library(path, before_first_write=snapshot).add_tags(keys, ["backed-up"])
    abstracts_path(path).write_bytes(b"{ torn")
    assert Library(path).add_tags(keys, ["after"]) == keys  # triage still saves
    fixes = fix_library(path)
    repair = fixes.abstracts
    assert repair is not None and repair.recovered == 2 and repair.missing == []
    assert repair.damaged_copy is not None and repair.damaged_copy.read_bytes() == b"{ torn"
    reopened = Library(path)
    assert [reopened.get(k).abstract for k in keys] == ["first", "second"]
    assert reopened.get(keys[0]).tags == ["after", "backed-up"]
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]


def test_fix_names_papers_whose_abstract_no_backup_holds_and_import_restores_it(
    path: Path,
) -> None:
    key = Library(path).import_papers([paper("Lost", "lost text")]).added[0]
    abstracts_path(path).unlink()
    assert [f.code for f in check_library(path) if f.fixable] == ["missing-abstract"]
    repair = fix_library(path).abstracts
    assert repair is not None and (repair.recovered, repair.missing) == (0, [key])
    Library(path).import_papers([paper("Lost", "lost text")])  # the same file again
    assert Library(path).get(key).abstract == "lost text"
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]


def test_fix_never_takes_a_backup_text_that_does_not_match_its_digest(path: Path) -> None:
    key = Library(path).import_papers([paper("Checked", "the real text")]).added[0]
    backup = snapshot(path)
    digest = abstract_digest("the real text")
    abstracts_path(backup).write_bytes(
        orjson.dumps(
            {
                "_readlist": {"1": {"schema": 2, "kind": "abstracts"}},
                "abstracts": {digest: "tampered"},
            }
        )
    )
    abstracts_path(path).unlink()
    repair = fix_library(path).abstracts
    assert repair is not None and repair.missing == [key]
    assert Library(path).get(key).abstract == ""


def test_fix_leaves_a_damaged_library_file_to_restore(path: Path) -> None:
    Library(path).import_papers([paper("Anything")])
    path.write_bytes(b"{ torn")
    fixes = fix_library(path)
    assert fixes.abstracts is None and path.read_bytes() == b"{ torn"
