"""Repairs made by ``readlist doctor --fix``: leftovers, the abstracts file, records edited by hand.

:func:`fix_library` makes them all. It only deletes temporary files that killed
saves left behind, under the library lock (while the lock is held no save is
running, so every such file is a leftover), and abstracts no paper names any more.

Abstracts are stored under a digest of their text, so any backup's abstracts file
that holds a digest holds exactly the right text (it is checked again before use).
A damaged abstracts file is copied into the backup folder before it is replaced.

Damaged paper records are moved, whole and with their abstract, into a quarantine
file beside the library, which is only ever added to.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from readlist.errors import LibraryError
from readlist.models import now_iso
from readlist.paths import abstracts_path, quarantine_path
from readlist.store.abstracts import abstract_digest, stored_texts
from readlist.store.atomic import copy_atomically
from readlist.store.backup import backup_folder, list_backups
from readlist.store.check import leftover_files, record_problems
from readlist.store.format import ABSTRACTS_KIND, ABSTRACTS_TABLE, PAPERS_TABLE
from readlist.store.journal import journal_replacement, records_by_key
from readlist.store.records import ABSTRACT_REF
from readlist.store.storage import SafeJSONStorage

#: What the quarantine file holds (its ``_readlist`` kind) and the name of its one table.
QUARANTINE_KIND = "quarantine"
QUARANTINE_TABLE = "quarantine"


@dataclass(frozen=True)
class AbstractRepair:
    """What :func:`repair_abstracts` did."""

    #: Texts that were missing and were found in a backup.
    recovered: int = 0
    #: Keys of papers whose abstract is in no backup either.
    missing: list[str] = field(default_factory=list)
    #: Texts no paper names any more, dropped.
    dropped: int = 0
    #: Where an unreadable abstracts file was kept before it was replaced.
    damaged_copy: Path | None = None
    #: Where a directory found in place of the abstracts file was moved.
    moved_directory: Path | None = None

    @property
    def changed(self) -> bool:
        """Whether the abstracts file was rewritten."""
        return bool(self.recovered or self.dropped or self.damaged_copy or self.moved_directory)


def repair_abstracts(path: str | os.PathLike[str]) -> AbstractRepair:
    """Make the abstracts file hold exactly the texts the library's papers name.

    Missing texts are looked for in the backups, newest first; texts no paper
    names are dropped; an unreadable abstracts file is kept as a copy in the
    backup folder and rebuilt, and a directory in its place is moved into the
    backup folder. Raises :class:`LibraryError` when the library file itself
    cannot be read (restore a backup instead).
    """
    library = Path(path)
    records = SafeJSONStorage(library)
    with records.locked():
        papers = (records.read() or {}).get(PAPERS_TABLE, {})
        named = {
            str(doc[ABSTRACT_REF]): str(doc.get("key", doc_id))
            for doc_id, doc in papers.items()
            if isinstance(doc, dict) and doc.get(ABSTRACT_REF)
        }
        sidecar = abstracts_path(library)
        moved = move_directory_aside(library)
        store = SafeJSONStorage(sidecar, kind=ABSTRACTS_KIND, lock=records.lock)
        damaged_copy = None
        try:
            texts = _texts(store.read())
        except LibraryError:
            damaged_copy = _keep_damaged(library, sidecar)
            texts = {}
        needed = named.keys() - texts.keys()
        recovered = 0
        for backup in list_backups(library) if needed else []:
            for digest, text in stored_texts(abstracts_path(backup.path)).items():
                if digest in needed and abstract_digest(text) == digest:
                    texts[digest] = text
                    needed.discard(digest)
                    recovered += 1
            if not needed:
                break
        dropped = len(texts.keys() - named.keys())
        missing = sorted(named[d] for d in needed)
        repair = AbstractRepair(recovered, missing, dropped, damaged_copy, moved)
        if repair.changed:
            store.write({ABSTRACTS_TABLE: {d: t for d, t in texts.items() if d in named}})
    return repair


def _texts(tables: dict[str, dict[str, object]] | None) -> dict[str, str]:
    """The digest → text table of an abstracts file's tables; damage is a LibraryError."""
    texts = (tables or {}).get(ABSTRACTS_TABLE, {})
    if not all(isinstance(text, str) for text in texts.values()):
        raise LibraryError("an abstract that is not text")
    return {str(digest): str(text) for digest, text in texts.items()}


def _keep_damaged(library: Path, sidecar: Path) -> Path:
    """Copy the unreadable abstracts file into the backup folder; where it went."""
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    target = backup_folder(library) / f"{library.stem}.{stamp}.abstracts.damaged.json"
    try:
        copy_atomically(sidecar, target)
    except OSError as error:
        raise LibraryError(
            f"cannot keep a copy of the damaged {sidecar} ({error.strerror}); nothing was changed"
        ) from None
    return target


def move_directory_aside(library: Path) -> Path | None:
    """Move a directory found where the abstracts file belongs into the backup folder.

    The caller holds the library lock. Returns where it went, or ``None`` when
    there was no directory there; a :class:`LibraryError` when it cannot be moved.
    """
    sidecar = abstracts_path(library)
    if not sidecar.is_dir():
        return None
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    folder = backup_folder(library)
    target = folder / f"{library.stem}.{stamp}.abstracts.directory"
    number = 1
    while target.exists() or target.is_symlink():  # never over an earlier one
        number += 1
        target = folder / f"{library.stem}.{stamp}.abstracts.directory-{number}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.rename(sidecar, target)
    except OSError as error:
        raise LibraryError(
            f"cannot move the directory {sidecar} out of the way of the abstracts file "
            f"({error.strerror or error}); move it yourself, then run readlist doctor --fix"
        ) from None
    return target


@dataclass(frozen=True)
class Quarantined:
    """What :func:`quarantine_records` moved."""

    path: Path
    #: One line per record moved: ``#3 (lee2023a): 'authors' should be …``.
    records: list[str]


def quarantine_records(
    path: str | os.PathLike[str],
    problems_of: Callable[[str, Any], list[str]],
    *,
    command: str = "doctor --fix",
) -> Quarantined | None:
    """Move every record that ``problems_of(number, record)`` finds fault with to quarantine.

    Under the library lock: the records (with the text of their abstract) are added
    to the quarantine file first, atomically, then saved out of the library, so a
    kill between the two leaves them in both, never in neither. The quarantine file
    is never overwritten: an unreadable one is a :class:`LibraryError` and nothing
    changes. ``None`` when no record is damaged, or the library file cannot be read.

    The move is journaled as ``command``, as a remove of each record that has a
    citation key, so ``readlist undo`` puts them back as they were (a record with no
    key, or not a record at all, has nothing an undo could find it by).
    """
    library = Path(path)
    records = SafeJSONStorage(library)
    with records.locked():
        try:
            tables = records.read() or {}
        except LibraryError:
            return None  # the file itself is damaged: doctor says so, restore helps
        papers: dict[str, Any] = tables.get(PAPERS_TABLE, {})
        damaged = {n: found for n, doc in papers.items() if (found := problems_of(n, doc))}
        if not damaged:
            return None
        target = quarantine_path(library)
        store = SafeJSONStorage(target, kind=QUARANTINE_KIND, lock=records.lock)
        try:
            kept: dict[str, Any] = dict((store.read() or {}).get(QUARANTINE_TABLE, {}))
        except LibraryError as error:
            raise LibraryError(f"{error}; no record was moved into it") from None
        texts = stored_texts(abstracts_path(library))
        moved = now_iso()
        # A record already there (moved by a --fix killed half-way, or moved, put back
        # by undo and moved again) is not added twice, whatever its number now.
        already = [entry.get("record") for entry in kept.values() if isinstance(entry, dict)]
        next_id = max((int(i) for i in kept if i.isdigit()), default=0) + 1
        lines = []
        for number, problems in damaged.items():
            doc = papers[number]
            if doc not in already:
                entry: dict[str, Any] = {
                    "moved": moved,
                    "number": number,
                    "problems": problems,
                    "record": doc,
                }
                digest = doc.get(ABSTRACT_REF) if isinstance(doc, dict) else None
                if isinstance(digest, str) and digest in texts:
                    entry["abstract"] = texts[digest]
                kept[str(next_id)] = entry
                next_id += 1
            key = doc.get("key") if isinstance(doc, dict) else None
            named = f"#{number} ({key})" if isinstance(key, str) and key else f"#{number}"
            lines.append(f"{named}: {'; '.join(problems)}")
        store.write({QUARANTINE_TABLE: kept})
        rest = {n: doc for n, doc in papers.items() if n not in damaged}
        records.write({**tables, PAPERS_TABLE: rest})
        with contextlib.suppress(OSError, LibraryError):  # moved all the same
            journal_replacement(
                library,
                records_by_key({n: papers[n] for n in damaged}),
                {},
                command,
                texts=texts,
            )
    return Quarantined(target, lines)


@dataclass(frozen=True)
class Fixes:
    """What :func:`fix_library` did."""

    #: Temporary files of killed saves, deleted.
    removed: list[Path]
    #: What was done to the abstracts file (``None``: the library could not be read).
    abstracts: AbstractRepair | None
    #: Damaged records moved into the quarantine file (``None``: none).
    quarantined: Quarantined | None = None


def fix_library(path: str | os.PathLike[str], *, command: str = "doctor --fix") -> Fixes:
    """Delete leftover temporary files, quarantine damaged records, repair the abstracts.

    Records :func:`record_problems` finds fault with are moved, with their abstract,
    into ``library.quarantine.json`` (:func:`~readlist.store.repair.quarantine_records`).
    The abstracts file is made to hold exactly the texts the papers name: missing
    ones are taken from the backups, unused ones dropped, and an unreadable file
    is kept as a copy in the backup folder and rebuilt (see
    :func:`~readlist.store.repair.repair_abstracts`). The records moved are journaled
    as ``command`` (undo puts them back); the other repairs change no paper.
    """
    library = Path(path)
    if not library.parent.is_dir():
        return Fixes([], None)
    removed = []
    with SafeJSONStorage(library).locked():
        for tmp in leftover_files(library):
            try:
                tmp.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise LibraryError(f"cannot delete {tmp}: {error.strerror}") from None
            removed.append(tmp)
    repair = quarantined = None
    if library.is_file():
        # Records first: the abstracts repair then drops the texts only they named,
        # which the quarantine file holds by then.
        quarantined = quarantine_records(library, record_problems, command=command)
        # A damaged library file cannot be repaired here: check_library says so; restore helps.
        with contextlib.suppress(LibraryError):
            repair = repair_abstracts(library)
    return Fixes(removed, repair, quarantined)
