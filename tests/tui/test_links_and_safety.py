"""Opening links (http/https only) and showing hostile text literally, never as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Markdown, Static

from readlist.links import code_search_url, paper_search_url
from readlist.models import Link, LinkKind, Paper
from readlist.tui.app import ReadlistApp
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, Browser, Clock, build_library, key_of, settle

HOSTILE = "[bold red]x[/] [@click=app.quit]quit[/] \x1b[31mred\x1b[0m\x07 end"


async def test_o_opens_the_code_link(
    app: ReadlistApp, library_path: Path, browser: Browser
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(PaperTable).move_to(key_of(library_path, "S-LoRA"))
        await pilot.press("o")
        await settle(pilot)  # links open in a worker
        assert browser.urls == ["https://github.com/S-LoRA/S-LoRA"]


async def test_o_without_a_code_link_searches_for_the_title(
    app: ReadlistApp, library_path: Path, browser: Browser
) -> None:
    title = "Scaling Vision-Language Models with Sparse Mixture of Experts"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(PaperTable).move_to(key_of(library_path, "Scaling"))
        await pilot.press("o")
        await settle(pilot)  # links open in a worker
        assert browser.urls == [code_search_url(title)]
        assert browser.urls[0].startswith("https://")


async def test_p_opens_the_paper_page(
    app: ReadlistApp, library_path: Path, browser: Browser
) -> None:
    title = "Zero Bubble Pipeline Parallelism"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(PaperTable).move_to(key_of(library_path, "Zero"))
        await pilot.press("p")
        await settle(pilot)
        assert browser.urls == [paper_search_url(title)]


async def test_links_in_notes_open_only_if_http(
    app: ReadlistApp, browser: Browser, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")  # NoisyQuant, whose note has a link
        await pilot.pause()
        markdown = app.screen.query_one(PaperDetail).query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://example.org/noisyquant"))
        await settle(pilot)
        assert browser.urls == ["https://example.org/noisyquant"]
        for href in ("javascript:alert(1)", "file:///etc/passwd", "app.quit"):
            markdown.post_message(Markdown.LinkClicked(markdown, href))
            await pilot.pause()
        assert browser.urls == ["https://example.org/noisyquant"]
        refused = [m for severity, m in notifications if severity == "error"]
        assert len(refused) == 3 and all(m.startswith("refusing to open") for m in refused)
        assert app.is_running


async def test_an_unsafe_code_link_is_refused(
    make_app: object,
    tmp_path: Path,
    clock: Clock,
    browser: Browser,
    notifications: list[tuple[str, str]],
) -> None:
    path = tmp_path / "links.json"
    paper = Paper(
        title="Tricky",
        authors=["A B"],
        links=[Link("javascript:alert(document.cookie)", LinkKind.CODE)],
    )
    build_library(path, clock, [paper])
    app = make_app(path)  # type: ignore[operator]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)  # links open in a worker
        assert browser.urls == []
        assert any(m.startswith("refusing to open") for _, m in notifications)


@pytest.fixture
def hostile_app(make_app: object, tmp_path: Path, clock: Clock) -> ReadlistApp:
    path = tmp_path / "hostile.json"
    paper = Paper(
        title=HOSTILE,
        authors=["[b]Mallory[/b] \x1b]8;;http://evil\x07link\x1b]8;;\x07"],
        affiliations=["[@click=app.bell]uni[/]"],
        category="cs.[i]CV[/i]",
        published="2024-01-01",
        abstract="Abstract with [link=http://evil]markup[/link] and \x1b[2Jclear.",
        tags=["[red]tag[/red]"],
    )
    build_library(path, clock, [paper])
    from readlist.store import Library

    library = Library(path)
    key = library.papers()[0].key
    library.set_note(key, "Note: [@click=app.quit]quit[/] and <script>x</script>")
    app = make_app(path)  # type: ignore[operator]
    assert isinstance(app, ReadlistApp)
    return app


def plain(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_hostile_text_is_shown_literally(
    hostile_app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    exits: list[object] = []
    monkeypatch.setattr(hostile_app, "exit", lambda *a, **k: exits.append(a))
    async with hostile_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = hostile_app.screen.query_one(PaperTable)
        row = table.render_line(1).text
        assert row.startswith(" ○✎ [bold red]x[/] [@click=app.quit]quit[/")  # noted; cut to fit
        assert "\x1b" not in row and "\x07" not in row
        detail = hostile_app.screen.query_one(PaperDetail)
        title = plain(detail.query_one(".detail-title", Static))
        assert title == "[bold red]x[/] [@click=app.quit]quit[/] red end"
        authors = plain(detail.query_one(".detail-authors", Static))
        assert authors.startswith("[b]Mallory[/b]") and "\x1b" not in authors
        assert plain(detail.query_one(".detail-affiliations", Static)) == "[@click=app.bell]uni[/]"
        facts = plain(detail.query_one(".detail-facts", Static))
        assert "cs.[i]CV[/i]" in facts and "[red]tag[/red]" in facts
        abstract = plain(detail.query_one(".detail-abstract", Static))
        assert "[link=http://evil]markup[/link]" in abstract and "\x1b" not in abstract
        markdown = detail.query_one(Markdown)
        assert "[@click=app.quit]quit[/]" in markdown.source
        # Click everything that could carry an action: nothing quits.
        await pilot.click(PaperTable, offset=(10, 1))
        await pilot.click(detail.query_one(".detail-title", Static), offset=(25, 0))
        detail.scroll_end(animate=False)
        await pilot.pause()
        for block in markdown.query("MarkdownParagraph"):
            for x in range(0, 40, 3):
                await pilot.click(block, offset=(x, 0))
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert exits == []
        assert hostile_app.is_running
        assert isinstance(hostile_app.screen, LibraryScreen)


async def test_hostile_text_in_the_sidebar_and_triage(hostile_app: ReadlistApp) -> None:
    from readlist.tui.screens.triage import TriageScreen
    from readlist.tui.widgets.facet_sidebar import FacetSidebar

    async with hostile_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = hostile_app.screen.query_one(FacetSidebar)
        prompts = [str(option.prompt) for option in sidebar.options]
        assert any(prompt.startswith("[red]tag[/r") for prompt in prompts)
        await pilot.press("v")
        assert isinstance(hostile_app.screen, TriageScreen)
        title = hostile_app.screen.query_one(PaperDetail).query_one(".detail-title", Static)
        assert plain(title) == "[bold red]x[/] [@click=app.quit]quit[/] red end"
