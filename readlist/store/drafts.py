"""Unsaved note drafts, kept in a folder beside the library until the user takes them back.

A note that could not be saved (the library was locked, the disk was full, the
editor left something unreadable, the app was told to quit) is written here,
atomically, as ``<folder>/.readlist-drafts/<library file name>/<key>-<time>.md``;
an entry ``readlist edit`` could not save likewise, as ``<key>-<time>.bib``.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from readlist.store.atomic import atomic_write

DRAFTS_FOLDER = ".readlist-drafts"
#: Characters of a key that may not appear in a file name.
_UNSAFE = re.compile(r"[^\w.+-]")


def drafts_folder(library: str | os.PathLike[str]) -> Path:
    """Where the drafts of notes of the library at ``library`` are kept."""
    path = Path(library)
    return path.parent / DRAFTS_FOLDER / path.name


def save_draft(
    library: str | os.PathLike[str],
    key: str,
    text: str,
    *,
    now: datetime | None = None,
    suffix: str = ".md",
) -> Path:
    """Write ``text`` as a new draft of the note (``.md``) or entry (``.bib``) of ``key``; its path.

    Raises :class:`~readlist.errors.LibraryError` if it cannot be written either.
    """
    folder = drafts_folder(library)
    stamp = (now or datetime.now()).strftime("%Y-%m-%dT%H%M%S")
    name = _UNSAFE.sub("_", key).lstrip(".") or "note"
    path = folder / f"{name}-{stamp}{suffix}"
    count = 1
    while path.exists():  # never write over an earlier draft
        count += 1
        path = folder / f"{name}-{stamp}-{count}{suffix}"
    atomic_write(path, text.encode("utf-8") + (b"\n" if text and not text.endswith("\n") else b""))
    return path


def list_drafts(library: str | os.PathLike[str]) -> list[Path]:
    """The drafts kept for the library at ``library``, oldest first."""
    folder = drafts_folder(library)
    try:
        drafts = [
            path for path in folder.iterdir() if path.suffix in (".md", ".bib") and path.is_file()
        ]
        return sorted(drafts, key=lambda path: (path.stat().st_mtime_ns, path.name))
    except OSError:  # no drafts folder (the usual case), an unreadable one, or a race
        return []
