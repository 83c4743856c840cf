"""Changes made with the interface's keys are journaled, and ``readlist undo`` reverses them all."""

from __future__ import annotations

import gc
from pathlib import Path

import orjson
import pytest

from readlist.cli import main
from readlist.paths import abstracts_path
from readlist.store.journal import undo_state
from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, fresh, key_of, settle


def state(library: Path) -> tuple[dict[str, object], dict[str, str]]:
    """Every record by key, whole, and each paper's abstract text."""
    records = {doc["key"]: doc for doc in orjson.loads(library.read_bytes())["papers"].values()}
    texts = orjson.loads(abstracts_path(library).read_bytes())["abstracts"]
    return records, {key: texts[doc["abstract_ref"]] for key, doc in records.items()
                     if doc.get("abstract_ref")}  # fmt: skip


def cli(library: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The real CLI in-process; its output (exit status 0 checked)."""
    try:
        status = main(["--library", str(library), *args])
    finally:
        gc.enable()  # main() turns the collector off for a one-shot command
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out + captured.err


async def test_status_tags_note_and_remove_from_the_keys_are_all_undone_and_redone(
    app: ReadlistApp, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = state(library_path)
    baseline = len(undo_state(fresh(library_path).history())[0])
    aligning, efficient = key_of(library_path, "Aligning"), key_of(library_path, "Efficient")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PaperTable).move_to(aligning)
        await pilot.press("d")  # read
        await pilot.press("t", *"from-tui", "enter")
        await settle(pilot)
        await pilot.press("n", *"a note from the keys", "ctrl+s")
        await settle(pilot)
        await pilot.press("T", "enter")  # remove its first tag
        await settle(pilot)
        assert app.screen.query_one(PaperTable).move_to(efficient)
        await pilot.press("x", "y")
        await settle(pilot)
    end = state(library_path)
    assert efficient not in end[0] and aligning in end[0]
    entries = fresh(library_path).history()[-5:]
    assert all(entry.command.startswith("tui: ") for entry in entries)
    count = len(undo_state(fresh(library_path).history())[0]) - baseline
    assert count == 5
    said = cli(library_path, "undo", str(count), capsys=capsys)
    assert "skipped" not in said
    assert state(library_path) == start
    said = cli(library_path, "redo", str(count), capsys=capsys)
    assert "skipped" not in said
    assert state(library_path) == end
