"""Daily backups: made before the first change of a day, atomic, rotated, never blocking."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from readlist.backup import (
    BACKUP_FOLDER,
    KEEP,
    backup_folder,
    daily_backup,
    list_backups,
    snapshot,
)
from readlist.models import Paper
from readlist.store import Library

DAY = date(2026, 11, 24)


def paper(title: str) -> Paper:
    return Paper(title=title, authors=["Zoë Müller"], published="2025-01-02")


def on(day: date) -> Callable[[Path], None]:
    def hook(path: Path) -> None:
        daily_backup(path, today=day)

    return hook


def change(path: Path, day: date, title: str) -> None:
    """One CLI-like session on ``day``: open the library, change it once."""
    Library(path, before_first_write=on(day)).import_papers([paper(title)])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "library.json"


def test_backup_folder_layout(path: Path) -> None:
    assert backup_folder(path) == path.parent / BACKUP_FOLDER / "library.json"


def test_first_change_of_a_day_backs_up_the_previous_state(path: Path) -> None:
    change(path, DAY, "First")  # creates the file: nothing to back up yet
    assert list_backups(path) == []
    before = path.read_bytes()
    change(path, DAY, "Second")
    [backup] = list_backups(path)
    assert backup.path == backup_folder(path) / "library.2026-11-24.json"
    assert (backup.stamp, backup.day, backup.is_snapshot) == ("2026-11-24", DAY, False)
    assert backup.path.read_bytes() == before


def test_later_changes_that_day_keep_the_morning_backup(path: Path) -> None:
    change(path, DAY, "First")
    morning = path.read_bytes()
    change(path, DAY, "Second")
    change(path, DAY, "Third")
    [backup] = list_backups(path)
    assert backup.path.read_bytes() == morning
    assert [p.title for p in Library(backup.path).papers()] == ["First"]


def test_one_backup_per_day_newest_first_and_only_the_last_seven_kept(path: Path) -> None:
    change(path, DAY, "Day 0")
    for n in range(1, 11):
        change(path, DAY + timedelta(days=n), f"Day {n}")
    backups = list_backups(path)
    assert len(backups) == KEEP == 7
    assert [b.day for b in backups] == [DAY + timedelta(days=n) for n in range(10, 3, -1)]
    # Each holds the library as it was before that day's change.
    newest = Library(backups[0].path).papers()
    assert len(newest) == 10 and newest[-1].title == "Day 9"
    assert leftovers(backup_folder(path)) == []


def test_snapshots_rotate_separately_from_daily_backups(path: Path) -> None:
    change(path, DAY, "Zero")
    change(path, DAY + timedelta(days=1), "One")
    for n in range(9):
        snapshot(path, now=datetime(2026, 12, 1, 10, 0, n))
    backups = list_backups(path)
    snapshots = [b for b in backups if b.is_snapshot]
    assert len(snapshots) == KEEP
    assert snapshots[0].label == "2026-12-01 10:00:08"
    assert [b.stamp for b in backups if not b.is_snapshot] == ["2026-11-25"]


def test_list_ignores_unrelated_and_misnamed_files(path: Path) -> None:
    change(path, DAY, "First")
    change(path, DAY + timedelta(days=1), "Second")
    folder = backup_folder(path)
    for name in ("notes.txt", "library.2026-13-45.json", "other.2026-11-20.json", ".x.tmp"):
        (folder / name).write_text("{}")
    assert [b.stamp for b in list_backups(path)] == ["2026-11-25"]


def test_two_libraries_in_one_folder_have_separate_backups(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for library in (a, b):
        change(library, DAY, "First")
        change(library, DAY + timedelta(days=1), "Second")
    assert [x.path.parent.name for x in list_backups(a)] == ["a.json"]
    assert [x.path.parent.name for x in list_backups(b)] == ["b.json"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_copy_leaves_no_half_backup_warns_and_still_saves(
    path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    change(path, DAY, "First")
    real_fsync = os.fsync
    backup_dir = backup_folder(path)

    def fsync(fd: int) -> None:
        # Fail only the backup copy's fsync, not the library's own save.
        if Path(os.readlink(f"/proc/self/fd/{fd}")).parent == backup_dir:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with caplog.at_level(logging.WARNING, logger="readlist.backup"):
        change(path, DAY + timedelta(days=1), "Second")
    monkeypatch.undo()
    assert list_backups(path) == []
    assert leftovers(backup_dir) == []
    [record] = caplog.records
    assert "could not back up" in record.getMessage()
    assert "No space left on device" in record.getMessage()
    assert [p.title for p in Library(path).papers()] == ["First", "Second"]


def test_an_impossible_backup_folder_warns_and_still_saves(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    change(path, DAY, "First")
    (path.parent / BACKUP_FOLDER).write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="readlist.backup"):
        change(path, DAY + timedelta(days=1), "Second")
    assert [p.title for p in Library(path).papers()] == ["First", "Second"]
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("readlist: warning: could not back up") and "\n" not in message
