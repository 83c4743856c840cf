"""ctrl+g syncs from the interface (readlist sync, on the library thread); the header tells when."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from readlist.store import Library
from readlist.sync.exchange import SyncState, sync
from readlist.sync.setup import init
from readlist.tui.app import ReadlistApp
from readlist.tui.sync import sync_label
from readlist.tui.widgets.counts_header import CountsHeader
from tests.tui.tui_helpers import SIZE, fresh, settle


@pytest.fixture
def synced(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """The sample library set up for sync with a bare remote, synced once; (remote, clone)."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    init(Library(library_path), str(remote))
    sync(Library(library_path))
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(other)], check=True)
    return remote, other / library_path.name


def header_text(app: ReadlistApp) -> str:
    header = app.screen.query_one(CountsHeader)
    return " ".join(str(static.render()) for static in header.children)


async def test_ctrl_g_syncs_and_the_header_says_when(
    synced: tuple[Path, Path],
    app: ReadlistApp,
    library_path: Path,
    notifications: list[tuple[str, str]],
) -> None:
    _, other = synced
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "synced " in header_text(app) and "changes to send" not in header_text(app)
        await pilot.press("t", *"from-here", "enter")
        await settle(pilot)
        await settle(pilot)
        assert "changes to send" in header_text(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await settle(pilot)
        synced_lines = [message for _, message in notifications if message.startswith("Sent:")]
        assert synced_lines and "1 paper changed (1 tags)" in synced_lines[0]
        assert "changes to send" not in header_text(app)
    # The other machine gets it with its next sync.
    sync(Library(other))
    assert any("from-here" in paper.tags for paper in fresh(other).papers())


async def test_ctrl_g_without_sync_set_up_is_one_plain_line(
    app: ReadlistApp, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "synced" not in header_text(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        errors = [message for severity, message in notifications if severity == "error"]
        assert errors and "run 'readlist sync init [REMOTE]' first" in errors[-1]


def test_the_sync_label() -> None:
    today = date(2026, 12, 5)
    assert sync_label(None, today) == ""
    assert sync_label(SyncState(None, pending=True), today) == "never synced, changes to send"
    earlier = sync_label(SyncState("2026-12-01T10:00:00+00:00", pending=False), today)
    assert earlier == "synced 2026-12-01"
    assert sync_label(SyncState("not a time", pending=False), today) == "never synced"
