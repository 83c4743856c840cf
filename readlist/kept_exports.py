r"""Exports of a LaTeX project's citations, and exports kept in step with the library.

:func:`cited_papers` picks the papers a project cites (``export --aux``/``--tex``)
with the entries they need; :func:`select` the papers of a registered export;
:func:`refresh_kept_exports` is the hook every library save runs (through
:func:`readlist.services.open_library`, so the CLI and the TUI alike): it rewrites
each registered export whose text changed, atomically, and leaves the others
untouched (same inode, same modification time). A failure is a warning, never a
failed save.

Kept exports are written in a stable order, so that version-control diffs stay
small: by key, with the entries others ``crossref`` after them (BibTeX needs a
cross-referenced entry after the entries that refer to it).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.export_file import check_export_path
from readlist.exporters import export
from readlist.exporters.bibtex import export_key
from readlist.latex_project import Citations, parent_keys, project_citations, with_parents
from readlist.models import Paper
from readlist.store import Library
from readlist.store.exports import ExportRegistry, KeptExport

#: The entry keys of a BibTeX file readlist wrote (``@article{key,`` at a line start).
_BIBTEX_KEYS = re.compile(rb"^@(?!string\b|preamble\b|comment\b)\w+\{([^,\s]*),", re.M | re.I)


@dataclass
class Selection:
    """The papers an export writes, and the cited keys the library lacks."""

    papers: list[Paper]
    missing: list[str] = field(default_factory=list)
    #: Included files that could not be read (a LaTeX project).
    problems: list[str] = field(default_factory=list)


def read_citations(main: Path, *, aux: bool) -> Citations:
    """The keys the project with main file ``main`` cites; one clear error if it is unreadable."""

    def read(path: Path) -> str:
        return path.read_bytes().decode("utf-8", errors="replace")

    try:
        return project_citations(main, read, aux=aux)
    except OSError as error:
        raise ReadlistError(f"cannot read {main}: {error.strerror or error}") from None


def cited_papers(papers: Sequence[Paper], citations: Citations) -> Selection:
    r"""The papers ``citations`` name (all for ``\nocite{*}``) and those they need, in order.

    A paper is found under the key it is exported with, its own key or one of its
    aliases (old keys, which the export writes too). The
    entries a cited one names in ``crossref``, ``xref``, ``xdata`` or a set's
    members are added, transitively. Order: :func:`stable_order`.
    """
    by_key: dict[str, Paper] = {}
    for paper in papers:
        by_key.setdefault(export_key(paper), paper)
    for paper in papers:
        by_key.setdefault(paper.key, paper)
    for paper in papers:
        for alias in paper.aliases:
            by_key.setdefault(alias, paper)
    parents = {key: _parents(paper) for key, paper in by_key.items()}
    wanted = [export_key(paper) for paper in papers] if citations.everything else citations.keys
    found, missing = with_parents(wanted, parents)
    chosen = list({by_key[key].key: by_key[key] for key in found}.values())
    return Selection(stable_order(chosen), missing, list(citations.problems))


def _parents(paper: Paper) -> list[str]:
    return parent_keys(paper.source.fields) if paper.source is not None else []


def stable_order(papers: Sequence[Paper]) -> list[Paper]:
    """``papers`` by export key (ignoring case), each entry others cross-reference after those."""
    keys = {export_key(paper).lower(): paper for paper in papers}
    depth = dict.fromkeys(keys, 0)
    # A cross-referenced entry goes one level below the deepest entry naming it;
    # len(papers) rounds settle any chain (and stop a cycle).
    for _ in range(len(papers)):
        moved = False
        for key, paper in keys.items():
            for parent in _parents(paper):
                parent = parent.lower()
                if parent in depth and parent != key and depth[parent] <= depth[key]:
                    depth[parent] = depth[key] + 1
                    moved = True
        if not moved:
            break
    return sorted(papers, key=lambda p: (depth[(key := export_key(p)).lower()], key.lower(), key))


def select(library: Library, kept: KeptExport) -> Selection:
    """The papers the registered export ``kept`` writes now, in :func:`stable_order`."""
    main = kept.aux or kept.tex
    if main:
        return cited_papers(library.papers(), read_citations(Path(main), aux=bool(kept.aux)))
    papers = library.search(kept.query)
    if kept.keys:
        wanted = set(kept.keys)
        papers = [paper for paper in papers if paper.key in wanted]
    return Selection(stable_order(papers))


def write_if_changed(
    path: Path, text: str, *, library: Path | None = None, before: bytes | None = None
) -> bool:
    """Write ``text`` to ``path`` atomically unless the file holds it already; whether written.

    ``before`` is the file's bytes when the caller has read them already.
    The checks of :func:`readlist.export_file.check_export_path` apply.
    """
    from readlist.store.atomic import atomic_write

    real = check_export_path(path, library)
    data = text.encode("utf-8")
    if before is None:
        before = _read(real)
    if before == data:
        return False
    if not real.parent.is_dir():
        raise ReadlistError(f"cannot write {path}: there is no folder {real.parent}")
    atomic_write(real, data)
    return True


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None


def refresh_kept_exports(
    library: Library, changed: Sequence[str], warn: Callable[[str], None]
) -> list[str]:
    """Rewrite the registered exports the change of papers ``changed`` alters; their paths.

    An export is left alone (not even read) when no changed paper is in it or
    was in it and, for BibTeX, its entries are still those it should have. Every
    failure is one ``warn`` line; nothing is raised.
    """
    try:
        exports = ExportRegistry(library.path).exports()
    except ReadlistError as error:
        warn(str(error))
        return []
    written = []
    changed_keys = set(changed)
    for kept in exports:
        try:
            if _refresh(library, kept, changed_keys):
                written.append(kept.path)
        except ReadlistError as error:
            warn(f"export {kept.path} was not updated: {error}")
        except Exception as error:  # a broken export must never fail a save
            warn(f"export {kept.path} was not updated: {type(error).__name__}: {error}")
    return written


def _refresh(library: Library, kept: KeptExport, changed: set[str]) -> bool:
    selection = select(library, kept)
    path = Path(kept.path)
    before = _read(check_export_path(path, library.path))
    if before is not None and not changed & {paper.key for paper in selection.papers}:
        if kept.format == "bibtex":
            written = set(_BIBTEX_KEYS.findall(before))
            if written == {export_key(paper).encode() for paper in selection.papers}:
                return False
        elif not any(key.encode() in before for key in changed):
            return False
    text = export(selection.papers, kept.format, ascii=kept.ascii, dialect=kept.dialect)
    return write_if_changed(path, text, library=library.path, before=before)


#: The keys found in each kept export's file, by path, with the file's stamp when read.
_HELD: dict[str, tuple[tuple[int, int, int], frozenset[bytes]]] = {}
#: The ids of a CSL-JSON file readlist wrote (``"id": "key"``).
_CSL_IDS = re.compile(rb'^\s*"id": "((?:[^"\\]|\\.)*)"', re.M)


def exports_holding(library: Path, paper: Paper) -> list[str]:
    """The kept exports of the library at ``library`` whose file holds ``paper`` now.

    Read from the files as they are (BibTeX entry keys, CSL-JSON ids; a Markdown
    list names no keys, so it is never listed), each read again only when it
    changed: cheap enough for an interface to ask at every cursor move.
    """
    try:
        exports = ExportRegistry(library).exports()
    except ReadlistError:
        return []
    key = export_key(paper).encode("utf-8")
    return [kept.path for kept in exports if key in _keys_in(Path(kept.path), kept.format)]


def _keys_in(path: Path, format: str) -> frozenset[bytes]:
    """The keys (as UTF-8) the export file at ``path`` holds, read again only when it changed."""
    try:
        found = path.stat()
    except OSError:
        return frozenset()
    stamp = (found.st_ino, found.st_size, found.st_mtime_ns)
    cached = _HELD.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    pattern = {"bibtex": _BIBTEX_KEYS, "csl-json": _CSL_IDS}.get(format)
    keys: frozenset[bytes] = frozenset()
    if pattern is not None:
        with contextlib.suppress(OSError):
            keys = frozenset(pattern.findall(path.read_bytes()))
    _HELD[str(path)] = (stamp, keys)
    return keys
