"""P opens a paper's PDF in the viewer; the detail pane shows the downloaded PDF's size."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from readlist.models import Link, Paper
from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable
from tests.remote.pdf_bytes import tiny_pdf
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle, static_text

VIEWER = Path(__file__).resolve().parents[1] / "pdf_viewer.py"


def use_viewer(monkeypatch: pytest.MonkeyPatch, record: Path) -> None:
    monkeypatch.setenv("READLIST_PDF_VIEWER", shlex.join([sys.executable, str(VIEWER)]))
    monkeypatch.setenv("PDF_VIEWER_RECORD", str(record))


async def viewer_args(record: Path) -> list[str]:
    for _ in range(600):  # the viewer runs detached: wait for it (30 s at most)
        if record.exists():
            args: list[str] = json.loads(record.read_text(encoding="utf-8"))
            return args
        await asyncio.sleep(0.05)
    raise AssertionError("the PDF viewer was never started")


async def test_P_opens_the_downloaded_pdf_and_the_detail_pane_gives_its_size(
    make_app, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = key_of(library_path, "NoisyQuant")
    pdf = library_path.parent / "papers" / f"{key}.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(tiny_pdf(padding=2000))
    fresh(library_path).set_pdf(key, f"papers/{key}.pdf")
    record = tmp_path / "viewer.json"
    use_viewer(monkeypatch, record)
    app: ReadlistApp = make_app(library_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PaperTable).move_to(key)
        await settle(pilot)
        shown = static_text(app.screen.query_one(".detail-facts", Static))
        assert f"pdf        papers/{key}.pdf (2.3 kB)" in shown
        await pilot.press("P")
        assert await viewer_args(record) == [str(pdf)]


async def test_P_without_a_download_opens_the_pdf_link_and_without_one_says_so(
    app: ReadlistApp,
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    paper = Paper(
        title="Linked", authors=["Ann Lee"], links=[Link("https://arxiv.org/abs/1605.08386")]
    )
    (linked,) = fresh(library_path).import_papers([paper]).added
    record = tmp_path / "viewer.json"
    use_viewer(monkeypatch, record)
    monkeypatch.setenv("READLIST_ARXIV_PDF", "https://pdfs.example/pdf")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PaperTable).move_to(linked)
        await pilot.press("P")
        args = await viewer_args(record)
        assert args == ["https://pdfs.example/pdf/1605.08386"]
        assert app.screen.query_one(PaperTable).move_to(key_of(library_path, "S-LoRA"))
        await pilot.press("P")
        for _ in range(100):
            await settle(pilot)
            if any(severity == "error" for severity, _ in notifications):
                break
        assert any("has no PDF" in message for _, message in notifications), notifications
