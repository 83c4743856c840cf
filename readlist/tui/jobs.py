"""Imports and exports, run in worker threads: domain code only, no widgets.

An import opens its own :class:`Library` on the same file, exactly like a second
``readlist`` process would; the inter-process lock keeps the two apart and the
app picks the change up as it does any other change on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.storage import atomic_write
from readlist.store import ImportReport, Library

SAMPLE_PACKAGE = "readlist.data"


@dataclass(frozen=True)
class ImportChoice:
    """What to import: a file, or (``path`` None) the bundled sample listings."""

    path: Path | None = None

    @property
    def label(self) -> str:
        """How to name it in messages."""
        return "the sample listings" if self.path is None else str(self.path)


def sample_sources() -> list[tuple[str, bytes]]:
    """The bundled sample listings as ``(name, bytes)``."""
    folder = resources.files(SAMPLE_PACKAGE)
    entries = [e for e in folder.iterdir() if e.name.startswith("sample_") and e.is_file()]
    return [(entry.name, entry.read_bytes()) for entry in sorted(entries, key=lambda e: e.name)]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ReadlistError(f"cannot import {path}: it is a directory") from None
    except OSError as error:
        raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None


def run_import(library_path: Path, choice: ImportChoice) -> ImportReport:
    """Parse every source first (a bad file changes nothing), then import them all."""
    from readlist.importers import decode_bytes, parse_text

    path = choice.path
    sources = sample_sources() if path is None else [(path.name, _read(path))]
    parsed = []
    for name, raw in sources:
        try:
            parsed.append((name, parse_text(decode_bytes(raw), source_name=name)))
        except ValueError as error:  # ImportFormatError and friends
            raise ReadlistError(f"{name}: {error}") from None
    library = Library(library_path)
    total = ImportReport()
    for name, result in parsed:
        report = library.import_papers(result.papers)
        total.added += report.added
        total.updated += report.updated
        total.unchanged += report.unchanged
        total.warnings += [f"{name}: {warning}" for warning in result.warnings]
    return total


def run_export(papers: Sequence[Paper], path: Path) -> int:
    """Write ``papers`` as BibTeX to ``path`` (atomically); how many were written."""
    from readlist.exporters import export

    text = export(list(papers), "bibtex")
    atomic_write(path, text.encode("utf-8"))
    return len(papers)


def bibtex_entry(paper: Paper) -> str:
    """One paper's BibTeX entry, for the clipboard."""
    from readlist.exporters.bibtex import bibtex_entry as entry

    return entry(paper)
