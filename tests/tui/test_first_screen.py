"""A large library opens on its first rows, read from the records, then shows them all.

The first page must be exactly the start of the full table, and keys pressed before
all rows are there must neither be lost nor act on another paper than they would
with all rows shown.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input

from readlist.models import Paper, Status
from readlist.query import sort_papers
from readlist.store import Library
from readlist.tui import session as session_module
from readlist.tui.app import ReadlistApp
from readlist.tui.commands import SORT_CYCLE
from readlist.tui.screens import library as library_screen
from readlist.tui.state import TuiState
from readlist.tui.widgets.columns import MEASURED_ROWS
from readlist.tui.widgets.counts_header import CountsHeader
from readlist.tui.widgets.facet_sidebar import FacetSidebar
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, TODAY, Clock, fresh, settle, wait_until

#: Papers in the library, and the first page's size, for these tests.
PAPERS = 40
PAGE = 6


class GatedLibrary(Library):
    """A library whose papers are not all built until :attr:`gate` is set."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = threading.Event()

    def papers(self) -> list[Paper]:
        assert self.gate.wait(30), "the test never opened the gate"
        return super().papers()


@pytest.fixture
def big_path(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library of PAPERS papers with many ties (dates, titles, statuses) and gaps."""
    monkeypatch.setattr(session_module, "FIRST_PAGE_AT", 10)
    monkeypatch.setattr(session_module, "FIRST_PAGE", PAGE)
    dates = [None, "2023", "2023-05", "2023-05-01", "2024-01-02", "2022"]
    authors = [[], ["Zoë Müller"], ["anna kim", "Bo Xu"], ["Anna Kim"]]
    papers = [
        Paper(
            title=f"{['Alpha', 'Émile', 'beta', 'Zeta'][n % 4]} study {n}",
            authors=authors[n % 4],
            published=dates[n % 6],
            abstract=f"Abstract {n}.",
        )
        for n in range(PAPERS)
    ]
    path = tmp_path / "big.json"
    library = Library(path)
    keys = library.import_papers(papers).added
    clock.advance(days=1)
    library.set_status(keys[::3], Status.READING)
    library.set_status(keys[1::5], Status.READ)
    library.add_tags(keys[::4], ["toread"])
    return path


def remembered(monkeypatch: pytest.MonkeyPatch, state: TuiState) -> None:
    monkeypatch.setattr(library_screen, "load_state", lambda: (state, None))


def full_order(path: Path, by: str, reverse: bool) -> list[str]:
    return [paper.key for paper in sort_papers(fresh(path).papers(), by, reverse=reverse)]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("by", SORT_CYCLE)
async def test_the_first_page_is_the_start_of_the_full_table(
    big_path: Path, monkeypatch: pytest.MonkeyPatch, by: str, reverse: bool
) -> None:
    remembered(monkeypatch, TuiState(sort_by=by, sort_reversed=reverse))
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(table.papers), 5)
        first = [paper.to_dict() for paper in table.papers]
        header = app.screen.query_one(CountsHeader)
        view = str(header.query_one(".counts-view").render())
        counts = str(header.query_one(".counts-library").render())
        library.gate.set()
        await settle(pilot)
        assert str(header.query_one(".counts-library").render()) == counts  # from the records
        whole = [paper.to_dict() for paper in table.papers]
        assert len(first) == PAGE and len(whole) == PAPERS
        expected = full_order(big_path, by, reverse)
        assert [paper["key"] for paper in whole] == expected
        # The same papers, in the same order, with the same content (the abstract,
        # not in the table, comes with all rows).
        assert [dict(paper, abstract="") for paper in whole[:PAGE]] == first
        assert f"showing {PAPERS}" in view
        # The detail pane gets the abstract with all rows.
        detail = app.screen.query_one(PaperDetail).paper
        assert detail is not None and detail.abstract.startswith("Abstract ")
        assert "40 papers" in counts and "11 reading" in counts and "8 read" in counts


async def test_keys_pressed_before_all_rows_arrive_act_on_the_right_papers(
    big_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered(monkeypatch, TuiState())
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    expected = full_order(big_path, "published", False)
    before = {paper.key: paper.status for paper in fresh(big_path).papers()}
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(table.papers), 5)
        assert len(table.papers) == PAGE
        # Past the first page: mark the tenth paper, select the last one, then search.
        await pilot.press(*["j"] * 9, "r", "G", "space", "slash", "s", "t")
        assert len(table.papers) == PAGE and table.cursor == 0  # held, none lost
        library.gate.set()
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        await wait_until(pilot, lambda: search.value == "st", 5)
        await settle(pilot)
        assert table.selected == {expected[-1]}
        after = {paper.key: paper.status for paper in fresh(big_path).papers()}
        changed = {key for key in after if after[key] is not before[key]}
        assert changed == {expected[9]}
        assert after[expected[9]] is before[expected[9]].next()


def view_text(app: ReadlistApp) -> str:
    return str(app.screen.query_one(CountsHeader).query_one(".counts-view").render())


def sidebar_lines(app: ReadlistApp) -> list[str]:
    sidebar = app.screen.query_one(FacetSidebar)
    return [str(sidebar.get_option_at_index(n).prompt) for n in range(sidebar.option_count)]


@pytest.mark.parametrize("by", ["published", "title"])
async def test_a_remembered_filter_opens_on_its_first_rows(
    big_path: Path, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    state = TuiState(sort_by=by)
    state.remember_query(big_path, "tag:toread")
    remembered(monkeypatch, state)
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    wanted = [p.key for p in sort_papers(fresh(big_path).search("tag:toread"), by)]
    assert len(wanted) > PAGE
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(table.papers), 5)
        assert [paper.key for paper in table.papers] == wanted[:PAGE]  # the query's start
        assert f"showing {PAGE}+" in view_text(app)  # more are coming
        library.gate.set()
        await settle(pilot)
        assert [paper.key for paper in table.papers] == wanted
        assert f"showing {len(wanted)} " in view_text(app)


async def test_a_remembered_filter_few_papers_match_shows_what_it_found_first(
    big_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the order's first FIRST_PAGE_TRIED papers are tried for the first page.
    monkeypatch.setattr(session_module, "FIRST_PAGE_TRIED", 12)
    state = TuiState()
    state.remember_query(big_path, "tag:toread")
    remembered(monkeypatch, state)
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    order = full_order(big_path, "published", False)
    tagged = {p.key for p in fresh(big_path).search("tag:toread")}
    wanted = [key for key in order if key in tagged]
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(table.papers), 5)
        first = [paper.key for paper in table.papers]
        assert first == [key for key in order[:12] if key in tagged] == wanted[: len(first)]
        assert len(first) < PAGE and f"showing {len(first)}+" in view_text(app)
        library.gate.set()
        await settle(pilot)
        assert [paper.key for paper in table.papers] == wanted


@pytest.mark.parametrize("text", ["study", "has:abstract"])
async def test_a_remembered_query_that_reads_abstracts_opens_on_all_its_rows(
    big_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    state = TuiState()
    state.remember_query(big_path, text)
    remembered(monkeypatch, state)
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await pilot.pause(0.3)
        assert not table.papers  # no first page: the abstracts are not read yet
        library.gate.set()
        await settle(pilot)
        wanted = [p.key for p in sort_papers(fresh(big_path).search(text), "published")]
        assert [paper.key for paper in table.papers] == wanted


async def test_the_sidebar_counts_the_whole_library_while_the_first_page_shows(
    big_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered(monkeypatch, TuiState())
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(sidebar_lines(app)), 5)
        early = sidebar_lines(app)
        assert len(table.papers) == PAGE  # still the first page
        library.gate.set()
        await settle(pilot)
        assert len(table.papers) == PAPERS
        assert early == sidebar_lines(app)  # the counts of all rows, shown before them
        assert any("toread" in line and "10" in line for line in early)


async def test_a_small_library_opens_on_all_its_rows(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered(monkeypatch, TuiState())
    library = GatedLibrary(library_path)  # six papers: below FIRST_PAGE_AT
    app = ReadlistApp(library, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await pilot.pause(0.3)
        assert not table.papers
        library.gate.set()
        await settle(pilot)
        assert len(table.papers) == 6


async def test_a_click_on_the_first_page_keeps_its_paper_when_all_rows_arrive(
    big_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remembered(monkeypatch, TuiState())
    library = GatedLibrary(big_path)
    app = ReadlistApp(library, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(PaperTable)
        await wait_until(pilot, lambda: bool(table.papers), 5)
        await pilot.click(PaperTable, offset=(10, 4))  # the heading, then the fourth row
        clicked = table.highlighted
        assert clicked is not None and table.cursor == 3
        library.gate.set()
        await settle(pilot)
        assert len(table.papers) == PAPERS
        assert table.highlighted is not None and table.highlighted.key == clicked.key


def test_the_first_page_is_as_documented() -> None:
    # docs/tui.md: 2,000 papers or more open on their first 1,000 rows; as many as the
    # table measures its columns on, so they keep their widths when all rows arrive.
    assert session_module.FIRST_PAGE_AT == 2000
    assert session_module.FIRST_PAGE == MEASURED_ROWS == 1000
    # docs/tui.md: for a remembered filter, the order's first 8,000 papers are tried.
    assert session_module.FIRST_PAGE_TRIED == 8000
