"""The new dialogs and the state file, each tried on its own (issue 12).

Path completion that cycles on repeated tab, the export dialog (every format,
the remembered folder), the ``:`` command prompt (completion, refusals, a real
run of the command line on a tmp library), and the state file (round trip,
damage ignored with a reason, never a crash).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from readlist.tui.dialogs.command import (
    CLI_COMMANDS,
    CommandOutput,
    CommandPrompt,
    CommandResult,
    check_command,
    command_candidates,
    run_cli,
)
from readlist.tui.dialogs.export import ExportChoice, ExportDialog, with_suffix_for
from readlist.tui.dialogs.prompt import ImportPrompt, PathPrompt, path_candidates
from readlist.tui.state import STATE_ENV, TuiState, load_state, save_state, state_path
from tests.tui.tui_helpers import fresh, key_of


class DialogApp(App[None]):
    """An empty app to show one dialog on; keeps what it answered."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []


# -- path completion -----------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    for name in ("papers-a.bib", "papers-b.bib", "papers.txt", ".hidden"):
        (tmp_path / name).write_text("x")
    (tmp_path / "papers-dir").mkdir()
    return tmp_path


def test_path_candidates_are_sorted_folders_marked_hidden_only_when_asked(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    assert path_candidates(f"{folder}/pap") == [
        f"{folder}/papers-a.bib",
        f"{folder}/papers-b.bib",
        f"{folder}/papers-dir/",
        f"{folder}/papers.txt",
    ]
    assert path_candidates(f"{folder}/.h") == [f"{folder}/.hidden"]
    assert f"{folder}/.hidden" not in path_candidates(f"{folder}/")


async def test_tab_in_the_import_dialog_cycles_through_the_candidates(tmp_path: Path) -> None:
    folder = _tree(tmp_path)
    app = DialogApp()
    async with app.run_test() as pilot:
        app.push_screen(ImportPrompt(), app.answers.append)
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = f"{folder}/papers-"
        field.cursor_position = len(field.value)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(field.value)
        assert seen == [
            f"{folder}/papers-a.bib",
            f"{folder}/papers-b.bib",
            f"{folder}/papers-dir/",
            f"{folder}/papers-a.bib",  # round again
        ]
        # Typing starts a new completion from what is there.
        await pilot.press("backspace", "backspace", "backspace", "backspace", "tab")
        assert field.value == f"{folder}/papers-a.bib"
        await pilot.press("enter")
    assert app.answers[0].path == folder / "papers-a.bib"  # type: ignore[attr-defined]


# -- export dialog ---------------------------------------------------------------


def test_the_suffix_follows_the_format_unless_the_name_has_its_own() -> None:
    assert with_suffix_for("/x/out.bib", "csl-json") == "/x/out.json"
    assert with_suffix_for("/x/out.json", "markdown") == "/x/out.md"
    assert with_suffix_for("/x/out.txt", "markdown") == "/x/out.txt"


@pytest.mark.parametrize(
    ("presses", "expected"),
    [([], ("bibtex", ".bib")), (["down"], ("csl-json", ".json")), (["up"], ("markdown", ".md"))],
)
async def test_the_export_dialog_offers_every_format_in_the_remembered_folder(
    tmp_path: Path, presses: list[str], expected: tuple[str, str]
) -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        app.push_screen(ExportDialog("3 papers", folder=str(tmp_path)), app.answers.append)
        await pilot.pause()
        await pilot.press(*presses, "enter")
    fmt, suffix = expected
    assert app.answers == [ExportChoice(tmp_path / f"readlist-export{suffix}", fmt)]


async def test_the_export_dialog_starts_on_the_remembered_format(tmp_path: Path) -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        dialog = ExportDialog("1 paper", folder=str(tmp_path), format="markdown")
        app.push_screen(dialog, app.answers.append)
        await pilot.pause()
        assert app.screen.query_one(Input).value == str(tmp_path / "readlist-export.md")
        await pilot.press("escape")
    assert app.answers == [None]


@pytest.mark.parametrize("dialog", ["export", "path"])
async def test_a_blank_path_warns_and_keeps_the_dialog_then_a_typed_one_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialog: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    shown: list[tuple[object, str]] = []
    original = DialogApp.notify

    def notify(self: DialogApp, message: str, **kwargs: object) -> None:
        shown.append((kwargs.get("severity"), message))
        original(self, message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DialogApp, "notify", notify)
    app = DialogApp()
    async with app.run_test() as pilot:
        if dialog == "export":
            screen: ExportDialog | PathPrompt = ExportDialog("1 paper", folder=str(tmp_path))
        else:
            screen = PathPrompt("Save to")
        app.push_screen(screen, app.answers.append)
        await pilot.pause()
        app.screen.query_one(Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.answers == []
        assert shown == [("warning", "Type a file path first")]
        app.screen.query_one(Input).value = " ~/out.bib "
        await pilot.press("enter")
        await pilot.pause()
    expected = tmp_path / "out.bib"
    assert app.answers == [ExportChoice(expected, "bibtex") if dialog == "export" else expected]


# -- the ":" prompt ----------------------------------------------------------------


def test_the_prompt_knows_every_command_of_the_command_line() -> None:
    import argparse

    from readlist.cli import build_parser

    parsers = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    assert {name: p.description for name, p in parsers.choices.items()} == CLI_COMMANDS


def test_command_completion_names_commands_then_keys() -> None:
    assert command_candidates("ta", []) == ["tag"]
    assert "export" in command_candidates("e", []) and "tui" not in command_candidates("e", [])
    assert command_candidates("tag sun", ["sun2023aligning", "sheng2023s", "sun2024b"]) == [
        "tag sun2023aligning",
        "tag sun2024b",
    ]
    assert command_candidates("list --", ["a"]) == []
    assert command_candidates("mark ", ["a", "b"]) == ["mark a", "mark b"]


@pytest.mark.parametrize(
    ("line", "refused", "dangerous"),
    [
        (["list", "tag:ml"], False, False),
        (["tag", "k", "ml"], False, False),
        (["--help"], False, False),
        (["no-such-command"], False, False),  # the command line says what is wrong
        (["remove", "--help"], False, False),
        (["note", "--append", "k", "more"], False, False),
        (["tui"], True, False),
        ([], True, False),
        (["note", "k"], True, False),  # would open $EDITOR
        (["note", "k", "-"], True, False),  # would read stdin
        (["note", "k", "some text"], False, False),
        (["import", "-"], True, False),
        (["open", "k"], True, False),
        (["--library", "/elsewhere.json", "list"], True, False),
        (["remove", "a", "b"], False, True),
        (["restore"], False, False),  # lists the backups
        (["restore", "2026-11-24"], False, True),
        (["doctor", "--fix"], False, True),
    ],
)
def test_check_command(line: list[str], refused: bool, dangerous: bool) -> None:
    check = check_command(line)
    assert (check.refusal is not None, check.danger is not None) == (refused, dangerous)


async def test_run_cli_runs_the_real_command_line_on_the_library(
    library_path: Path,
) -> None:
    key = key_of(library_path, "Zero")
    result = await run_cli(library_path, ["tag", key, "from-the-prompt"])
    assert result.status == 0, result.output
    assert "from-the-prompt" in fresh(library_path).get(key).tags
    listed = await run_cli(library_path, ["list", "tag:from-the-prompt"])
    assert listed.status == 0 and "Zero Bubble" in listed.output
    bad = await run_cli(library_path, ["list", "year:20x"])
    assert bad.status != 0 and "year" in bad.output and "Traceback" not in bad.output


async def test_the_prompt_splits_like_a_shell_and_reports_an_unclosed_quote() -> None:
    app = DialogApp()
    async with app.run_test() as pilot:
        app.push_screen(CommandPrompt(["sun2023"]), app.answers.append)
        await pilot.pause()
        await pilot.press(*'note sun2023 "two words', "enter")
        error = app.screen.query_one("#command-error")
        assert error.display  # still open, saying what is wrong
        await pilot.press('"', "enter")
    assert app.answers == [["note", "sun2023", "two words"]]


async def test_command_output_is_shown_as_plain_text() -> None:
    from tests.tui.tui_helpers import static_text

    app = DialogApp()
    output = "[bold]not markup[/] [@click=app.quit]x[/]\n\x1b[31mred\x1b[0m"
    async with app.run_test() as pilot:
        app.push_screen(CommandOutput(CommandResult(("list",), 0, output)))
        await pilot.pause()
        shown = static_text(app.screen.query_one("#command-text"))  # type: ignore[arg-type]
        assert "[bold]not markup[/] [@click=app.quit]x[/]" in shown
        assert "\x1b" not in shown and "red" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, CommandOutput)


# -- state file --------------------------------------------------------------------


def test_state_round_trip_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state" / "tui.json"
    monkeypatch.setenv(STATE_ENV, str(path))
    assert state_path() == path
    assert load_state() == (TuiState(), None)  # a first run
    state = TuiState(sort_by="title", sort_reversed=True, sidebar_visible=False)
    state.remember_query(Path("/lib.json"), "tag:ml")
    state.export_folder, state.export_format = "/tmp/out", "markdown"
    assert save_state(state) is None
    assert load_state() == (state, None)
    state.remember_query(Path("/lib.json"), "")
    assert state.query_for(Path("/lib.json")) == ""


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"sort_by": 3}', b'{"queries": {"a": 1}}', b"\xff\xfe"],
)
def test_a_damaged_state_is_ignored_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    state, problem = load_state(path)
    assert state == TuiState()
    assert problem is not None and str(path) in problem and "\n" not in problem


def test_an_unknown_export_format_falls_back_and_unknown_members_are_ignored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"export_format": "pdf", "later": 1, "sort_by": "title"}))
    state, problem = load_state(path)
    assert problem is None and state.export_format == "bibtex" and state.sort_by == "title"


def test_a_state_that_cannot_be_saved_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    problem = save_state(TuiState(), blocker / "state.json")
    assert problem is not None and "state" in problem


async def test_a_command_session_runs_shows_and_reports(library_path: Path) -> None:
    from readlist.tui.dialogs.command import command_session
    from tests.tui.tui_helpers import static_text

    key = key_of(library_path, "Zero")
    ran: list[bool] = []
    app = DialogApp()
    async with app.run_test() as pilot:
        command_session(app, library_path, [key], ran=lambda: ran.append(True))  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.press(*"tag zero-key", "enter")  # no such key: the command line says so
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandOutput) and app.screen.result.status != 0
        await pilot.press("escape")
        command_session(app, library_path, [key], ran=lambda: ran.append(True))  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.press(*f"remove {key}", "enter")
        await pilot.pause()
        await pilot.press("n")  # asked first; no
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, CommandOutput)
        assert key in {p.key for p in fresh(library_path).papers()}
        command_session(app, library_path, [key], ran=lambda: ran.append(True))
        await pilot.pause()
        await pilot.press(*"mark ", "tab", *" read", "enter")  # tab completes the key
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandOutput) and app.screen.result.status == 0
        assert key in static_text(app.screen.query_one("#command-text"))
    assert fresh(library_path).get(key).status.value == "read"
    assert len(ran) == 2
