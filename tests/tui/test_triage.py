"""Triage mode: unread papers one at a time, one key per decision, a summary at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import ProgressBar, Static

from readlist.models import Status
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.screens.triage import TriageScreen, TriageSummary
from readlist.tui.widgets.paper_detail import PaperDetail
from tests.tui.tui_helpers import SIZE, Browser, fresh, key_of, settle


def shown_title(app: ReadlistApp) -> str:
    detail = app.screen.query_one(PaperDetail)
    assert detail.paper is not None
    return detail.paper.title.split()[0]


def count_label(app: ReadlistApp) -> str:
    content = app.screen.query_one("#triage-count", Static).render()
    return content.plain if isinstance(content, Text) else str(content)


@pytest.mark.parametrize("key", ["v", "ctrl+t"])
async def test_triage_opens_on_the_unread_papers(app: ReadlistApp, key: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        assert isinstance(app.screen, TriageScreen)
        assert shown_title(app) == "S-LoRA:"  # unread papers, in the view's order
        assert count_label(app) == "1 / 3"
        bar = app.screen.query_one(ProgressBar)
        assert bar.total == 3 and bar.progress == 0


async def test_a_triage_session(app: ReadlistApp, library_path: Path, browser: Browser) -> None:
    slora = key_of(library_path, "S-LoRA")
    efficient = key_of(library_path, "Efficient")
    aligning = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await pilot.press("o")  # open its code
        await settle(pilot)  # in a worker
        assert browser.urls == ["https://github.com/S-LoRA/S-LoRA"]
        await pilot.press("r")  # read now
        assert fresh(library_path).get(slora).status is Status.READING
        assert shown_title(app) == "Efficient"
        assert count_label(app) == "2 / 3"
        assert app.screen.query_one(ProgressBar).progress == 1
        await pilot.press("t", *"later", "enter")
        await settle(pilot)
        assert fresh(library_path).get(efficient).tags == ["later", "llm"]
        assert shown_title(app) == "Efficient"  # tagging does not move on
        await pilot.press("n", *"Worth a look", "ctrl+s")
        await settle(pilot)
        assert fresh(library_path).get(efficient).notes == "Worth a look"
        await pilot.press("s")  # skip
        assert fresh(library_path).get(efficient).status is Status.UNREAD
        assert shown_title(app) == "Aligning"
        await pilot.press("d")  # done
        assert fresh(library_path).get(aligning).status is Status.READ
        screen = app.screen
        assert isinstance(screen, TriageScreen) and screen.finished
        summary = screen.query_one("#triage-summary", Static)
        assert summary.display
        text = str(summary.render())
        assert "3 of 3 unread papers seen" in text
        for line in ("1  → reading", "1  → read", "1  skipped", "1  tagged",
                     "1  notes written", "1  links opened"):  # fmt: skip
            assert line in text
        await pilot.press("r")  # no more decisions once finished
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    assert screen.summary == TriageSummary(
        total=3, seen=3, reading=1, read=1, skipped=1, tagged=1, noted=1, opened=1
    )


async def test_escape_stops_early_with_a_summary(app: ReadlistApp, library_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "s", "escape")
        screen = app.screen
        assert isinstance(screen, TriageScreen) and screen.finished
        assert "1 of 3 unread papers seen" in str(screen.query_one("#triage-summary").render())
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
    assert screen.summary.line() == "1 of 3 papers: skipped 1"


async def test_triage_follows_the_query(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search").value = "tag:llm"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("v")
        assert count_label(app) == "1 / 1"
        assert shown_title(app) == "Efficient"


async def test_no_unread_papers_no_triage(
    app: ReadlistApp, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search").value = "status:read"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("v")
        assert isinstance(app.screen, LibraryScreen)
        assert ("information", "No unread papers in this view") in notifications


async def test_a_paper_removed_during_triage_is_skipped(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        app.library.remove([key_of(library_path, "Efficient")])
        await pilot.press("s")
        await settle(pilot)  # the next paper is checked on the library thread
        assert shown_title(app) == "Aligning"


async def test_u_after_a_wrong_d_brings_the_paper_back_unread_and_ctrl_r_redoes_it(
    app: ReadlistApp, library_path: Path, notifications: list[tuple[str, str]]
) -> None:
    slora = key_of(library_path, "S-LoRA")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "d")  # S-LoRA: done (by mistake)
        await settle(pilot)
        assert fresh(library_path).get(slora).status is Status.READ
        assert shown_title(app) == "Efficient"
        await pilot.press("s")  # and a skip after it
        assert count_label(app) == "3 / 3"
        await pilot.press("u")
        await settle(pilot)
        assert fresh(library_path).get(slora).status is Status.UNREAD
        assert shown_title(app) == "S-LoRA:"  # back on the paper, unread again
        detail = app.screen.query_one(PaperDetail)
        assert detail.paper is not None and detail.paper.status is Status.UNREAD
        assert count_label(app) == "1 / 3"
        assert app.screen.query_one(ProgressBar).progress == 0
        assert isinstance(app.screen, TriageScreen)
        assert (app.screen.summary.seen, app.screen.summary.read) == (0, 0)
        assert app.screen.summary.skipped == 0  # Efficient comes again
        assert ("information", f"Undid tui: done: {slora}: unread → read") in notifications
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert fresh(library_path).get(slora).status is Status.READ
        assert shown_title(app) == "Efficient"  # decided again: moved on
        assert (app.screen.summary.seen, app.screen.summary.read) == (1, 1)
        assert [e.command for e in fresh(library_path).history()[-2:]] == [
            "tui: undo",
            "tui: redo",
        ]


async def test_u_on_the_summary_goes_back_to_the_last_paper(
    app: ReadlistApp, library_path: Path
) -> None:
    aligning = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "s", "s", "r")  # the last paper: read now, then the summary
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen) and screen.finished
        assert fresh(library_path).get(aligning).status is Status.READING
        await pilot.press("u")
        await settle(pilot)
        assert not screen.finished
        assert not screen.query_one("#triage-summary").display
        assert shown_title(app) == "Aligning"
        assert fresh(library_path).get(aligning).status is Status.UNREAD
        assert (screen.summary.seen, screen.summary.reading, screen.summary.skipped) == (2, 0, 2)


async def test_u_after_a_tag_keeps_the_paper_on_show(app: ReadlistApp, library_path: Path) -> None:
    efficient = key_of(library_path, "Efficient")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "s", "t", *"later", "enter")
        await settle(pilot)
        assert "later" in fresh(library_path).get(efficient).tags
        await pilot.press("u")
        await settle(pilot)
        assert "later" not in fresh(library_path).get(efficient).tags
        assert shown_title(app) == "Efficient" and count_label(app) == "2 / 3"
        detail = app.screen.query_one(PaperDetail)
        assert detail.paper is not None and "later" not in detail.paper.tags
