"""Daily backups: made before the first change of a day, atomic, rotated, never blocking."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pytest

from readlist.models import Paper
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.backup import (
    BACKUP_FOLDER,
    KEEP,
    backup_folder,
    daily_backup,
    keep_before_restore,
    list_backups,
    snapshot,
)

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


def made_at(backup: Path, seconds_ago: float) -> None:
    """Say ``backup`` (and its abstracts) was made ``seconds_ago`` (negative: in the future)."""
    moment = time.time() - seconds_ago
    for file in (backup, abstracts_path(backup)):
        if file.exists():
            os.utime(file, (moment, moment))


def test_a_clock_that_went_back_does_not_delete_each_new_backup(path: Path) -> None:
    # Ten sessions, each on an earlier date than the one before (the clock went back).
    change(path, DAY + timedelta(days=11), "Start")
    made = []
    for n in range(10, 0, -1):
        change(path, DAY + timedelta(days=n), f"Back {n}")
        [new] = [b for b in list_backups(path) if b.path not in made]
        made.append(new.path)
        made_at(new.path, 100 + n)  # made in this order, a second apart
    kept = [b.path for b in list_backups(path)]
    assert sorted(kept) == sorted(made[-KEEP:])  # the newest made, whatever their names say
    assert [p.title for p in Library(made[-1]).papers()][-1] == "Back 2"


def test_backups_from_a_clock_that_was_ahead_go_first(path: Path) -> None:
    change(path, DAY, "Start")
    for n in range(1, KEEP + 1):
        change(path, DAY + timedelta(days=n), f"Future {n}")
    for backup in list_backups(path):
        made_at(backup.path, -30 * 86400)  # made while the clock said next month
    change(path, DAY - timedelta(days=5), "Now")  # the clock is right again
    backups = list_backups(path)
    assert len(backups) == KEEP
    assert f"{path.stem}.{(DAY - timedelta(days=5)).isoformat()}.json" in {
        b.path.name for b in backups
    }


def test_copies_taken_before_a_restore_are_never_rotated(path: Path) -> None:
    change(path, DAY, "First")
    copies = [keep_before_restore(path, now=datetime(2026, 12, 1, 10, 0, 0)) for _ in range(9)]
    assert len(set(copies)) == 9  # the same second: each takes the next free stamp
    for n in range(KEEP + 3):
        snapshot(path, now=datetime(2026, 12, 1, 10, 0, 0))
        change(path, DAY + timedelta(days=n + 1), f"Day {n}")
    backups = list_backups(path)
    assert sorted(b.path for b in backups if b.before_restore) == sorted(copies)
    assert len([b for b in backups if b.is_snapshot and not b.before_restore]) == KEEP
    assert len([b for b in backups if not b.is_snapshot]) == KEEP
    assert all(b.label.endswith(" (before restore)") for b in backups if b.before_restore)
    assert len({b.stamp for b in backups}) == len(backups)  # a stamp names one backup


def test_a_backup_that_fails_halfway_removes_its_partial_copy_and_the_save_goes_ahead(
    path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Library(path).import_papers([Paper(title="First", authors=["Ann Lee"], abstract="x" * 5000)])
    real_copy = shutil.copyfileobj
    partial: list[Path] = []

    def copy_then_fill_the_disk(source: BinaryIO, target: BinaryIO, length: int = 0) -> None:
        if not Path(source.name).name.endswith(".abstracts.json"):
            target.write(source.read(100))  # half the library file, then the disk is full
            partial.append(Path(os.readlink(f"/proc/self/fd/{target.fileno()}")))
            raise OSError(errno.ENOSPC, "No space left on device")
        real_copy(source, target, length)

    monkeypatch.setattr(shutil, "copyfileobj", copy_then_fill_the_disk)
    with caplog.at_level(logging.WARNING, logger="readlist.backup"):
        change(path, DAY, "Second")
    monkeypatch.undo()
    assert partial and not partial[0].exists()
    assert list(backup_folder(path).iterdir()) == []  # neither the abstracts copy nor a temp
    assert "No space left on device" in caplog.records[0].getMessage()
    assert [p.title for p in Library(path).papers()] == ["First", "Second"]
    change(path, DAY + timedelta(days=1), "Third")  # the next backup works
    assert [b.stamp for b in list_backups(path)] == ["2026-11-25"]


def test_an_unexpected_error_in_a_backup_never_blocks_the_save(
    path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    change(path, DAY, "First")

    def broken(source: Path, target: Path) -> None:
        raise ValueError("a bug in the copy")

    monkeypatch.setattr("readlist.store.backup.copy_atomically", broken)
    with caplog.at_level(logging.WARNING, logger="readlist.backup"):
        change(path, DAY + timedelta(days=1), "Second")
    assert "a bug in the copy" in caplog.records[0].getMessage()
    assert [p.title for p in Library(path).papers()] == ["First", "Second"]
