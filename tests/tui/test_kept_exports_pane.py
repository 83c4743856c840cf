"""The detail pane names the kept exports (``export … --keep-updated``) that hold a paper."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from readlist.exporters import export
from readlist.store import Library
from readlist.store.exports import ExportRegistry, KeptExport
from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, settle


def detail_facts(app: ReadlistApp) -> str:
    content = app.screen.query_one("PaperDetail .detail-facts", Static).render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_the_detail_pane_names_the_kept_exports_holding_the_paper(
    make_app, library_path: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "refs.bib"
    ExportRegistry(library_path).add(KeptExport(path=str(kept), format="bibtex", query="x"))
    app = make_app(library_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        _, second, third = table.papers[:3]
        assert "exports" not in detail_facts(app)  # the file does not exist yet
        kept.write_text(export([Library(library_path).get(second.key)], "bibtex"), "utf-8")
        await pilot.press("j")
        await pilot.pause()
        assert table.highlighted is not None and table.highlighted.key == second.key
        assert f"exports    {kept}" in detail_facts(app)
        await pilot.press("j")
        await pilot.pause()
        assert table.highlighted is not None and table.highlighted.key == third.key
        assert "exports" not in detail_facts(app)
