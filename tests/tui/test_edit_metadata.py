"""ctrl+e: a paper's metadata edited as a BibTeX entry in $EDITOR from the library screen."""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from readlist.models import Paper
from readlist.store.drafts import list_drafts
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle, static_text

EDITOR = Path(__file__).resolve().parents[1] / "entry_editor.py"


def scripted_editor(
    monkeypatch: pytest.MonkeyPatch, state: Path, *steps: dict[str, object]
) -> None:
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(EDITOR)]))
    monkeypatch.setenv("VISUAL", "")
    monkeypatch.setenv("ENTRY_EDITS", json.dumps(list(steps)))
    monkeypatch.setenv("ENTRY_STATE", str(state))


async def test_ctrl_e_edits_the_metadata_and_reopens_an_invalid_entry(
    app: ReadlistApp,
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    key = key_of(library_path, "NoisyQuant")
    scripted_editor(
        monkeypatch,
        tmp_path / "editor",
        {"replace": [["title = {", "tilte = {"]]},
        {"replace": [["tilte = {{NoisyQuant}", "title = {{NoisyQuant} (revised)"]]},
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        assert app.screen.query_one(PaperTable).move_to(key)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert ("information", f"{key}: saved title") in notifications
    second = Path(f"{tmp_path / 'editor'}.2").read_text(encoding="utf-8")
    assert second.startswith("% error: the entry has no title")
    paper = fresh(library_path).get(key)
    assert paper.title.startswith("NoisyQuant (revised)")
    assert paper.edited == ["title"]


async def test_ctrl_e_refused_by_a_conflict_says_so_and_keeps_a_draft(
    app: ReadlistApp,
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    key = key_of(library_path, "Zero")
    scripted_editor(
        monkeypatch, tmp_path / "editor", {"replace": [["title = {", "title = {Mine: "]]}
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        assert app.screen.query_one(PaperTable).move_to(key)
        # Another process changes the title while the editor is open (before the save).
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        library = screen.paper_actions.library
        original = library.replace_paper

        def retitled(paper: Paper) -> Paper:
            paper.title = "Theirs"
            return paper

        def changed_meanwhile(k: str, change: Callable[[Paper], Paper | None]) -> str | None:
            fresh(library_path).replace_paper(k, retitled)
            return original(k, change)

        monkeypatch.setattr(library, "replace_paper", changed_meanwhile)
        await pilot.press("ctrl+e")
        await settle(pilot)
    errors = [message for severity, message in notifications if severity == "error"]
    assert any("title changed in the library while you edited" in m for m in errors), notifications
    assert fresh(library_path).get(key).title == "Theirs"
    (draft,) = list_drafts(library_path)
    assert "Mine: Zero Bubble" in draft.read_text(encoding="utf-8")


async def test_ctrl_e_is_in_the_help(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(static_text(s) for s in app.screen.query(Static))
        assert "ctrl+e" in text and "Edit metadata" in text


def test_the_command_prompt_sends_edit_to_ctrl_e() -> None:
    from readlist.tui.dialogs.command import check_command

    assert check_command(["edit", "sun2023"]).refusal == "$EDITOR needs the terminal: press ctrl+e"
