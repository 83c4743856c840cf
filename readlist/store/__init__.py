"""The library store: the only package that imports tinydb.

:mod:`readlist.store.storage` is the crash-safe, locked TinyDB ``Storage``;
:mod:`readlist.store.library` is the :class:`Library` built on it.
"""

from readlist.store.library import ImportReport, ImportStep, Library, NoteOutcome, NoteSave

__all__ = ["ImportReport", "ImportStep", "Library", "NoteOutcome", "NoteSave"]
