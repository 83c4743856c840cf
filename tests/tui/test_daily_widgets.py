"""The screen's parts at 80, 120 and 200 columns, each tried on its own (issue 12).

Columns sized to their content and the width, a header that shortens labels
before it drops a count, the note mark, the detail pane's venue/DOI/arXiv and
note placement, and readable week labels in the stats.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from textual.app import App, ComposeResult

from readlist.models import Link, LinkKind, Paper, Source, Status
from readlist.tui.screens.stats import weeks_table
from readlist.tui.widgets.columns import (
    LEAD,
    NOTE_MARK,
    TITLE_LEAST,
    content_widths,
    layout,
)
from readlist.tui.widgets.counts_header import CountsHeader
from readlist.tui.widgets.paper_detail import PaperDetail, facts
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import NOTE, sample_papers, static_text


def _keyed(papers: list[Paper]) -> list[Paper]:
    for n, paper in enumerate(papers):
        paper.key = f"k{n}"
    return papers


# -- columns -------------------------------------------------------------------


@pytest.mark.parametrize("width", [54, 78, 96, 118, 198])
def test_every_column_is_shown_from_80_columns_up_and_fills_the_width(width: int) -> None:
    columns = layout(width, content_widths(sample_papers()))
    keys = [column.key for column, _ in columns]
    assert keys == ["title", "author", "year", "category", "tags", "code"]
    used = LEAD + sum(cell + 1 for _, cell in columns)
    assert used == width  # every cell of the row is given to a column (and its gap)
    assert dict((c.key, w) for c, w in columns)["title"] >= TITLE_LEAST


def test_columns_are_as_wide_as_their_content_and_the_title_takes_the_rest() -> None:
    wanted = content_widths(sample_papers())
    assert wanted["author"] == len("Guangxuan Xiao et al.")  # the longest
    assert wanted["tags"] == len("rlhf vision")
    assert wanted["category"] == 5  # "cs.CV"
    widths = {c.key: w for c, w in layout(118, wanted)}
    assert widths["author"] == wanted["author"] and widths["tags"] == wanted["tags"]
    # At 120 columns, the title gets everything the others do not need.
    others = sum(w + 1 for k, w in widths.items() if k != "title")
    assert widths["title"] + 1 == 118 - LEAD - others
    assert widths["title"] >= 60


def test_a_narrow_table_shrinks_the_other_columns_before_dropping_any() -> None:
    long = [Paper(title="t", authors=["A Very Long Author Name Indeed", "B"], tags=["x" * 30])]
    wide = {c.key: w for c, w in layout(150, content_widths(long))}
    narrow = {c.key: w for c, w in layout(60, content_widths(long))}
    assert set(narrow) == set(wide)
    assert narrow["author"] < wide["author"] and narrow["tags"] < wide["tags"]
    tiny = [c.key for c, _ in layout(30, content_widths(long))]
    assert "title" in tiny and "category" not in tiny  # the least useful goes first


async def test_the_table_marks_papers_with_a_note_and_a_reversed_sort() -> None:
    papers = _keyed(sample_papers())
    papers[3].notes = NOTE

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield PaperTable()

    app = TableApp()
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(PaperTable)
        table.set_papers(papers)
        await pilot.pause()
        rows = [table.render_line(y).text for y in range(1, 7)]
        assert [row[2] for row in rows] == [" ", " ", " ", NOTE_MARK, " ", " "]
        assert "Year▾" in table.render_line(0).text
        table.sort_reversed = True
        await pilot.pause()
        assert "Year▴" in table.render_line(0).text


# -- header --------------------------------------------------------------------


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
async def test_the_header_keeps_every_count_at_any_width(width: int) -> None:
    class HeaderApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CountsHeader()

    app = HeaderApp()
    async with app.run_test(size=(width, 3)) as pilot:
        header = app.query_one(CountsHeader)
        statuses = Counter({Status.UNREAD: 8512, Status.READING: 31, Status.READ: 1457})
        header.show_counts(statuses, shown=9876, selected=12, sort_by="published")
        await pilot.pause()
        left = static_text(header.query_one(".counts-library"))  # type: ignore[arg-type]
        right = static_text(header.query_one(".counts-view"))  # type: ignore[arg-type]
        for count in ("8512", "31", "1457"):
            assert count in left
        assert "9876" in right and "12" in right
        assert len(left) + len(right) + 2 <= width
        if width >= 120:
            assert "reading" in left and "sorted by published" in right


# -- detail pane ---------------------------------------------------------------


def test_the_detail_facts_show_venue_doi_and_arxiv_when_known() -> None:
    paper = Paper(
        title="t",
        key="k",
        links=[Link("https://arxiv.org/abs/2306.07629v2", LinkKind.OTHER)],
        source=Source(
            "refs.bib", "bibtex", fields={"journal": "J. Hard Things", "doi": "10.1000/XYZ"}
        ),
    )
    text = facts(paper).plain
    assert "venue      J. Hard Things" in text
    assert "doi        10.1000/xyz" in text
    assert "arxiv      2306.07629" in text
    booktitle = Paper(title="t", source=Source("a.bib", "bibtex", fields={"booktitle": "NeurIPS"}))
    assert "venue      NeurIPS" in facts(booktitle).plain
    assert "venue" not in facts(Paper(title="bare")).plain


def test_the_detail_facts_show_the_aliases_a_cite_still_finds() -> None:
    paper = Paper(title="t", key="knuth1984literate", aliases=["knuth1984", "Knuth:84"])
    assert "aliases    knuth1984 Knuth:84" in facts(paper).plain
    assert "aliases" not in facts(Paper(title="t", key="k")).plain


async def test_the_detail_pane_shows_the_note_above_the_abstract() -> None:
    paper = sample_papers()[3]
    paper.notes = NOTE

    class DetailApp(App[None]):
        def compose(self) -> ComposeResult:
            yield PaperDetail()

    app = DetailApp()
    async with app.run_test(size=(80, 40)) as pilot:
        detail = app.query_one(PaperDetail)
        detail.show(paper)
        await pilot.pause()
        note = detail.query_one(".detail-notes")
        abstract = detail.query_one(".detail-abstract")
        assert note.display and abstract.display
        assert note.region.y < abstract.region.y


# -- stats ---------------------------------------------------------------------


def test_stats_week_labels_fit_a_narrow_column() -> None:
    from rich.console import Console

    table = weeks_table([0] * 11 + [3], [0] * 11 + [1], date(2026, 12, 4))
    console = Console(width=24, color_system=None)
    with console.capture() as capture:
        console.print(table)
    lines = capture.get().splitlines()
    assert lines[1].startswith("Sep 14")
    assert lines[-1].startswith("Nov 30") and "3" in lines[-1] and "…" not in capture.get()
