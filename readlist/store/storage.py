"""A crash-safe, process-safe JSON ``Storage`` for TinyDB.

TinyDB's own ``JSONStorage`` truncates the file and rewrites it in place, so a
kill mid-write loses the library. This storage instead:

- writes a temporary file in the same folder, fsyncs it and renames it over the
  library (atomic on POSIX), then fsyncs the folder: after a crash the file
  holds either the old or the new content, never a mix;
- offers an exclusive inter-process lock (:attr:`SafeJSONStorage.lock`) that
  callers hold around every read-modify-write;
- re-reads the file whenever it changed on disk since it was loaded (checked by
  inode, size and mtime), and otherwise serves the parsed data from memory;
- refuses to overwrite a file it could not read or that is not a readlist
  library, raising :class:`~readlist.errors.LibraryError` instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

from readlist.atomic import atomic_write, describe_os_error
from readlist.errors import LibraryError

#: Name of the table that marks a file as a readlist library.
META_TABLE = "_readlist"
#: Version of the file layout; bump it with a migration when the layout changes.
SCHEMA_VERSION = 1
#: How long to wait for another process to release the lock.
LOCK_TIMEOUT_SECONDS = 15.0

Tables = dict[str, dict[str, Any]]
Stamp = tuple[int, int, int]


class SafeJSONStorage(Storage):
    """TinyDB storage with atomic saves, a file lock and change detection."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_first_write: Callable[[Path], None] | None = None,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        """Use the library file at ``path`` (it need not exist yet).

        ``before_first_write`` is called with the path, under the lock, before
        this storage first replaces an existing file (used for daily backups).
        """
        self.path = Path(path)
        if self.path.is_dir():
            raise LibraryError(f"library path {self.path} is a directory, not a file")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = FileLock(str(self._lock_path), timeout=lock_timeout)
        self._before_first_write = before_first_write
        self._wrote = False
        self._cache: Tables | None = None
        self._stamp: Stamp | None = None
        #: Bumped every time the in-memory data changes (load or save).
        self.generation = 0

    # -- locking ---------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Any:
        """Hold the inter-process lock (re-entrant) for a read-modify-write."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise LibraryError(
                f"library {self.path} is locked by another readlist process; try again"
            ) from None
        except OSError as error:
            raise LibraryError(
                f"cannot lock library {self.path}: {describe_os_error(error)}"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    # -- reading ---------------------------------------------------------------

    def _stat(self) -> Stamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LibraryError(
                f"cannot read library {self.path}: {describe_os_error(error)}"
            ) from None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what was last loaded or saved."""
        return self._stat() != self._stamp

    def read(self) -> Tables | None:
        """The whole database, re-read from disk only when the file changed."""
        stamp = self._stat()
        if stamp is not None and stamp == self._stamp and self._cache is not None:
            return self._cache
        if stamp is None:
            data: Tables | None = None
        else:
            data = self._load()
        self._cache = data
        self._stamp = stamp
        self.generation += 1
        return data

    def _load(self) -> Tables | None:
        try:
            raw = self.path.read_bytes()
        except IsADirectoryError:
            raise LibraryError(f"library path {self.path} is a directory, not a file") from None
        except OSError as error:
            raise LibraryError(
                f"cannot read library {self.path}: {describe_os_error(error)}"
            ) from None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise LibraryError(
                f"library {self.path} is not valid JSON ({error.args[0]}); it was left untouched"
            ) from None
        return validate_tables(data, self.path)

    # -- writing ---------------------------------------------------------------

    def write(self, data: Tables) -> None:
        """Save ``data`` atomically; on failure the old file stays as it was."""
        data[META_TABLE] = {"1": {"schema": SCHEMA_VERSION, "app": "readlist"}}
        try:
            payload = orjson.dumps(data, option=orjson.OPT_INDENT_2)
            with self.locked():
                if not self._wrote and self._before_first_write and self.path.exists():
                    self._before_first_write(self.path)
                atomic_write(self.path, payload)
                self._wrote = True
                self._stamp = self._stat()
        except BaseException:
            # TinyDB mutated the cached dict in place before calling us: forget it,
            # so the next read comes from the file, which still holds the old state.
            self._cache = None
            self._stamp = None
            self.generation += 1
            raise
        self._cache = data
        self.generation += 1

    def close(self) -> None:
        """Nothing stays open between operations."""


def validate_tables(data: object, path: Path) -> Tables:
    """``data`` as tables if it is a readlist library, else a :class:`LibraryError`."""
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise LibraryError(f"{path} is not a readlist library; it was left untouched")
    if not data:
        return {}
    meta = data.get(META_TABLE)
    if not meta:
        raise LibraryError(f"{path} is not a readlist library; it was left untouched")
    first: object = next(iter(meta.values()), None)
    schema = first.get("schema") if isinstance(first, dict) else None
    if not isinstance(schema, int):
        raise LibraryError(f"{path} has no readable schema version; it was left untouched")
    if schema > SCHEMA_VERSION:
        raise LibraryError(
            f"{path} was written by a newer readlist (schema {schema}); upgrade readlist"
        )
    return data
