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
#: 1: abstracts inside the paper records; 2: in a separate abstracts file
#: (records written by version 1 are still read).
SCHEMA_VERSION = 2
#: What the tables of a file are: a library, or the abstracts of one.
LIBRARY_KIND = "library"
ABSTRACTS_KIND = "abstracts"
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
        kind: str = LIBRARY_KIND,
        lock: FileLock | None = None,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        """Use the file at ``path`` (it need not exist yet), holding tables of ``kind``.

        ``lock`` shares another storage's lock, so that one lock guards a library
        and its abstracts file; by default the lock file is ``<path>.lock``.
        """
        self.path = Path(path)
        self.kind = kind
        #: How messages name the file: "library", or "abstracts file".
        self.label = "library" if kind == LIBRARY_KIND else f"{kind} file"
        # An abstracts file replaced by a directory is found when it is read, so that
        # changes that never read it (tags, status, notes) still save.
        if kind == LIBRARY_KIND and self.path.is_dir():
            raise LibraryError(f"library path {self.path} is a directory, not a file")
        self.lock = lock or FileLock(
            str(self.path.with_name(self.path.name + ".lock")), timeout=lock_timeout
        )
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
            self.lock.acquire()
        except Timeout:
            raise LibraryError(
                f"{self.label} {self.path} is locked by another readlist process; try again"
            ) from None
        except OSError as error:
            raise LibraryError(
                f"cannot lock {self.label} {self.path}: {describe_os_error(error)}"
            ) from None
        try:
            yield
        finally:
            self.lock.release()

    # -- reading ---------------------------------------------------------------

    def _stat(self) -> Stamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LibraryError(
                f"cannot read {self.label} {self.path}: {describe_os_error(error)}"
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
            what = "library path" if self.kind == LIBRARY_KIND else self.label
            raise LibraryError(f"{what} {self.path} is a directory, not a file") from None
        except OSError as error:
            raise LibraryError(
                f"cannot read {self.label} {self.path}: {describe_os_error(error)}"
            ) from None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise LibraryError(
                f"{self.label} {self.path} is not valid JSON ({error.args[0]}); "
                "it was left untouched"
            ) from None
        return validate_tables(data, self.path, self.kind)

    # -- writing ---------------------------------------------------------------

    def write(self, data: Tables) -> None:
        """Save ``data`` atomically; on failure the old file stays as it was."""
        data[META_TABLE] = {"1": {"schema": SCHEMA_VERSION, "app": "readlist", "kind": self.kind}}
        try:
            payload = orjson.dumps(data, option=orjson.OPT_INDENT_2)
            with self.locked():
                atomic_write(self.path, payload)
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


def validate_tables(data: object, path: Path, kind: str = LIBRARY_KIND) -> Tables:
    """``data`` as tables if it is a readlist file of ``kind``, else a :class:`LibraryError`."""
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
    found = first.get("kind", LIBRARY_KIND) if isinstance(first, dict) else LIBRARY_KIND
    if found != kind:
        what = "the abstracts of a library" if found == ABSTRACTS_KIND else f"a {found!r} file"
        raise LibraryError(f"{path} holds {what}, not a {kind} file; it was left untouched")
    return data
