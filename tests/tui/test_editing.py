"""Changing papers from the main screen: every change is in the library file at once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from readlist.launch import EditedText
from readlist.models import Status
from readlist.store.drafts import list_drafts
from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.note_editor import NoteEditor
from readlist.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_table import SELECTED_MARK, PaperTable
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle


def table(app: ReadlistApp) -> PaperTable:
    return app.screen.query_one(PaperTable)


async def go_to(app: ReadlistApp, key: str) -> None:
    """Put the cursor on ``key`` (setup, not under test)."""
    assert table(app).move_to(key)


@pytest.mark.parametrize("key", ["r"])
async def test_r_cycles_unread_reading_read(app: ReadlistApp, library_path: Path, key: str) -> None:
    paper = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press(key)
        assert fresh(library_path).get(paper).status is Status.READING
        await pilot.press(key)
        saved = fresh(library_path).get(paper)
        assert saved.status is Status.READ and saved.read_at is not None
        await pilot.press(key)
        assert fresh(library_path).get(paper).status is Status.UNREAD
        current = table(app).highlighted
        assert current is not None and current.key == paper  # the cursor stays on the paper


async def test_U_R_d_set_the_status_directly(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "Zero")  # read
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("U")
        assert fresh(library_path).get(paper).status is Status.UNREAD
        await pilot.press("R")
        assert fresh(library_path).get(paper).status is Status.READING
        await pilot.press("d")
        assert fresh(library_path).get(paper).status is Status.READ
        header = app.screen.query_one("CountsHeader .counts-library").render()
        assert "● 2 read" in str(header)


async def test_t_adds_tags_with_completion(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "NoisyQuant")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("t")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"To-Read, quant SYS")
        await pilot.pause()
        prompt_input = app.screen.query_one(Input)
        assert prompt_input._suggestion == "To-Read, quant SYStems"
        await pilot.press("right", "enter")  # accept the completion, then add
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(paper).tags == ["quant", "systems", "to-read"]


async def test_t_then_escape_changes_nothing(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "NoisyQuant")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("t", *"nope", "escape")
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(paper).tags == []


async def test_T_removes_a_chosen_tag(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "Aligning")  # rlhf, vision
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("T")
        assert isinstance(app.screen, ChoicePrompt)
        options = app.screen.query_one(OptionList)
        assert [o.id for o in options.options] == ["rlhf", "vision"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert fresh(library_path).get(paper).tags == ["rlhf"]


async def test_n_edits_the_note_in_the_app(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"# Summary", "enter", *"Uses *RLHF*.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(paper).notes == "# Summary\nUses *RLHF*."


async def test_n_keeps_an_existing_note_and_appends_at_the_end(
    app: ReadlistApp, library_path: Path
) -> None:
    paper = key_of(library_path, "NoisyQuant")
    before = fresh(library_path).get(paper).notes
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("n")
        assert app.screen.query_one(TextArea).text == before
        await pilot.press("enter", *"more", "ctrl+s")
        await settle(pilot)
        assert fresh(library_path).get(paper).notes == before + "\nmore"


async def test_escape_in_the_note_editor_asks_before_dropping_changes(
    app: ReadlistApp, library_path: Path
) -> None:
    paper = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("n", *"draft", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "draft"
        await pilot.press("escape", "y")  # drop them
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert fresh(library_path).get(paper).notes == ""


async def test_escape_without_changes_closes_the_editor_at_once(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_E_edits_the_note_in_the_editor(
    app: ReadlistApp, library_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    paper = key_of(library_path, "NoisyQuant")
    seen: list[str] = []

    def fake_edit(text: str, **_: object) -> EditedText:
        seen.append(text)
        return EditedText("Rewritten in $EDITOR\n", tmp_path / "edited.md")

    monkeypatch.setattr("readlist.launch.edit_text", fake_edit)
    suspended: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", suspend)
        await go_to(app, paper)
        await pilot.press("E")
        await settle(pilot)
        assert suspended == [True]
        assert seen and seen[0].startswith("**Key idea**")
        assert fresh(library_path).get(paper).notes == "Rewritten in $EDITOR"


async def test_E_where_the_terminal_cannot_be_handed_over(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    monkeypatch.setattr("readlist.launch.edit_text", lambda text, **_: "never")
    paper = key_of(library_path, "NoisyQuant")
    async with app.run_test(size=SIZE) as pilot:  # headless: suspending is not supported
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("E")
        await settle(pilot)
        assert any("press n instead" in message for _, message in notifications)
        assert fresh(library_path).get(paper).notes.startswith("**Key idea**")


async def test_E_with_a_failing_editor(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    paper = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await go_to(app, paper)
        await pilot.press("E")
        await settle(pilot)
        assert ("error", "editor 'false' exited with status 1; note not changed") in notifications
        assert fresh(library_path).get(paper).notes == ""


@pytest.mark.parametrize(
    ("press", "what", "suffix"), [("E", "note", ".md"), ("ctrl+e", "entry", ".bib")]
)
async def test_an_editor_that_removes_its_file_leaves_a_draft_and_changes_nothing(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
    press: str,
    what: str,
    suffix: str,
) -> None:
    monkeypatch.setenv("EDITOR", "rm")  # "edits" the file away
    monkeypatch.setenv("VISUAL", "")
    paper = key_of(library_path, "Aligning")
    before = fresh(library_path).get(paper).to_dict()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await go_to(app, paper)
        await pilot.press(press)
        await settle(pilot)
    (draft,) = list_drafts(library_path)
    assert draft.suffix == suffix
    errors = [message for severity, message in notifications if severity == "error"]
    assert len(errors) == 1 and f"{what} not changed. A draft is kept in {draft}" in errors[0]
    assert fresh(library_path).get(paper).to_dict() == before


async def test_space_selects_rows_for_bulk_actions(app: ReadlistApp, library_path: Path) -> None:
    first, second = key_of(library_path, "Zero"), key_of(library_path, "S-LoRA")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        assert table(app).selected == {first, second}
        assert table(app).render_line(1).text.startswith(SELECTED_MARK)
        assert table(app).render_line(2).text.startswith(SELECTED_MARK)
        assert not table(app).render_line(3).text.startswith(SELECTED_MARK)
        assert "2 selected" in str(app.screen.query_one("CountsHeader .counts-view").render())
        await pilot.press("t", *"bulk", "enter")
        await settle(pilot)
        saved = fresh(library_path)
        assert "bulk" in saved.get(first).tags and "bulk" in saved.get(second).tags
        assert not any("bulk" in p.tags for p in saved.papers() if p.key not in (first, second))
        await pilot.press("R")
        saved = fresh(library_path)
        assert saved.get(first).status is Status.READING
        assert saved.get(second).status is Status.READING
        assert saved.status_counts()[Status.READING] == 3
        await pilot.press("T", "enter")  # the only shared-or-not tags: bulk first
        await settle(pilot)
        assert "bulk" not in fresh(library_path).get(first).tags
        await pilot.press("escape")
        assert table(app).selected == frozenset()


async def test_space_again_unselects(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "k", "space")
        assert table(app).selected == frozenset()


async def test_r_on_a_selection_moves_each_paper_on(app: ReadlistApp, library_path: Path) -> None:
    zero, slora = key_of(library_path, "Zero"), key_of(library_path, "S-LoRA")  # read, unread
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "r")
        saved = fresh(library_path)
        assert saved.get(zero).status is Status.UNREAD
        assert saved.get(slora).status is Status.READING


async def test_x_removes_after_confirmation(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "Efficient")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(fresh(library_path)) == 6
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(fresh(library_path)) == 5
        assert paper not in {p.key for p in fresh(library_path).papers()}
        assert len(table(app).papers) == 5
        assert table(app).highlighted is not None


async def test_x_removes_the_whole_selection(app: ReadlistApp, library_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space", "x", "y")
        await settle(pilot)
        assert len(fresh(library_path)) == 3
        assert table(app).selected == frozenset()


async def test_y_copies_the_bibtex_entry(app: ReadlistApp, library_path: Path) -> None:
    paper = key_of(library_path, "S-LoRA")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(app, paper)
        await pilot.press("y")
        assert app.clipboard.startswith("@")
        assert paper in app.clipboard
        assert (
            "title = {{S-LoRA}: Serving Thousands of Concurrent {LoRA} Adapters}" in app.clipboard
        )


async def test_a_failed_save_is_reported_not_raised(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    from readlist.errors import LibraryError
    from readlist.store import Library

    def broken(*args: object, **kwargs: object) -> None:
        raise LibraryError("cannot save library.json: disk full")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Library, "set_status", broken)
        await pilot.press("r")
        await settle(pilot)
        assert ("error", "cannot save library.json: disk full") in notifications
        assert isinstance(app.screen, LibraryScreen)
