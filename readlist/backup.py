"""Rotating backups of the library file, taken before the first change of each day.

Backups live next to the library, one folder per library file::

    <library folder>/.readlist-backups/<library file name>/
        <stem>.2026-11-24.json          the library as it was before the first
                                        change made on 24 November 2026 (daily)
        <stem>.2026-11-24T101502.json   a snapshot taken on demand, e.g. of the
                                        current file just before ``readlist restore``
        <stem>.2026-11-24.abstracts.json    the abstracts file beside each of them

The abstracts file is copied before the library file, so a backup that is
listed always has its abstracts (when the library had an abstracts file).

The newest :data:`KEEP` daily backups and the newest :data:`KEEP` snapshots are
kept; older ones are deleted. Every backup is written to a temporary file,
fsynced and renamed into place, so a backup is either complete or absent.

A failed backup never blocks a save: :func:`daily_backup` logs a warning on the
``readlist.backup`` logger (printed to stderr when nothing else is configured)
and the save goes ahead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from readlist.paths import abstracts_path

#: Folder, next to the library file, that holds the backups.
BACKUP_FOLDER = ".readlist-backups"
#: How many daily backups (and, separately, how many snapshots) are kept.
KEEP = 7

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file of a library."""

    path: Path
    #: ``2026-11-24`` for a daily backup, ``2026-11-24T101502`` for a snapshot.
    stamp: str

    @property
    def day(self) -> date:
        """The day the backup was taken."""
        return date.fromisoformat(self.stamp[:10])

    @property
    def is_snapshot(self) -> bool:
        """Whether this is an on-demand snapshot rather than a daily backup."""
        return "T" in self.stamp

    @property
    def label(self) -> str:
        """``2026-11-24`` or ``2026-11-24 10:15:02`` for display."""
        if not self.is_snapshot:
            return self.stamp
        clock = self.stamp[11:]
        return f"{self.stamp[:10]} {clock[:2]}:{clock[2:4]}:{clock[4:6]}"


def backup_folder(path: str | os.PathLike[str]) -> Path:
    """The folder holding the backups of the library file at ``path``."""
    library = Path(path)
    return library.parent / BACKUP_FOLDER / library.name


def _pattern(library: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(library.stem) + r"\.(\d{4}-\d{2}-\d{2}(?:T\d{6})?)" + re.escape(".json") + "$"
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
        try:
            date.fromisoformat(match.group(1)[:10])  # not 2026-13-45
        except ValueError:
            continue
        backups.append(Backup(Path(entry.path), match.group(1)))
    return sorted(backups, key=lambda b: b.stamp, reverse=True)


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
        _rotate(library)
    except OSError as error:
        logger.warning(
            "readlist: warning: could not back up %s to %s (%s); saving without a backup",
            library,
            target.parent,
            error.strerror or error,
        )


def snapshot(path: str | os.PathLike[str], *, now: datetime | None = None) -> Path:
    """Copy the library file to a time-stamped backup now; raises ``OSError`` on failure."""
    library = Path(path)
    moment = now or datetime.now()
    target = backup_folder(library) / f"{library.stem}.{moment:%Y-%m-%dT%H%M%S}.json"
    while target.exists():  # never overwrite a backup: a second one this second takes the next
        moment += timedelta(seconds=1)
        target = backup_folder(library) / f"{library.stem}.{moment:%Y-%m-%dT%H%M%S}.json"
    copy_library(library, target)
    _rotate(library)
    return target


def copy_library(library: Path, target: Path) -> None:
    """Copy a library file and its abstracts file (if any), the abstracts first."""
    abstracts = abstracts_path(library)
    if abstracts.is_file():  # not a directory put in its place: the library is still copied
        copy_atomically(abstracts, abstracts_path(target))
    copy_atomically(library, target)


def copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` via a fsynced temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, source.open("rb") as original:
            shutil.copyfileobj(original, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    with contextlib.suppress(OSError):
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _rotate(library: Path) -> None:
    """Delete all but the newest :data:`KEEP` daily backups and snapshots."""
    backups = list_backups(library)
    for snapshots in (False, True):
        kind = [b for b in backups if b.is_snapshot is snapshots]
        for old in kind[KEEP:]:
            for path in (old.path, abstracts_path(old.path)):
                with contextlib.suppress(OSError):
                    path.unlink()
