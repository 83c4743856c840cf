"""Imports and exports, run in worker threads: domain code only, no widgets.

An import opens its own :class:`Library` on the same file, exactly like a second
``readlist`` process would (through :func:`readlist.services.open_library`, so
with the same daily backup); the inter-process lock keeps the two apart and the
app picks the change up as it does any other change on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.models import Paper
from readlist.services import export_to, import_files, open_library
from readlist.store import ImportReport

if TYPE_CHECKING:
    from readlist.adding import AddOutcome


@dataclass(frozen=True)
class ImportChoice:
    """What to import: a file, or (``path`` None) the bundled sample listings."""

    path: Path | None = None

    @property
    def label(self) -> str:
        """How to name it in messages."""
        return "the sample listings" if self.path is None else str(self.path)


def run_import(library_path: Path, choice: ImportChoice) -> ImportReport:
    """Parse every source first (a bad file changes nothing), then import them all."""
    files = [] if choice.path is None else [choice.path]
    library = open_library(library_path)
    library.command = f"tui: import {choice.label}"
    return import_files(library, files, samples=choice.path is None).total


def run_add(
    library_path: Path, texts: Sequence[str], progress: Callable[[str], None]
) -> AddOutcome:
    """Look every THING of ``texts`` up, then add the papers found (``readlist add``'s rules)."""
    from readlist.adding import add_things

    library = open_library(library_path)
    library.command = "tui: add " + " ".join(texts)
    return add_things(library, texts, progress=progress)


def run_export(
    papers: Sequence[Paper], path: Path, library_path: Path, format: str = "bibtex"
) -> int:
    """Write ``papers`` in ``format`` to ``path`` (atomically); how many were written.

    ``path`` may not be a file of the library at ``library_path`` (see
    :func:`readlist.services.check_export_target`).
    """
    return export_to(list(papers), format, path, library=library_path)


def bibtex_entry(paper: Paper) -> str:
    """One paper's BibTeX entry, for the clipboard."""
    from readlist.exporters.bibtex import bibtex_entry as entry

    return entry(paper)
