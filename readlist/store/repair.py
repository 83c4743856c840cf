"""Rebuilding a library's abstracts file from its backups when texts are missing or damaged.

Abstracts are stored under a digest of their text, so any backup's abstracts file
that holds a digest holds exactly the right text (it is checked again before use).
A damaged abstracts file is copied into the backup folder before it is replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from readlist.backup import backup_folder, copy_atomically, list_backups
from readlist.errors import LibraryError
from readlist.paths import abstracts_path
from readlist.store.abstracts import ABSTRACTS_TABLE, abstract_digest, stored_texts
from readlist.store.library import ABSTRACT_REF, PAPERS_TABLE
from readlist.store.storage import ABSTRACTS_KIND, SafeJSONStorage


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
