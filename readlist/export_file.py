"""Writing an export to a file (atomically) or to a stream, a piece at a time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from readlist.atomic import atomic_write
from readlist.errors import ReadlistError
from readlist.exporters import export_chunks
from readlist.models import Paper


def write_export(
    papers: Sequence[Paper], format: str, target: Path | TextIO, *, ascii: bool = False
) -> int:
    """Write ``papers`` in ``format`` to a file path (replaced atomically) or an open stream.

    The file's folder must exist (:class:`ReadlistError` otherwise).

    The text is made and written an entry at a time, so exporting a large library
    needs no second copy of it in memory. Returns how many papers were written.
    """
    chunks = export_chunks(papers, format, ascii=ascii)
    if isinstance(target, Path):
        if not target.parent.is_dir():  # a typo in a path should not make folders
            raise ReadlistError(f"cannot write {target}: there is no folder {target.parent}")
        atomic_write(target, (chunk.encode("utf-8") for chunk in chunks))
    else:
        for chunk in chunks:
            target.write(chunk)
    return len(papers)
