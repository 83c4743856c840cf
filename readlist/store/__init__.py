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

from readlist.store.library import ImportReport, ImportStep, Library, NoteOutcome, NoteSave

__all__ = ["ImportReport", "ImportStep", "Library", "NoteOutcome", "NoteSave"]
