"""ctrl+z and ctrl+y on the library screen: the library's undo and redo, told in a toast."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from readlist.tui.app import ReadlistApp
from tests.tui.tui_helpers import SIZE, fresh, settle


async def test_ctrl_z_undoes_a_tag_added_here_and_ctrl_y_redoes_it(
    app: ReadlistApp, library_path: Path, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", *"undo-me", "enter")
        await settle(pilot)
        entry = fresh(library_path).history()[-1]
        key = entry.changes[0].key
        assert entry.command == "tui: tag"
        assert "undo-me" in fresh(library_path).get(key).tags
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "undo-me" not in fresh(library_path).get(key).tags
        assert ("information", f"Undid tui: tag: {key}: +undo-me") in notifications
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "undo-me" in fresh(library_path).get(key).tags
        assert ("information", f"Redid tui: tag: {key}: +undo-me") in notifications
        commands = [e.command for e in fresh(library_path).history()[-2:]]
        assert commands == ["tui: undo", "tui: redo"]


async def test_ctrl_y_with_nothing_undone_says_so(
    app: ReadlistApp, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert ("information", "Nothing to redo") in notifications


async def test_u_undoes_and_ctrl_r_redoes_while_U_marks_unread(
    app: ReadlistApp, library_path: Path, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the highlighted paper → read
        await settle(pilot)
        key = fresh(library_path).history()[-1].changes[0].key
        assert fresh(library_path).get(key).status.value == "read"
        await pilot.press("u")
        await settle(pilot)
        assert fresh(library_path).get(key).status.value != "read"
        assert fresh(library_path).history()[-1].command == "tui: undo"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert fresh(library_path).get(key).status.value == "read"
        assert fresh(library_path).history()[-1].command == "tui: redo"
        await pilot.press("U")
        await settle(pilot)
        assert fresh(library_path).get(key).status.value == "unread"
        assert fresh(library_path).history()[-1].command == "tui: mark unread"


async def test_u_in_the_search_bar_is_a_letter(app: ReadlistApp, library_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(fresh(library_path).history())
        await pilot.press("slash", "u")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "u"
        assert len(fresh(library_path).history()) == before
