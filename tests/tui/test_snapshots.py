"""Snapshots of every screen at 120×35, on fixed data and a fixed date."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from readlist.tui.app import ReadlistApp
from tests.tui.tui_helpers import SIZE, AppFactory


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)  # type: ignore[operator]


def test_detail_with_notes(snap_compare: object, app: ReadlistApp) -> None:
    # The last paper by date has a Markdown note; focus the pane and scroll to it.
    assert snap_compare(  # type: ignore[operator]
        app, press=["G", "enter", "end"], terminal_size=SIZE, run_before=_settle
    )


def test_search_with_an_error(snap_compare: object, app: ReadlistApp) -> None:
    async def search(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        field = pilot.app.screen.query_one("#search", Input)
        field.cursor_blink = False
        field.focus()
        field.value = "vision year:20x"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=search)  # type: ignore[operator]


def test_selection(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(  # type: ignore[operator]
        app, press=["space", "j", "space"], terminal_size=SIZE, run_before=_settle
    )


def test_help(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(  # type: ignore[operator]
        app, press=["question_mark"], terminal_size=SIZE, run_before=_settle
    )


def test_triage(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(app, press=["v"], terminal_size=SIZE, run_before=_settle)  # type: ignore[operator]


def test_triage_summary(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(  # type: ignore[operator]
        app, press=["v", "s", "escape"], terminal_size=SIZE, run_before=_settle
    )


def test_stats(snap_compare: object, app: ReadlistApp) -> None:
    async def stats(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("S")
        await _settle(pilot)  # the figures are counted on the library thread

    assert snap_compare(app, terminal_size=SIZE, run_before=stats)  # type: ignore[operator]


def test_note_editor(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(app, press=["G", "n"], terminal_size=SIZE, run_before=_settle)  # type: ignore[operator]


def test_welcome(snap_compare: object, make_app: AppFactory, empty_path: Path) -> None:
    app = make_app(empty_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)  # type: ignore[operator]


def test_main_screen_at_80x24(snap_compare: object, app: ReadlistApp) -> None:
    # Every count in the header, every column, whole keys in the footer.
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)  # type: ignore[operator]


def test_sidebar_hidden_and_sort_reversed(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(  # type: ignore[operator]
        app, press=["backslash", "minus"], terminal_size=SIZE, run_before=_settle
    )


def test_sidebar_focused_at_80x24(snap_compare: object, app: ReadlistApp) -> None:
    assert snap_compare(  # type: ignore[operator]
        app, press=["f", "down"], terminal_size=(80, 24), run_before=_settle
    )


def test_export_dialog_at_80x24(
    snap_compare: object, app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", "/home/reader")  # the suggested file is in the home folder

    async def export(pilot: Pilot[None]) -> None:
        await _settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one(Input).cursor_blink = False

    assert snap_compare(app, terminal_size=(80, 24), run_before=export)  # type: ignore[operator]


def test_triage_at_80x24(snap_compare: object, app: ReadlistApp) -> None:
    # Whole keys in the footer, u Undo among them (o Code left out first).
    assert snap_compare(app, press=["v"], terminal_size=(80, 24), run_before=_settle)  # type: ignore[operator]
