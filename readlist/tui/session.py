"""The interface's hold on the library: guarded writes, reloads and search warm-up.

The first query on a library builds a per-paper search index (folded text), which
takes about half a second at 10,000 papers. :meth:`LibrarySession.warm_up` builds
it in a worker thread right after loading; writes wait for it under a lock, so a
write can never race the index being built.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

from readlist.store import Library

T = TypeVar("T")

#: From this many papers on, loaded papers are frozen out of the garbage collector.
FREEZE_AT = 2000


class LibrarySession:
    """Owns the :class:`Library` for the app; every write goes through :meth:`write`."""

    def __init__(self, library: Library) -> None:
        """Wrap ``library``."""
        self.library = library
        self._lock = threading.Lock()

    def write(self, change: Callable[[Library], T]) -> T:
        """Apply ``change`` to the library (it saves at once)."""
        with self._lock:
            return change(self.library)

    def reload_if_changed(self) -> bool:
        """Reload when another process saved the library; whether it did."""
        if not self.library.changed_on_disk():
            return False
        return self.library.refresh()

    def warm_up(self) -> None:
        """Build the search index now (call from a worker thread).

        In a large library the loaded papers are then moved out of the garbage
        collector's sight (:func:`gc.freeze`): they live as long as the library
        is open, and scanning them made keystrokes stall at random.
        """
        with self._lock:
            self.library.build_index()
            large = len(self.library) >= FREEZE_AT
        if large:
            gc.freeze()
