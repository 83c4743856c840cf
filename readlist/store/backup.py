"""Rotating backups of the library file, taken before the first change of each day.

Backups live next to the library, one folder per library file::

    <library folder>/.readlist-backups/<library file name>/
        <stem>.2026-11-24.json          the library as it was before the first
                                        change made on 24 November 2026 (daily)
        <stem>.2026-11-24T101502.json   a snapshot taken on demand
        <stem>.2026-11-24T101502.before-restore.json
                                        the library as it was just before
                                        ``readlist restore`` replaced it
        <stem>.2026-11-24.abstracts.json    the abstracts file beside each of them

The abstracts file is copied before the library file, so a backup that is
listed always has its abstracts (when the library had an abstracts file).

The newest :data:`KEEP` daily backups and the newest :data:`KEEP` snapshots are
kept; older ones are deleted. "Newest" goes by the time each file was made (its
modification time), not by the date in its name, so a clock that went back does
not make each new backup the first to go; a file made "later" than the backup
just taken comes from a clock that was ahead and goes first. Copies taken before
a restore are never rotated: a restore never deletes one (delete them by hand).

Every backup is written to a temporary file, fsynced and renamed into place, so
a backup is either complete or absent; a backup that fails halfway removes what
it had copied.

A failed backup never blocks a save: :func:`daily_backup` logs a warning on the
``readlist.backup`` logger (printed to stderr when nothing else is configured)
and the save goes ahead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from readlist.paths import abstracts_path
from readlist.store.atomic import copy_atomically

#: Folder, next to the library file, that holds the backups.
BACKUP_FOLDER = ".readlist-backups"
#: How many daily backups (and, separately, how many snapshots) are kept.
KEEP = 7
#: What ends the name of a copy taken before a restore (before ``.json``).
BEFORE_RESTORE = ".before-restore"

# The name users configure, kept from before the module moved into the store.
logger = logging.getLogger("readlist.backup")


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file of a library."""

    path: Path
    #: ``2026-11-24`` for a daily backup, ``2026-11-24T101502`` for a snapshot.
    stamp: str
    #: Whether this is the copy of the library taken just before a restore.
    before_restore: bool = False

    @property
    def day(self) -> date:
        """The day the backup was taken."""
        return date.fromisoformat(self.stamp[:10])

    @property
    def is_snapshot(self) -> bool:
        """Whether this is an on-demand snapshot (or a pre-restore copy), not a daily backup."""
        return "T" in self.stamp

    @property
    def label(self) -> str:
        """``2026-11-24``, ``2026-11-24 10:15:02`` or ``… (before restore)`` for display."""
        if not self.is_snapshot:
            return self.stamp
        clock = self.stamp[11:]
        label = f"{self.stamp[:10]} {clock[:2]}:{clock[2:4]}:{clock[4:6]}"
        return f"{label} (before restore)" if self.before_restore else label


def backup_folder(path: str | os.PathLike[str]) -> Path:
    """The folder holding the backups of the library file at ``path``."""
    library = Path(path)
    return library.parent / BACKUP_FOLDER / library.name


def _pattern(library: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(library.stem)
        + r"\.(\d{4}-\d{2}-\d{2}(?:T\d{6})?)"
        + f"({re.escape(BEFORE_RESTORE)})?"
        + re.escape(".json")
        + "$"
    )


def list_backups(path: str | os.PathLike[str]) -> list[Backup]:
    """The backups of the library at ``path``, newest first."""
    library = Path(path)
    pattern = _pattern(library)
    try:
        entries = list(os.scandir(backup_folder(library)))
    except OSError:
        return []
    backups = []
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        stamp, before_restore = match.group(1), match.group(2) is not None
        if before_restore and "T" not in stamp:
            continue
        try:
            date.fromisoformat(stamp[:10])  # not 2026-13-45
        except ValueError:
            continue
        backups.append(Backup(Path(entry.path), stamp, before_restore))
    return sorted(backups, key=lambda b: (b.stamp, b.before_restore), reverse=True)


def daily_backup(path: Path, *, today: date | None = None) -> None:
    """Back up the library before its first change of the day; a failure only warns.

    Meant as ``Library(path, before_first_write=daily_backup)``: the storage calls
    it under the library lock, before it first replaces an existing file. Does
    nothing when today's backup already exists. When the copy fails a warning
    is logged and the save goes ahead.
    """
    day = (today or date.today()).isoformat()
    library = Path(path)
    target = backup_folder(library) / f"{library.stem}.{day}.json"
    if target.exists():
        return
    try:
        copy_library(library, target)
        _rotate(library, target)
    except Exception as error:  # whatever went wrong, the save must go ahead
        reason = (error.strerror if isinstance(error, OSError) else None) or error
        logger.warning(
            "readlist: warning: could not back up %s to %s (%s); saving without a backup",
            library,
            target.parent,
            reason,
        )


def snapshot(path: str | os.PathLike[str], *, now: datetime | None = None) -> Path:
    """Copy the library file to a time-stamped backup now; raises ``OSError`` on failure."""
    library = Path(path)
    target = _free_name(library, now or datetime.now(), "")
    copy_library(library, target)
    _rotate(library, target)
    return target


def keep_before_restore(path: str | os.PathLike[str], *, now: datetime | None = None) -> Path:
    """Copy the library file to a pre-restore backup, which is never rotated away.

    Raises ``OSError`` on failure (and then leaves no part of the copy behind).
    """
    library = Path(path)
    target = _free_name(library, now or datetime.now(), BEFORE_RESTORE)
    copy_library(library, target)
    return target


def _free_name(library: Path, moment: datetime, suffix: str) -> Path:
    """A time-stamped backup name (``suffix`` before ``.json``) no backup uses yet."""
    folder = backup_folder(library)
    while True:
        stamp = f"{library.stem}.{moment:%Y-%m-%dT%H%M%S}"
        # Never overwrite a backup, nor share a stamp with one (``restore STAMP`` names one).
        if not any((folder / f"{stamp}{kind}.json").exists() for kind in ("", BEFORE_RESTORE)):
            return folder / f"{stamp}{suffix}.json"
        moment += timedelta(seconds=1)


def copy_library(library: Path, target: Path) -> None:
    """Copy a library file and its abstracts file (if any), the abstracts first.

    If the library file cannot be copied, the abstracts copy is removed again:
    a failed backup leaves nothing behind to fill the disk.
    """
    abstracts = abstracts_path(library)
    copied_abstracts = abstracts.is_file()  # not a directory put in its place
    if copied_abstracts:
        copy_atomically(abstracts, abstracts_path(target))
    try:
        copy_atomically(library, target)
    except BaseException:
        if copied_abstracts:
            with contextlib.suppress(OSError):
                abstracts_path(target).unlink()
        raise


def _rotate(library: Path, made: Path) -> None:
    """Keep the :data:`KEEP` newest backups of the kind just ``made`` (daily or snapshot).

    Newest by the time each file was made; ``made`` is always kept, and files
    that claim to be newer than it come from a clock that was ahead, so they go
    first. Copies taken before a restore are never deleted.
    """
    backups = list_backups(library)
    current = next((b for b in backups if b.path == made), None)
    try:
        reference = made.stat().st_mtime_ns
    except OSError:
        return
    if current is None:
        return

    def recency(backup: Backup) -> tuple[int, int, str]:
        if backup.path == made:
            return (2, 0, backup.stamp)
        try:
            mtime = backup.path.stat().st_mtime_ns
        except OSError:
            return (0, 0, backup.stamp)
        return (0 if mtime > reference else 1, mtime, backup.stamp)

    kind = [b for b in backups if not b.before_restore and b.is_snapshot is current.is_snapshot]
    for old in sorted(kind, key=recency, reverse=True)[KEEP:]:
        for path in (old.path, abstracts_path(old.path)):
            with contextlib.suppress(OSError):
                path.unlink()
