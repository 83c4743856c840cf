"""A malformed query in the search bar shows its one-line error under the bar, never a match-all."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Input, Static

from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, settle


def titles(app: ReadlistApp) -> list[str]:
    return sorted(paper.title.split()[0] for paper in app.screen.query_one(PaperTable).papers)


def error_text(app: ReadlistApp) -> str:
    content = app.screen.query_one("#query-error", Static).render()
    return content.plain if isinstance(content, Text) else str(content)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("vision year:", "'year:' at position 8 needs a value (for example year:>=2023)"),
        ("vision tag:", "'tag:' at position 8 needs a value (for example tag:ml)"),
        ('vision "sinks', "the quote at position 8 is not closed"),
        ("vision year:>=20x", "bad year '>=20x' at position 8"),
        ("vision (lora", "'(' at position 8 is not closed"),
    ],
)
async def test_a_malformed_query_shows_where_and_keeps_the_last_result(
    app: ReadlistApp, bad: str, message: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        search.value = "vision"
        await pilot.pause()
        good = titles(app)
        assert good == ["Aligning", "Scaling"]
        search.value = bad
        await pilot.pause()
        error = app.screen.query_one("#query-error", Static)
        assert error.display and message in error_text(app)
        assert "\n" not in error_text(app).strip()
        assert titles(app) == good  # not every paper
        search.value = "vision OR lora"
        await pilot.pause()
        assert not error.display
        assert titles(app) != good
