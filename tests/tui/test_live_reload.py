"""Changes saved by another process (the CLI) show up within two seconds, cursor kept."""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot

from readlist.models import Paper, Status
from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle


async def wait_until(pilot: Pilot[None], condition: object, timeout: float = 2.0) -> float:
    """Seconds until ``condition()`` held (fails after ``timeout``)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():  # type: ignore[operator]
            return time.monotonic() - start
        await pilot.pause(0.05)
    raise AssertionError(f"not within {timeout} s")


async def test_an_external_change_shows_up_and_keeps_the_cursor(
    app: ReadlistApp, library_path: Path
) -> None:
    aligning = key_of(library_path, "Aligning")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        table.move_to(aligning)
        await pilot.pause()
        other = fresh(library_path)  # the CLI, in another process
        other.set_status([aligning], Status.READ)
        other.add_tags([aligning], ["from-cli"])
        other.import_papers([Paper(title="A Brand New Paper", authors=["N. Ew"],
                                   published="2024-05-01")])  # fmt: skip

        def picked_up() -> bool:
            return len(table.papers) == 7

        await wait_until(pilot, picked_up)
        await pilot.pause()
        assert table.highlighted is not None and table.highlighted.key == aligning
        assert table.highlighted.status is Status.READ
        assert table.papers[0].title == "A Brand New Paper"  # newest first
        detail = app.screen.query_one(PaperDetail)
        assert detail.paper is not None and "from-cli" in detail.paper.tags
        header = str(app.screen.query_one("CountsHeader .counts-library").render())
        assert "7 papers" in header and "● 3 read" in header


async def test_an_external_removal_of_the_current_paper(
    app: ReadlistApp, library_path: Path
) -> None:
    efficient = key_of(library_path, "Efficient")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        table.move_to(efficient)
        index = table.cursor
        await pilot.press("space")  # selected, then removed elsewhere
        fresh(library_path).remove([efficient])
        await wait_until(pilot, lambda: len(table.papers) == 5)
        assert table.cursor == index  # the next paper moved up under the cursor
        assert efficient not in table.selected


async def test_own_changes_are_not_reloaded_twice(app: ReadlistApp, library_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        assert not app.library.changed_on_disk()
