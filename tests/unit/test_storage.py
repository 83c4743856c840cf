"""SafeJSONStorage and Library on real files: round trips, refusals, failed saves."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import orjson
import pytest

from readlist.errors import LibraryError
from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.format import META_TABLE, SCHEMA_VERSION
from readlist.store.storage import SafeJSONStorage


def paper(title: str, author: str = "Zoë Müller") -> Paper:
    return Paper(title=title, authors=[author, "Łukasz Kowalski"], published="2024-03-01")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(params=["fresh", "existing"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Library:
    """A library on a file that does not exist yet, or one that already holds papers."""
    path = tmp_path / "lib" / "library.json"
    if request.param == "existing":
        Library(path).import_papers([paper("Existing Paper One"), paper("Existing Paper Two")])
        assert path.exists()
    return Library(path)


# -- the same small store suite over a fresh and an existing file ---------------------


def test_import_change_and_reopen_round_trip(library: Library) -> None:
    before = len(library)
    report = library.import_papers([paper("Sparse $V_1$ Attention & 100% Recall")])
    key = report.added[0]
    library.add_tags([key], ["LLM", "to read"])
    library.set_status([key], Status.READ)
    library.set_note(key, "note with [bold]markup[/] and\nnewline")
    reopened = Library(library.path)
    assert len(reopened) == before + 1
    assert reopened.get(key).to_dict() == library.get(key).to_dict()
    got = reopened.get(key)
    assert got.title == "Sparse $V_1$ Attention & 100% Recall"
    assert got.authors == ["Zoë Müller", "Łukasz Kowalski"]
    assert (got.tags, got.status, got.notes) == (
        ["llm", "to-read"],
        Status.READ,
        "note with [bold]markup[/] and\nnewline",
    )


def test_remove_round_trip(library: Library) -> None:
    key = library.import_papers([paper("To Be Removed")]).added[0]
    library.remove([key])
    assert key not in {p.key for p in Library(library.path).papers()}


def test_file_on_disk_is_a_readlist_library(library: Library) -> None:
    library.import_papers([paper("Anything")])
    data = orjson.loads(library.path.read_bytes())
    assert data[META_TABLE]["1"] == {"schema": SCHEMA_VERSION, "app": "readlist", "kind": "library"}
    assert {doc["title"] for doc in data["papers"].values()} >= {"Anything"}
    assert leftovers(library.path.parent) == []


def test_sees_a_change_made_by_another_process(library: Library) -> None:
    key = library.import_papers([paper("Shared Paper")]).added[0]
    assert library.get(key).status is Status.UNREAD
    other = Library(library.path)
    other.set_status([key], Status.READING)
    assert library.changed_on_disk()
    assert library.get(key).status is Status.READING
    # A change this process makes on top keeps the other process's change.
    library.add_tags([key], ["x"])
    final = Library(library.path).get(key)
    assert (final.status, final.tags) == (Status.READING, ["x"])


def test_sees_a_hand_edit_of_the_file(library: Library) -> None:
    key = library.import_papers([paper("Hand Edited")]).added[0]
    data = orjson.loads(library.path.read_bytes())
    for doc in data["papers"].values():
        if doc["key"] == key:
            doc["notes"] = "edited by hand"
    library.path.write_bytes(orjson.dumps(data))
    assert library.get(key).notes == "edited by hand"


# -- files the storage must refuse, leaving them byte for byte unchanged --------------

REFUSED = {
    "not JSON": (b'{"papers": {"1": {"title": "cut off', "not valid JSON"),
    "a JSON list": (b"[1, 2, 3]", "not a readlist library"),
    "other JSON": (b'{"settings": {"theme": "dark"}}', "not a readlist library"),
    "no schema": (b'{"_readlist": {"1": {"app": "readlist"}}, "papers": {}}', "schema"),
    "newer schema": (
        b'{"_readlist": {"1": {"schema": 999, "app": "readlist"}}, "papers": {}}',
        "newer readlist (schema 999)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refuses_a_file_it_cannot_trust_and_leaves_it_untouched(tmp_path: Path, case: str) -> None:
    raw, expected = REFUSED[case]
    path = tmp_path / "library.json"
    path.write_bytes(raw)
    library = Library(path)
    for attempt in (
        library.papers,
        lambda: library.import_papers([paper("Would Overwrite")]),
        lambda: library.add_tags(["x"], ["y"]),
    ):
        with pytest.raises(LibraryError) as caught:
            attempt()
        message = str(caught.value)
        assert expected in message and str(path) in message
        assert "\n" not in message
    assert path.read_bytes() == raw
    assert leftovers(tmp_path) == []


def test_a_directory_as_library_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "library.json"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(LibraryError, match="is a directory, not a file"):
        Library(folder)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    Library(path).import_papers([paper("Private")])
    raw = path.read_bytes()
    path.chmod(0)
    try:
        with pytest.raises(LibraryError, match="cannot read library"):
            Library(path).papers()
    finally:
        path.chmod(0o600)
    assert path.read_bytes() == raw


def test_a_read_error_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as an unreadable file, simulated so that it also runs as root."""
    path = tmp_path / "library.json"
    Library(path).import_papers([paper("Private")])
    raw = path.read_bytes()
    real_read_bytes = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    library = Library(path)
    with pytest.raises(LibraryError, match=r"cannot read library .*Permission denied"):
        library.papers()
    with pytest.raises(LibraryError):
        library.import_papers([paper("Would Overwrite")])
    monkeypatch.undo()
    assert path.read_bytes() == raw


# -- failed saves -------------------------------------------------------------------


def _fail_with(errno_code: int) -> object:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno_code, os.strerror(errno_code))

    return fail


@pytest.mark.parametrize("target", ["fsync", "replace"])
def test_a_full_disk_during_a_save_keeps_the_old_file_and_the_library_usable(
    library: Library, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    key = library.import_papers([paper("Before The Disk Filled")]).added[0]
    before = library.path.read_bytes()
    papers_before = [p.to_dict() for p in library.papers()]
    monkeypatch.setattr(os, target, _fail_with(errno.ENOSPC))
    with pytest.raises(LibraryError) as caught:
        library.add_tags([key], ["lost"])
    assert "disk full" in str(caught.value) and "previous version is intact" in str(caught.value)
    with pytest.raises(LibraryError):
        library.import_papers([paper("Also Not Saved")])
    monkeypatch.undo()
    assert library.path.read_bytes() == before
    assert leftovers(library.path.parent) == []
    # The same Library object still reads the old state and can save again.
    assert [p.to_dict() for p in library.papers()] == papers_before
    library.add_tags([key], ["saved"])
    assert Library(library.path).get(key).tags == ["saved"]


def test_a_failed_first_save_creates_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.json"
    monkeypatch.setattr(os, "fsync", _fail_with(errno.ENOSPC))
    library = Library(path)
    with pytest.raises(LibraryError, match="disk full"):
        library.import_papers([paper("Never Saved")])
    monkeypatch.undo()
    assert not path.exists()
    assert leftovers(tmp_path) == []
    assert library.papers() == []


def test_an_interrupted_save_keeps_the_old_file(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt in the middle of a save is not turned into a half file."""
    key = library.import_papers([paper("Interrupted")]).added[0]
    before = library.path.read_bytes()

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        library.set_status([key], Status.READ)
    monkeypatch.undo()
    assert library.path.read_bytes() == before
    assert leftovers(library.path.parent) == []
    assert library.get(key).status is Status.UNREAD


def test_a_failed_whole_save_forgets_the_tables_changed_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TinyDB changes the cached tables in place, then saves: a failed save drops them."""
    path = tmp_path / "library.json"
    SafeJSONStorage(path).write({"papers": {"1": {"key": "kept"}}})
    storage = SafeJSONStorage(path)
    tables = storage.read()
    assert tables is not None
    tables["papers"]["2"] = {"key": "never-saved"}
    generation = storage.generation
    monkeypatch.setattr(os, "replace", _fail_with(errno.ENOSPC))
    with pytest.raises(LibraryError, match="disk full"):
        storage.write(tables)
    monkeypatch.undo()
    assert storage.generation > generation
    again = storage.read()
    assert again is not None and again["papers"] == {"1": {"key": "kept"}}


def test_a_spliced_save_that_fails_after_the_rename_reads_the_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new file is in place but the digest could not be written: memory is not trusted."""
    path = tmp_path / "library.json"
    SafeJSONStorage(path).write({"papers": {"1": {"key": "a", "tags": ["old"]}}})
    storage = SafeJSONStorage(path)
    view = storage.read_view()
    assert view is not None
    generation = storage.generation
    monkeypatch.setattr("readlist.store.storage.write_digest", _fail_with(errno.EACCES))
    with pytest.raises(OSError):
        storage.write_spliced(view, {1: {"key": "a", "tags": ["new"]}})
    monkeypatch.undo()
    assert storage.generation > generation and storage.view is None
    tables = storage.read()
    assert tables is not None and tables["papers"]["1"]["tags"] == ["new"]


def test_the_backup_hook_runs_once_before_the_first_replacement(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    Library(path).import_papers([paper("Hooked")])
    before = path.read_bytes()
    calls: list[Path] = []

    def hook(seen: Path) -> None:
        calls.append(seen)
        assert seen.read_bytes() == before  # called before the file is replaced

    library = Library(path, before_first_write=hook)
    key = library.papers()[0].key
    library.add_tags([key], ["a"])
    library.add_tags([key], ["b"])
    assert calls == [path]  # only before the first write of this Library


def test_storage_read_is_served_from_memory_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    Library(path).import_papers([paper("Cached")])
    storage = SafeJSONStorage(path)
    first = storage.read()
    generation = storage.generation
    assert storage.read() is first and storage.generation == generation
    Library(path).add_tags([Library(path).papers()[0].key], ["t"])
    assert storage.read() is not first and storage.generation > generation


def test_the_lock_is_made_on_first_use_once_and_shared_with_the_abstracts(
    tmp_path: Path,
) -> None:
    import threading
    import time

    from readlist.store.storage import Lock

    made: list[Lock] = []

    class SlowToLock(SafeJSONStorage):
        def _new_lock(self, timeout: float) -> Lock:
            time.sleep(0.05)  # both threads ask before either has made it
            made.append(super()._new_lock(timeout))
            return made[-1]

    records = SlowToLock(tmp_path / "library.json")
    abstracts = SlowToLock(tmp_path / "library.abstracts.json", lock_of=records)
    assert made == []  # nothing locked yet: no lock made
    seen: list[Lock] = []
    threads = [
        threading.Thread(target=lambda s=storage: seen.append(s.lock))
        for storage in (records, abstracts, records)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert seen == [made[0]] * 3
    with records.locked(), abstracts.locked():  # one lock, re-entrant
        pass
