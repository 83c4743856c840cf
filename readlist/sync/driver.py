"""Git's merge driver for the library's files: papers merged field by field, PDFs by hash.

Registered per machine by :func:`readlist.sync.setup.configure`; the merging
itself is :mod:`readlist.store.threeway`.
"""

from __future__ import annotations

from pathlib import Path

from readlist.errors import ReadlistError
from readlist.paths import PDF_FOLDER
from readlist.store.atomic import atomic_write
from readlist.store.format import ABSTRACTS_KIND, LIBRARY_KIND, META_TABLE, Tables
from readlist.store.threeway import encode, merge_abstracts, merge_library
from readlist.sync.git import read_tables


def merge_driver(base: Path, ours: Path, theirs: Path, path: str | None = None) -> int:
    """Git's merge driver: merge the three versions, write the result over ``ours``.

    ``path`` is the file's name in the repository (git's ``%P``; older registrations
    give none): it tells an abstracts file whose versions carry no kind.

    Returns the exit status for git: 0 merged (conflicts, if any, are flagged in the
    papers, never left to git), 1 when a version is not a readlist file (git then
    keeps its own conflict, and every version stays in the repository).
    """
    if path and path.startswith(f"{PDF_FOLDER}/"):
        return _merge_pdf(ours, theirs)
    versions = []
    for version in (base, ours, theirs):
        try:
            raw = version.read_bytes()
        except OSError as error:
            raise ReadlistError(f"cannot read {version}: {error.strerror or error}") from None
        tables = read_tables(raw) if raw.strip() else {}
        if tables is None:
            raise ReadlistError(f"{version} is not a readlist file; left for git to show")
        versions.append(tables)
    base_tables, our_tables, their_tables = versions
    named = ABSTRACTS_KIND if path and path.endswith(".abstracts.json") else LIBRARY_KIND
    kind = _kind(our_tables) or _kind(their_tables) or named
    if kind == ABSTRACTS_KIND:
        result = merge_abstracts(base_tables, our_tables, their_tables)
    else:
        result, _ = merge_library(base_tables, our_tables, their_tables)
    atomic_write(ours, encode(result))
    return 0


def _merge_pdf(ours: Path, theirs: Path) -> int:
    """Two machines stored different PDFs under one name: keep one, the same on both.

    The one whose SHA-256 sorts last, so that the machines agree whichever merges.
    """
    import hashlib

    try:
        mine, other = ours.read_bytes(), theirs.read_bytes()
    except OSError as error:
        raise ReadlistError(f"cannot read a PDF to merge: {error.strerror or error}") from None
    if hashlib.sha256(other).digest() > hashlib.sha256(mine).digest():
        atomic_write(ours, other)
    return 0


def _kind(tables: Tables) -> str | None:
    meta = tables.get(META_TABLE)
    if not isinstance(meta, dict):
        return None
    first = next(iter(meta.values()), None)
    return str(first.get("kind", LIBRARY_KIND)) if isinstance(first, dict) else None
