"""Saving an edited note against the note it started from, and keeping unsaved drafts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from readlist.errors import LibraryError
from readlist.models import Paper
from readlist.store import Library, NoteOutcome
from readlist.store.drafts import drafts_folder, list_drafts, save_draft
from readlist.textmerge import OURS_MARKER, THEIRS_MARKER
from tests.lock_holder import impatient, lock_held


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


@pytest.fixture
def key(path: Path) -> str:
    library = Library(path)
    (key,) = library.import_papers([Paper(title="Noted Paper", authors=["Ada Lovelace"])]).added
    library.set_note(key, "original")
    return key


def test_an_edit_of_an_unchanged_note_is_saved_as_written(path: Path, key: str) -> None:
    saved = Library(path).save_note(key, "original\nmore", base="original")
    assert (saved.outcome, saved.text) == (NoteOutcome.SAVED, "original\nmore")
    assert Library(path).get(key).notes == "original\nmore"


def test_an_append_saved_meanwhile_is_merged_not_overwritten(path: Path, key: str) -> None:
    editor = Library(path)
    base = editor.get(key).notes
    Library(path).set_note(key, "X", append=True)  # another process, while the editor is open
    saved = editor.save_note(key, "original, edited", base=base)
    assert saved.outcome is NoteOutcome.MERGED
    assert Library(path).get(key).notes == "original, edited\n\nX" == saved.text


def test_two_edits_of_the_same_line_keep_both_between_markers(path: Path, key: str) -> None:
    first, second = Library(path), Library(path)
    assert first.save_note(key, "first editor's", base="original").outcome is NoteOutcome.SAVED
    saved = second.save_note(key, "second editor's", base="original")
    assert saved.outcome is NoteOutcome.CONFLICT and saved.conflicts == 1
    stored = Library(path).get(key).notes
    assert stored == saved.text
    assert stored.split("\n") == [
        OURS_MARKER,
        "second editor's",
        "=======",
        "first editor's",
        THEIRS_MARKER,
    ]


def test_saving_the_note_as_it_stands_writes_nothing(path: Path, key: str) -> None:
    before = path.stat().st_mtime_ns
    saved = Library(path).save_note(key, "original", base="original")
    assert saved.outcome is NoteOutcome.SAVED
    assert path.stat().st_mtime_ns == before


def test_a_save_while_another_process_holds_the_lock_fails_and_changes_nothing(
    path: Path, key: str
) -> None:
    with lock_held(Path(f"{path}.lock")):
        library = Library(path)
        impatient(library)
        with pytest.raises(LibraryError, match="locked by another readlist process"):
            library.save_note(key, "lost?", base="original")
    assert Library(path).get(key).notes == "original"


def test_drafts_are_kept_beside_the_library_and_never_overwritten(path: Path) -> None:
    now = datetime(2026, 12, 4, 14, 30, 5)
    first = save_draft(path, "ada2024noted", "first draft", now=now)
    second = save_draft(path, "ada2024noted", "second draft\n", now=now)
    assert first.parent == drafts_folder(path) == path.parent / ".readlist-drafts" / path.name
    assert first.name == "ada2024noted-2026-12-04T143005.md"
    assert first != second
    assert first.read_text(encoding="utf-8") == "first draft\n"
    assert second.read_text(encoding="utf-8") == "second draft\n"
    assert set(list_drafts(path)) == {first, second}


def test_a_key_cannot_put_a_draft_outside_the_drafts_folder(path: Path) -> None:
    draft = save_draft(path, "../../evil/key", "text")
    assert draft.parent == drafts_folder(path)


def test_no_drafts_folder_means_no_drafts(path: Path) -> None:
    assert list_drafts(path) == []
