"""The library thread: keys are answered while a save runs, and all of them land in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from readlist.models import Status
from readlist.store import Library, chunked_json
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, TODAY, Clock, fresh, key_of, settle

#: How long each status save takes in the slowed library.
SLOW_SAVE = 0.4


class SlowLibrary(Library):
    """A library whose status saves take :data:`SLOW_SAVE` seconds (a slow disk)."""

    def set_status(self, keys: Iterable[str], status: Status) -> list[str]:
        """Wait, then save."""
        time.sleep(SLOW_SAVE)
        return super().set_status(keys, status)


async def test_keys_pressed_during_a_slow_save_all_land_in_order(
    library_path: Path, clock: Clock
) -> None:
    app = ReadlistApp(SlowLibrary(library_path), today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        keys = [paper.key for paper in table.papers[:3]]
        before = {key: fresh(library_path).get(key).status for key in keys}
        started = time.monotonic()
        await pilot.press("r", "j", "r", "j", "r")
        answered = time.monotonic() - started
        # The interface answered meanwhile: the cursor moved on while the saves queued,
        # and the last paper is not saved yet (three saves take 3 × SLOW_SAVE).
        assert table.cursor == 2
        assert answered < 3 * SLOW_SAVE
        assert fresh(library_path).get(keys[2]).status is before[keys[2]]
        await settle(pilot)
        on_disk = fresh(library_path)
        for key in keys:
            assert on_disk.get(key).status is before[key].next(), key
        # The rows were redrawn from the saved library, cursor still on the third paper.
        assert table.highlighted is not None and table.highlighted.key == keys[2]
        assert table.highlighted.status is before[keys[2]].next()


async def test_r_twice_on_one_paper_moves_it_on_twice(library_path: Path, clock: Clock) -> None:
    app = ReadlistApp(SlowLibrary(library_path), today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        key = table.papers[0].key
        before = fresh(library_path).get(key).status
        await pilot.press("r", "r")  # the second is pressed before the first is saved
        await settle(pilot)
        assert fresh(library_path).get(key).status is before.next().next()


async def test_cursor_and_selection_survive_an_external_change(
    app: ReadlistApp, library_path: Path
) -> None:
    aligning = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        table.move_to(aligning)
        await pilot.press("space", "k")
        selected = table.selected
        assert aligning in selected
        cursor_key = table.highlighted.key if table.highlighted else None
        fresh(library_path).add_tags([aligning], ["from-cli"])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            paper = app.session.snapshot.get(aligning)
            if paper is not None and "from-cli" in paper.tags:
                break
        await settle(pilot)
        assert table.selected == selected
        assert table.highlighted is not None and table.highlighted.key == cursor_key
        assert isinstance(app.screen, LibraryScreen)


async def test_stats_closed_before_they_are_counted(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S", "escape")  # the figures come back to a closed screen
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.is_running


async def test_rows_stay_in_order_as_papers_change_here_and_elsewhere(
    app: ReadlistApp, library_path: Path
) -> None:
    from readlist.query import sort_papers

    def expected() -> list[str]:
        return [paper.key for paper in sort_papers(fresh(library_path).papers(), "status")]

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.sort_by = "status"
        screen.refresh_view()
        await settle(pilot)
        table = screen.query_one(PaperTable)
        assert [paper.key for paper in table.papers] == expected()
        await pilot.press("r", "j", "j", "d")  # saved here: two papers move
        await settle(pilot)
        assert [paper.key for paper in table.papers] == expected()
        last = table.papers[-1].key
        fresh(library_path).set_status([last], Status.UNREAD)  # saved by another process
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            paper = app.session.snapshot.get(last)
            if paper is not None and paper.status is Status.UNREAD:
                break
        await settle(pilot)
        assert [paper.key for paper in table.papers] == expected()


async def test_typing_in_a_large_library_keeps_no_garbage_for_good(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from readlist.tui import session

    monkeypatch.setattr(session, "FREEZE_AT", 1)  # the sample library counts as large
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        frozen = gc.get_freeze_count()
        for _ in range(15):
            await pilot.press("a", "backspace")
            await settle(pilot)
        # Each query is a library job; what the interface made meanwhile stays collectable.
        assert gc.get_freeze_count() - frozen < 1000
    gc.unfreeze()  # the first load was frozen: give it back for the tests after this one


async def test_the_library_thread_gives_way_to_the_loop_but_never_waits_on_a_waiting_loop(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between two pieces of a file, the library thread lets the loop run what it has
    # queued first (docs/performance.md); never when the loop is itself waiting for the
    # library thread (closing, keeping a draft), or it would wait for nothing.
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = app.session
        loop = session._loop
        assert loop is not None
        asked: list[object] = []
        call_soon_threadsafe = loop.call_soon_threadsafe

        def spy(callback: Any, *args: Any) -> Any:
            if isinstance(getattr(callback, "__self__", None), threading.Event):
                asked.append(callback)  # a "call me back" (futures finishing also call this)
            return call_soon_threadsafe(callback, *args)

        monkeypatch.setattr(loop, "call_soon_threadsafe", spy)

        def pieces(_: Library) -> float:
            chunked_json.dumps_tables({"papers": {str(n): {"k": n} for n in range(500)}})
            return session._gave_way

        gave_way = await session.submit(pieces)
        assert len(asked) == 1  # once per GIVE_WAY_EVERY: the pieces took less than that
        assert 0 < gave_way < float("inf")  # and the loop called back
        asked.clear()
        session.call_now(pieces)  # the loop waits for it: no giving way
        assert asked == []
        session._give_way()  # not the library thread
        assert asked == []
        await settle(pilot)
