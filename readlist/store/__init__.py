"""The library store: the only package that knows the files, and the only one importing tinydb.

By job: :mod:`~readlist.store.format` (the file format, checked once),
:mod:`~readlist.store.atomic` (atomic writes and copies), :mod:`~readlist.store.chunked_json`
(big tables parsed and written in pieces, so other threads run meanwhile),
:mod:`~readlist.store.storage` (the crash-safe, locked TinyDB ``Storage``, and one in
memory for tests), :mod:`~readlist.store.records` and :mod:`~readlist.store.abstracts`
(paper <-> record, abstracts kept apart), :mod:`~readlist.store.importing` (what an
import does), :mod:`~readlist.store.library` (the :class:`Library`: lock, refresh,
apply, save), :mod:`~readlist.store.journal` and :mod:`~readlist.store.undo` (the change
journal, history, undo and redo), :mod:`~readlist.store.backup`; and for
``readlist doctor`` and ``restore``, :mod:`~readlist.store.check`,
:mod:`~readlist.store.repair` and :mod:`~readlist.store.restore`.
"""

from typing import TYPE_CHECKING

from readlist.store.library import Library, NoteOutcome, NoteSave

if TYPE_CHECKING:
    from readlist.store.importing import ImportReport, ImportStep

__all__ = ["ImportReport", "ImportStep", "Library", "NoteOutcome", "NoteSave"]


def __getattr__(name: str) -> object:
    """``ImportReport`` and ``ImportStep``, loaded when first asked for.

    What an import does (keys, merging) costs a command that imports nothing
    several ms to load.
    """
    if name in ("ImportReport", "ImportStep"):
        from readlist.store import importing

        return getattr(importing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
