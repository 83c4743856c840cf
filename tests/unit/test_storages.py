"""The Library over both storages: JSON files on ``tmp_path`` and bytes in memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.errors import LibraryError
from readlist.models import Paper, Status
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.storage import MemoryStorage, SafeJSONStorage

OpenLibrary = Callable[[], Library]


@pytest.fixture(params=["json", "memory"])
def storage(request: pytest.FixtureRequest) -> type[SafeJSONStorage]:
    """The storage class under test; a memory one gets a disk of its own."""
    if request.param == "memory":
        return MemoryStorage.with_own_disk()
    return SafeJSONStorage


@pytest.fixture
def open_library(tmp_path: Path, storage: type[SafeJSONStorage]) -> OpenLibrary:
    """Opens a new handle on one library (as another process would)."""
    return lambda: Library(tmp_path / "library.json", storage=storage)


def paper(title: str, abstract: str = "") -> Paper:
    return Paper(title=title, authors=["Ada Lovelace"], published="2024-01-02", abstract=abstract)


def test_import_triage_and_remove_are_kept(open_library: OpenLibrary) -> None:
    library = open_library()
    report = library.import_papers([paper("Sparse Attention", "An abstract."), paper("Dense")])
    first, second = report.added
    library.set_status([first], Status.READ)
    library.add_tags([first], ["to read"])
    library.set_note(first, "a note")
    library.remove([second])
    reopened = open_library().get(first)
    assert reopened.status is Status.READ and reopened.read_at
    assert reopened.tags == ["to-read"] and reopened.notes == "a note"
    assert reopened.abstract == "An abstract."
    assert len(open_library()) == 1


def test_two_handles_see_each_others_saves(open_library: OpenLibrary) -> None:
    one, two = open_library(), open_library()
    key = one.import_papers([paper("Shared")]).added[0]
    assert two.get(key).tags == []
    two.add_tags([key], ["seen"])
    assert one.changed_on_disk()
    assert one.get(key).tags == ["seen"]


def test_memory_storage_writes_no_file(tmp_path: Path) -> None:
    storage = MemoryStorage.with_own_disk()
    library = Library(tmp_path / "library.json", storage=storage)
    library.import_papers([paper("In Memory", "Its abstract.")])
    assert list(tmp_path.iterdir()) == []
    assert set(storage.files) == {library.path, abstracts_path(library.path)}


def test_memory_storages_of_other_disks_share_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    Library(path, storage=MemoryStorage.with_own_disk()).import_papers([paper("Here")])
    assert len(Library(path, storage=MemoryStorage.with_own_disk())) == 0


def test_memory_storage_refuses_what_the_file_storage_refuses(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    storage = MemoryStorage.with_own_disk([(path, b'{"settings": {"theme": "dark"}}')])
    library = Library(path, storage=storage)
    with pytest.raises(LibraryError, match="not a readlist library; it was left untouched"):
        library.import_papers([paper("Would Overwrite")])
    assert storage.files[path] == b'{"settings": {"theme": "dark"}}'
