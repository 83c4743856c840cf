"""Restoring a library from a backup: validated first, the current files kept, then replaced.

:func:`restore_backup` validates a backup, keeps the current files as a
pre-restore backup (never rotated away), then replaces the library with the backup
through the storage, atomically: its abstracts first, then the paper records.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readlist.errors import LibraryError
from readlist.paths import abstracts_path
from readlist.store.abstracts import stored_texts
from readlist.store.backup import Backup, keep_before_restore, list_backups
from readlist.store.check import (
    ABSTRACTS_DIRECTORY,
    UNLOADABLE,
    Severity,
    abstract_findings,
    inspect_bytes,
)
from readlist.store.format import ABSTRACTS_KIND, ABSTRACTS_TABLE, PAPERS_TABLE
from readlist.store.journal import journal_replacement, records_by_key
from readlist.store.repair import move_directory_aside
from readlist.store.storage import SafeJSONStorage


@dataclass(frozen=True, slots=True)
class Restored:
    """What :func:`restore_backup` did."""

    backup: Path
    papers: int
    #: The pre-restore copy of the file that was replaced, if there was one.
    previous: Path | None
    #: Where a directory found in place of the abstracts file was moved.
    moved_directory: Path | None = None


def inspect_backup(path: Path) -> int:
    """How many papers the backup file at ``path`` holds; :class:`LibraryError` if unusable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LibraryError(f"cannot read backup {path}: {error.strerror}") from None
    return len(_backup_tables(raw, path).get(PAPERS_TABLE, {}))


def _backup_tables(raw: bytes, path: Path) -> dict[str, Any]:
    """The tables of a usable backup; a :class:`LibraryError` saying why one is unusable."""
    tables, findings = inspect_bytes(raw, path)
    if tables is not None:
        findings += abstract_findings(tables, abstracts_path(path))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if tables is None or errors:
        reason = errors[0].message if errors else "unusable"
        raise LibraryError(f"backup {reason}")
    return tables


def find_backup(path: str | os.PathLike[str], spec: str) -> Path:
    """The backup named by ``spec``: a date (``2026-11-24``), a stamp, or a file path.

    For a date, that day's daily backup is preferred over snapshots taken that day.
    """
    backups = list_backups(path)
    same_day = [b for b in backups if b.stamp.startswith(spec)]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{6})?", spec):
        daily = [b for b in same_day if b.stamp == spec]
        chosen = daily or same_day
        if not chosen:
            known = ", ".join(b.stamp for b in backups[:8]) or "none"
            raise LibraryError(f"no backup from {spec} (backups: {known})")
        return chosen[0].path
    candidate = Path(spec).expanduser()
    if not candidate.is_file():
        raise LibraryError(f"no backup {spec!r}: give a date such as 2026-11-24 or a backup file")
    return candidate


def latest_good_backup(path: str | os.PathLike[str]) -> Backup | None:
    """The newest backup that holds a usable library (daily ones before snapshots of a day)."""
    backups = sorted(list_backups(path), key=lambda b: (b.stamp[:10], not b.is_snapshot, b.stamp))
    for backup in reversed(backups):
        try:
            inspect_backup(backup.path)
        except LibraryError:
            continue
        return backup
    return None


def restore_backup(
    path: str | os.PathLike[str],
    backup: str | os.PathLike[str] | None = None,
    *,
    command: str = "restore",
) -> Restored:
    """Replace the library at ``path`` by a backup (default: the newest usable one).

    The backup is validated first and nothing changes if it is unusable. The
    current file, if any, is kept as a pre-restore backup (which no rotation
    deletes) before it is replaced.
    The backup's abstracts are added to the abstracts file first (keeping the
    current ones, so a kill between the two writes leaves a usable library).
    What changed is journaled as ``command``, when the current file could be read.
    """
    library = Path(path)
    if backup is None:
        latest = latest_good_backup(library)
        if latest is None:
            raise LibraryError(f"no usable backup of {library}; nothing was changed")
        source = latest.path
    else:
        source = Path(backup)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise LibraryError(f"cannot read backup {source}: {error.strerror}") from None
    try:
        tables = _backup_tables(raw, source)
    except LibraryError as error:
        raise LibraryError(f"{error}; nothing was changed") from None
    texts = stored_texts(abstracts_path(source))
    previous = None
    storage = SafeJSONStorage(library)
    with storage.locked():
        try:
            replaced = records_by_key((storage.read() or {}).get(PAPERS_TABLE))
        except LibraryError:
            replaced = None  # a damaged library: nothing to compare with
        moved = move_directory_aside(library)  # a directory in place of the abstracts file
        if library.exists():
            try:
                previous = keep_before_restore(library)
            except OSError as error:
                raise LibraryError(
                    f"cannot keep a copy of the current {library} ({error.strerror}); "
                    "nothing was changed"
                ) from None
        current = abstracts_path(library)
        # The texts the current papers name: the journal keeps those the restore drops.
        current_texts = stored_texts(current) if texts or replaced is not None else {}
        if texts:
            texts = {**current_texts, **texts}
            abstracts = SafeJSONStorage(current, kind=ABSTRACTS_KIND, lock=storage.lock)
            abstracts.write({ABSTRACTS_TABLE: texts})
        storage.write(tables)  # as every save: the current schema, and atomic
        if replaced is not None:
            restored = records_by_key(tables.get(PAPERS_TABLE))
            with contextlib.suppress(OSError, LibraryError):  # restored all the same
                journal_replacement(library, replaced, restored, command, texts=current_texts)
    return Restored(
        backup=source,
        papers=len(tables.get(PAPERS_TABLE, {})),
        previous=previous,
        moved_directory=moved,
    )


def explain_library_error(error: LibraryError, path: str | os.PathLike[str]) -> str:
    """The error's message, naming the backups when the library file itself is damaged."""
    message = str(error)
    library = Path(path)
    try:
        raw = library.read_bytes()
    except OSError:
        return message
    tables, findings = inspect_bytes(raw, library)
    if tables is not None:
        findings = abstract_findings(tables, abstracts_path(library))
        if any(f.code in UNLOADABLE or f.code == ABSTRACTS_DIRECTORY for f in findings):
            return f"{message}; readlist doctor --fix keeps a copy and rebuilds it from the backups"
    if not any(f.code in UNLOADABLE for f in findings):
        return message
    latest = latest_good_backup(library)
    if latest is None:
        return f"{message}; no backups found (see: readlist doctor)"
    return f"{message}; backups: readlist restore (latest {latest.label})"
