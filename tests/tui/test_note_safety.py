"""No note is lost in the app: edits saved meanwhile are merged, failed saves keep the text."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from readlist.store import Library
from readlist.store.drafts import list_drafts
from readlist.textmerge import OURS_MARKER, THEIRS_MARKER
from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.note_editor import NoteEditor
from readlist.tui.screens.library import LibraryScreen
from tests.lock_holder import impatient, lock_held
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle

EDITOR = Path(__file__).resolve().parents[1] / "scripted_editor.py"


def cli(readlist_command: list[str], library: Path, *args: str) -> None:
    result = subprocess.run(
        [*readlist_command, "--library", str(library), *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


async def open_editor(app: ReadlistApp, pilot: object, key: str) -> NoteEditor:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    assert screen.table.move_to(key)
    await pilot.press("n")  # type: ignore[attr-defined]
    assert isinstance(app.screen, NoteEditor)
    return app.screen


@pytest.fixture
def noted(library_path: Path) -> str:
    key = key_of(library_path, "Aligning")
    Library(library_path).set_note(key, "original")
    return key


async def test_an_append_from_the_cli_while_the_editor_is_open_survives_the_save(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    readlist_command: list[str],
    notifications: list[tuple[str, str]],
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(app, pilot, noted)
        await pilot.press("enter", *"my thoughts")
        cli(readlist_command, library_path, "note", noted, "--append", "X")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(noted).notes == "original\n\nX\nmy thoughts"
        assert ("information", "Note saved, merged with a change saved meanwhile") in notifications


async def test_another_editor_changing_the_same_line_keeps_both_and_offers_a_review(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    readlist_command: list[str],
    notifications: list[tuple[str, str]],
) -> None:
    other_editor = {
        "EDITOR": shlex.join([sys.executable, str(EDITOR)]),
        "VISUAL": "",
        "SCRIPTED_EDIT": "replace",
        "SCRIPTED_TEXT": "theirs\n",
    }
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(app, pilot, noted)
        editor.query_one(TextArea).load_text("mine")
        # Meanwhile another editor (the CLI's $EDITOR) rewrites the same line.
        result = subprocess.run(
            [*readlist_command, "--library", str(library_path), "note", noted],
            capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, **other_editor},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        await pilot.press("ctrl+s")
        await settle(pilot)
        both = [OURS_MARKER, "mine", "=======", "theirs", THEIRS_MARKER]
        assert fresh(library_path).get(noted).notes.split("\n") == both
        # The editor stays open on the saved text for review.
        assert app.screen is editor
        assert editor.query_one(TextArea).text.split("\n") == both
        assert any(severity == "warning" and "both versions" in m for severity, m in notifications)
        editor.query_one(TextArea).load_text("mine and theirs, reconciled")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(noted).notes == "mine and theirs, reconciled"


async def test_escape_after_a_conflict_keeps_both_versions_without_asking(
    app: ReadlistApp, library_path: Path, noted: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(app, pilot, noted)
        editor.query_one(TextArea).load_text("mine")
        Library(library_path).save_note(noted, "theirs", base="original")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        notes = fresh(library_path).get(noted).notes
        assert "mine" in notes and "theirs" in notes


async def test_a_failed_save_keeps_the_editor_open_and_writes_a_draft(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    notifications: list[tuple[str, str]],
) -> None:
    with lock_held(Path(f"{library_path}.lock")) as holder:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            impatient(app.library)
            editor = await open_editor(app, pilot, noted)
            await pilot.press("enter", *"typed while locked")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is editor
            assert editor.query_one(TextArea).text == "original\ntyped while locked"
            (draft,) = list_drafts(library_path)
            assert draft.read_text(encoding="utf-8") == "original\ntyped while locked\n"
            assert any(
                severity == "error" and "locked by another" in m and str(draft) in m
                for severity, m in notifications
            )
            holder.kill()
            holder.wait()
            await pilot.press("ctrl+s")  # the other process is gone: saving works now
            await settle(pilot)
            assert isinstance(app.screen, LibraryScreen)
    assert fresh(library_path).get(noted).notes == "original\ntyped while locked"


def scripted_editor(monkeypatch: pytest.MonkeyPatch, edit: str, text: str = "") -> None:
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(EDITOR)]))
    monkeypatch.setenv("VISUAL", "")
    monkeypatch.setenv("SCRIPTED_EDIT", edit)
    monkeypatch.setenv("SCRIPTED_TEXT", text)


async def test_E_merges_an_append_made_while_the_editor_was_open(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    readlist_command: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted_editor(monkeypatch, "append", "from $EDITOR")
    command = [*readlist_command, "--library", str(library_path), "note", noted, "--append", "X"]
    monkeypatch.setenv("SCRIPTED_MEANWHILE", json.dumps(command))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        assert app.screen.table.move_to(noted)  # type: ignore[attr-defined]
        await pilot.press("E")
        await settle(pilot)
        assert fresh(library_path).get(noted).notes == "original\n\nX\nfrom $EDITOR"


@pytest.mark.parametrize(
    ("edit", "message"),
    [("delete", "removed the note file"), ("directory", "replaced the note file")],
)
async def test_E_with_an_editor_that_takes_the_file_away(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
    edit: str,
    message: str,
) -> None:
    scripted_editor(monkeypatch, edit)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        assert app.screen.table.move_to(noted)  # type: ignore[attr-defined]
        await pilot.press("E")
        await settle(pilot)
        (draft,) = list_drafts(library_path)
        assert draft.read_text(encoding="utf-8") == "original\n"
        assert any(
            severity == "error" and message in m and str(draft) in m
            for severity, m in notifications
        )
        assert fresh(library_path).get(noted).notes == "original"


async def test_E_with_a_latin1_file_warns_and_saves(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    scripted_editor(monkeypatch, "latin1", "déjà vu\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        assert app.screen.table.move_to(noted)  # type: ignore[attr-defined]
        await pilot.press("E")
        await settle(pilot)
        assert any(severity == "warning" and "Latin-1" in m for severity, m in notifications)
        assert fresh(library_path).get(noted).notes == "déjà vu"


async def test_E_with_a_failed_save_reopens_the_text_in_the_app(
    app: ReadlistApp,
    library_path: Path,
    noted: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted_editor(monkeypatch, "append", "typed in $EDITOR")
    with lock_held(Path(f"{library_path}.lock")):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            impatient(app.library)
            monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
            assert app.screen.table.move_to(noted)  # type: ignore[attr-defined]
            await pilot.press("E")
            await settle(pilot)
            assert isinstance(app.screen, NoteEditor)
            assert app.screen.text == "original\ntyped in $EDITOR"
            (draft,) = list_drafts(library_path)
            assert draft.read_text(encoding="utf-8") == "original\ntyped in $EDITOR\n"


async def test_a_triage_note_merges_an_append_made_meanwhile(
    app: ReadlistApp, library_path: Path, readlist_command: list[str]
) -> None:
    slora = key_of(library_path, "S-LoRA")  # the first unread paper
    Library(library_path).set_note(slora, "original")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await pilot.press("n", "enter", *"triage thought")
        assert isinstance(app.screen, NoteEditor)
        cli(readlist_command, library_path, "note", slora, "--append", "X")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert fresh(library_path).get(slora).notes == "original\n\nX\ntriage thought"


async def test_a_note_saves_off_the_event_loop_and_the_editor_waits_for_it(
    app: ReadlistApp, library_path: Path, noted: str
) -> None:
    import threading

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await open_editor(app, pilot, noted)
        await pilot.press("enter", *"mine")
        busy = threading.Event()
        # The library thread is busy (a long reload, say) when ctrl+s is pressed.
        app.session.submit(lambda library: busy.wait(30))
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        # The loop kept running: the editor is still up, read-only, escape waits too.
        assert app.screen is editor and editor.query_one(TextArea).read_only
        await pilot.press("escape", "x")
        assert app.screen is editor and editor.text == "original\nmine"
        busy.set()
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(noted).notes == "original\nmine"
