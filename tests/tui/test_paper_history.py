"""H: the history of the highlighted paper, read on the library thread, newest first."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

import readlist.store.journal
import readlist.tui.screens.paper_history as paper_history_screen
from readlist.errors import LibraryError
from readlist.models import Paper
from readlist.store import Library
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.screens.paper_history import PaperHistoryScreen, local_time
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import (
    HOSTILE_TITLE,
    SIZE,
    AppFactory,
    Clock,
    build_library,
    fresh,
    key_of,
    settle,
    static_text,
)


@pytest.fixture(autouse=True)
def _journal_on_the_clock(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[None]:
    """Journal entries dated by the test clock, from a machine called "laptop", in Berlin."""

    class Fixed(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Fixed:
            return cls.fromtimestamp(clock.now.timestamp(), tz)

    monkeypatch.setattr(readlist.store.journal, "datetime", Fixed)
    monkeypatch.setattr(readlist.store.journal, "_host_name", lambda: "laptop")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def rows(app: ReadlistApp) -> str:
    return static_text(app.screen.query_one("#history-rows", Static))


async def open_history(pilot: Pilot[None], app: ReadlistApp, key: str) -> None:
    assert app.screen.query_one(PaperTable).move_to(key)
    await pilot.press("H")
    await settle(pilot)
    assert isinstance(app.screen, PaperHistoryScreen)


async def test_H_says_loading_until_the_library_thread_has_read_the_journal(
    app: ReadlistApp, library_path: Path
) -> None:
    paper = key_of(library_path, "NoisyQuant")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        gate = threading.Event()
        app.screen.session.submit(lambda library: gate.wait(10))  # the thread is busy
        assert app.screen.query_one(PaperTable).move_to(paper)
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, PaperHistoryScreen)
        assert "Loading" in rows(app)
        gate.set()
        await settle(pilot)
        shown = rows(app)
        assert "Loading" not in shown
        assert "History of" in static_text(app.screen.query_one("#history-heading", Static))
        # Newest first: the note, the status, the import; local time (Berlin, CET).
        lines = [line for line in shown.splitlines() if line.strip()]
        assert lines[0].split() == ["When", "Machine", "Command", "Changed"]
        assert "notes: —" in shown and "status: unread → read" in shown
        assert shown.index("notes:") < shown.index("status: unread") < shown.index("added:")
        assert "2024-03-25 10:30" in shown  # added 09:30 UTC (CET)
        assert "2024-04-16 11:30  laptop" in shown  # read 09:30 UTC (CEST)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_an_undo_shows_when_the_history_is_opened_again(
    app: ReadlistApp, library_path: Path, clock: Clock
) -> None:
    paper = key_of(library_path, "Zero")  # read
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PaperTable).move_to(paper)
        await pilot.press("U")
        await settle(pilot)
        await open_history(pilot, app, paper)
        first = rows(app)
        assert "tui: mark unread" in first and "status: read → unread" in first
        assert "(undone)" not in first
        await pilot.press("q")
        await pilot.pause()
        clock.advance(minutes=5)
        await pilot.press("u")
        await settle(pilot)
        await open_history(pilot, app, paper)
        again = rows(app)
        assert again.index("tui: undo") < again.index("tui: mark unread (undone)")
        assert "status: unread → read" in again
        undo_line = next(line for line in again.splitlines() if "tui: undo" in line)
        assert undo_line.startswith("2024-04-18 11:35  laptop")


async def test_a_paper_renamed_keeps_the_history_of_its_old_key(
    app: ReadlistApp, library_path: Path
) -> None:
    old = key_of(library_path, "S-LoRA")
    renaming = Library(library_path)
    renaming.command = "rekey"
    renaming.rename({old: "renamed2023"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, app, "renamed2023")
        shown = rows(app)
        assert f"key: {old} → renamed2023" in shown
        assert "added: S-LoRA" in shown


async def test_hostile_text_in_the_history_shows_as_typed(
    make_app: AppFactory, tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "hostile.json"
    library = build_library(path, clock, [Paper(title=HOSTILE_TITLE, authors=["A B"])])
    key = library.papers()[0].key
    library.command = "tag [bold]x[/] [@click=app.quit]q[/]"
    library.add_tags([key], ["[bold]x"])
    library.set_note(key, "[@click=app.quit]quit[/] \x1b[31mred")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, app, key)
        shown = rows(app)
        assert "tags: +[bold]x" in shown
        assert "tag [bold]x[/] [@click=app.quit]q[/]" in shown
        assert "notes: — → [@click=app.quit]quit[/] red" in shown  # the escape removed
        assert "\x1b" not in shown
        heading = static_text(app.screen.query_one("#history-heading", Static))
        assert "[bold red]x[/]" in heading and "\x1b" not in heading
        await pilot.click("#history-rows")
        await pilot.pause()
        assert app.is_running


def test_times_are_shown_in_local_time() -> None:
    assert local_time("2024-07-01T22:30:00Z", UTC) == "2024-07-01 22:30"
    assert local_time("2024-07-01T22:30:00Z") == "2024-07-02 00:30"  # Berlin, summer
    assert local_time("not a time[b]") == "not a time[b]"


def test_history_snapshot(snap_compare: object, app: ReadlistApp, library_path: Path) -> None:
    key = key_of(library_path, "NoisyQuant")
    noted = fresh(library_path)
    noted.command = "tag " + key + " quant"
    noted.add_tags([key], ["quant", "to-read"])

    async def history(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await open_history(pilot, pilot.app, key)  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(100, 20), run_before=history)  # type: ignore[operator]


async def test_a_long_history_shows_the_newest_and_counts_the_rest(
    app: ReadlistApp, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paper_history_screen, "MOST_ROWS", 2)
    paper = key_of(library_path, "NoisyQuant")  # three commands: import, status, note
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, app, paper)
        shown = rows(app)
        assert "notes:" in shown and "status: unread → read" in shown
        assert "added:" not in shown
        assert "… 1 older commands not shown" in shown


async def test_a_history_that_cannot_be_read_says_why(
    app: ReadlistApp, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(library: Library, key: str) -> None:
        raise LibraryError("the journal [bold]is[/] unreadable")

    monkeypatch.setattr(paper_history_screen, "read_history", broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, app, key_of(library_path, "NoisyQuant"))
        assert rows(app).strip() == "Cannot read the history: the journal [bold]is[/] unreadable"
