"""The main screen: table, detail pane, search, sorting, facets, counts, navigation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Input, Static

from readlist.tui.app import ReadlistApp
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.facet_sidebar import FacetSidebar, toggle_term
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, key_of, settle, wait_until


def rows(app: ReadlistApp) -> list[str]:
    """The titles in the table, in display order (first word only)."""
    return [paper.title.split()[0] for paper in app.screen.query_one(PaperTable).papers]


def focused(app: ReadlistApp) -> object:
    """The focused widget (typed loosely so successive checks do not narrow it)."""
    return app.focused


def highlighted(app: ReadlistApp) -> str:
    paper = app.screen.query_one(PaperTable).highlighted
    assert paper is not None
    return paper.title.split()[0]


def screen_text(app: ReadlistApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_opens_on_the_library_sorted_by_date(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert rows(app) == ["Zero", "S-LoRA:", "Efficient", "Aligning", "Scaling", "NoisyQuant:"]
        assert focused(app) is app.screen.query_one(PaperTable)
        header = screen_text(app, "CountsHeader .counts-library")
        assert "6 papers" in header
        assert "○ 3 unread" in header and "◐ 1 reading" in header and "● 2 read" in header
        assert "showing 6" in screen_text(app, "CountsHeader .counts-view")


async def test_cursor_keys_move_and_the_detail_pane_follows(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.screen.query_one(PaperDetail)
        assert highlighted(app) == "Zero"
        await pilot.press("j")
        assert highlighted(app) == "S-LoRA:"
        await pilot.press("down", "down")
        assert highlighted(app) == "Aligning"
        await pilot.press("k")
        assert highlighted(app) == "Efficient"
        await pilot.press("up")
        assert highlighted(app) == "S-LoRA:"
        await pilot.press("G")
        assert highlighted(app) == "NoisyQuant:"
        await pilot.press("g")
        assert highlighted(app) == "Zero"
        await pilot.press("end")
        await pilot.pause()
        assert detail.paper is not None and detail.paper.title.startswith("NoisyQuant")
        assert screen_text(app, "PaperDetail .detail-title").startswith("NoisyQuant")
        await pilot.press("home")
        assert highlighted(app) == "Zero"


async def test_enter_focuses_the_detail_pane_and_escape_comes_back(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert focused(app) is app.screen.query_one(PaperDetail)
        await pilot.press("escape")
        assert focused(app) is app.screen.query_one(PaperTable)


async def test_detail_pane_shows_every_fact(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # Aligning
        await pilot.pause()
        assert highlighted(app) == "Aligning"
        assert "Zhiqing Sun, Sheng Shen, Shengcao Cao et al." in screen_text(
            app, "PaperDetail .detail-authors"
        )
        assert screen_text(app, "PaperDetail .detail-affiliations") == "berkeley, cmu"
        facts = screen_text(app, "PaperDetail .detail-facts")
        for expected in (
            "○ unread",
            "2023-09-25",
            "cs.CV",
            "rlhf vision",
            "https://github.com/llava-rlhf/LLaVA-RLHF",
            "added      2024-03-04",
        ):
            assert expected in facts
        assert "vision-language alignment" in screen_text(app, "PaperDetail .detail-abstract")


async def test_notes_are_rendered_as_markdown(app: ReadlistApp) -> None:
    from textual.widgets import Markdown

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await pilot.pause()
        markdown = app.screen.query_one(PaperDetail).query_one(Markdown)
        assert markdown.display
        assert "**Key idea**" in markdown.source
        assert markdown.query("MarkdownBulletList")  # a real list, not the raw text
        await pilot.press("g")
        await pilot.pause()
        assert not markdown.display  # no note, no notes section


async def test_search_filters_as_you_type(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        search = app.screen.query_one("#search", Input)
        assert focused(app) is search
        await pilot.press(*"vision")
        assert sorted(rows(app)) == ["Aligning", "Scaling"]
        assert "showing 2" in screen_text(app, "CountsHeader .counts-view")
        await pilot.press("space", *"-tag:rlhf")
        assert rows(app) == ["Scaling"]
        await pilot.press("enter")
        assert focused(app) is app.screen.query_one(PaperTable)


async def test_query_language_filters(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        for query, expected in [
            ("status:read", ["Zero", "NoisyQuant:"]),
            ("tag:systems", ["Zero", "S-LoRA:"]),
            ("author:yao", ["Scaling"]),
            ("year:2022", ["NoisyQuant:"]),
            ("cat:cv code:yes", ["Aligning"]),
            ('"attention sinks"', ["Efficient"]),
            ("quantizing", ["NoisyQuant:"]),  # words in notes match too
        ]:
            search.value = query
            await pilot.pause()
            assert rows(app) == expected, query


async def test_a_bad_query_shows_its_error_and_keeps_the_last_result(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"vision")
        app.screen.query_one("#search", Input).value = "vision foo:x"  # as if pasted
        await pilot.pause()
        error = app.screen.query_one("#query-error", Static)
        assert error.display
        assert "unknown filter 'foo:'" in screen_text(app, "#query-error")
        assert sorted(rows(app)) == ["Aligning", "Scaling"]
        assert app.screen.query_one("#search").has_class("-invalid")
        await pilot.press("end", *["backspace"] * 5)
        assert not error.display
        assert sorted(rows(app)) == ["Aligning", "Scaling"]


async def test_escape_leaves_the_search_bar_and_a_second_clears_the_query(
    app: ReadlistApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        await pilot.press("slash", *"tag:llm")
        assert len(rows(app)) == 2
        await pilot.press("escape")  # leaves the bar, the query stays
        assert focused(app) is app.screen.query_one(PaperTable)
        assert search.value == "tag:llm" and len(rows(app)) == 2
        await pilot.press("escape")  # from the table: clears the query
        assert search.value == "" and len(rows(app)) == 6
        # With a selection, escape clears the selection first.
        search.value = "tag:llm"
        await pilot.pause()
        await pilot.press("space", "escape")
        assert not app.screen.query_one(PaperTable).selected and len(rows(app)) == 2
        await pilot.press("escape")
        assert len(rows(app)) == 6


async def test_a_new_search_puts_the_cursor_on_its_first_row(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        assert highlighted(app) == "Aligning"
        await pilot.press("slash", *"vision")
        assert rows(app) == ["Aligning", "Scaling"] and highlighted(app) == "Aligning"
        await pilot.press("escape", "j")
        assert highlighted(app) == "Scaling"
        await pilot.press("slash", "end", "backspace")  # "visio": the same rows, a new search
        assert highlighted(app) == "Aligning"


async def test_s_cycles_the_sort_order(app: ReadlistApp, library_path: Path) -> None:
    from readlist.query import sort_papers
    from readlist.store import Library

    by_status = [p.title.split()[0] for p in sort_papers(Library(library_path).papers(), "status")]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = {
            "added": ["Zero", "Efficient", "NoisyQuant:", "Scaling", "S-LoRA:", "Aligning"],
            "title": ["Aligning", "Efficient", "NoisyQuant:", "S-LoRA:", "Scaling", "Zero"],
            "author": ["Efficient", "Zero", "Scaling", "NoisyQuant:", "S-LoRA:", "Aligning"],
            "status": by_status,
            "published": ["Zero", "S-LoRA:", "Efficient", "Aligning", "Scaling", "NoisyQuant:"],
        }
        for order, titles in expected.items():
            await pilot.press("s")
            assert rows(app) == titles, order
            assert f"sorted by {order}" in screen_text(app, "CountsHeader .counts-view")


async def test_sorting_keeps_the_cursor_on_its_paper(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert highlighted(app) == "Efficient"
        await pilot.press("s", "s")
        assert highlighted(app) == "Efficient"


async def test_choosing_a_facet_filters_through_the_query(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(FacetSidebar)
        search = app.screen.query_one("#search", Input)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("tag:vision")
        await pilot.press("enter")
        assert search.value == "tag:vision"
        assert sorted(rows(app)) == ["Aligning", "Scaling"]
        sidebar.highlighted = sidebar.get_option_index("status:reading")
        await pilot.press("enter")
        assert search.value == "tag:vision status:reading"
        assert rows(app) == ["Scaling"]
        sidebar.highlighted = sidebar.get_option_index("status:unread")
        await pilot.press("enter")
        assert search.value == "tag:vision status:unread"
        sidebar.highlighted = sidebar.get_option_index("tag:vision")
        await pilot.press("enter")
        assert search.value == "status:unread"
        sidebar.highlighted = sidebar.get_option_index("cat:cs.CL")
        await pilot.press("enter")
        assert search.value == "status:unread cat:cs.CL"
        assert rows(app) == ["Efficient"]


async def test_sidebar_lists_counts(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(FacetSidebar)
        labels = {
            option.id: str(option.prompt) for option in sidebar.options if option.id is not None
        }
        assert labels["status:unread"].split()[-1] == "3"
        assert labels["status:read"].split()[-1] == "2"
        assert labels["tag:systems"].split()[-1] == "2"
        assert labels["tag:rlhf"].split()[-1] == "1"
        assert labels["cat:cs.CV"].split()[-1] == "3"


def test_toggle_term() -> None:
    assert toggle_term("", "tag", "ml") == "tag:ml"
    assert toggle_term("vision tag:ml", "tag", "ml") == "vision"
    assert toggle_term("tag:ml", "tag", "cv") == "tag:ml tag:cv"
    assert toggle_term("status:unread x", "status", "read") == "x status:read"
    assert toggle_term('"a b" cat:cs.CV', "cat", "cs.LG") == '"a b" cat:cs.LG'
    assert toggle_term("", "tag", "two words") == 'tag:"two words"'


async def test_the_table_draws_rows_as_plain_text(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        heading = table.render_line(0).text
        assert "Title" in heading and "First author" in heading and "Year▾" in heading
        first = table.render_line(1).text
        # Selection mark, status, note mark (this paper has no note), a space, the title.
        assert first.startswith(" ●  Zero Bubble Pipeline Parallelism")
        assert "Penghui Qi et al." in first and "2023" in first and "cs.DC" in first
        second = table.render_line(2).text
        assert "⌘" in second and "systems" in second


async def test_key_of_helper(library_path: Path) -> None:
    assert key_of(library_path, "Zero").startswith("qi2023")


async def test_a_burst_of_keys_after_slash_goes_to_the_search_bar(
    app: ReadlistApp, library_path: Path
) -> None:
    from textual import events

    from readlist.models import Status
    from readlist.store import Library

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # All at once, as a paste or a script would send them: none may reach the table
        # ("r" would change a status, "e" would open the export prompt).
        for key, char in [("slash", "/"), *((c, c) for c in "reading")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "reading"
        assert isinstance(app.screen, LibraryScreen)
    assert Library(library_path).status_counts()[Status.READING] == 1  # unchanged


async def test_a_damaged_library_is_reported_not_a_crash(
    make_app: object, tmp_path: Path, notifications: list[tuple[str, str]]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    app = make_app(path)  # type: ignore[operator]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert any(
            severity == "error" and "is not valid JSON" in message
            for severity, message in notifications
        )
        await pilot.press("r", "t", "escape", "v", "S")  # nothing to act on; nothing breaks
        await settle(pilot)
        assert app.is_running
    assert path.read_text() == "{ not json"


async def test_the_detail_pane_catches_up_after_fast_moves(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist.tui.screens import library as library_screen

    # Long enough that three key presses fit in it on a loaded machine.
    interval = 2.0
    monkeypatch.setattr(library_screen, "DETAIL_INTERVAL", interval)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.screen.query_one(PaperDetail)

        def shows(title_start: str) -> bool:
            return detail.paper is not None and detail.paper.title.startswith(title_start)

        await pilot.press("j", "j", "j")
        assert highlighted(app) == "Aligning"  # the table follows every key at once
        assert not shows("Aligning")
        await wait_until(pilot, lambda: shows("Aligning"), timeout=3 * interval)
        caught_up = time.monotonic()
        # New rows (a search) update the pane at once, however recent the last update.
        app.screen.query_one("#search", Input).value = "tag:llm"
        await wait_until(pilot, lambda: highlighted(app) == "Zero" and shows("Zero"), interval)
        assert time.monotonic() - caught_up < interval
