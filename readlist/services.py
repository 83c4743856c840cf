"""The use cases the CLI and the TUI share, so that each rule lives in one place.

:func:`open_library` is how both faces open a library: the path's symlink is
resolved once (the library, its abstracts, its lock and its backups then all sit
beside the real file) and the daily backup is taken before the first change.
"""

from __future__ import annotations

import os

from readlist.paths import real_library_path
from readlist.store import Library
from readlist.store.backup import daily_backup


def open_library(path: str | os.PathLike[str]) -> Library:
    """The library at ``path`` (through a symlink, the real file), backed up daily."""
    return Library(real_library_path(path), before_first_write=daily_backup)
