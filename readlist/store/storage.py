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
  library (:func:`readlist.store.format.parse_file`), raising
  :class:`~readlist.errors.LibraryError` instead.

:class:`MemoryStorage` is the same storage over bytes kept in memory, for tests.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

import orjson
from tinydb.storages import Storage

from readlist.errors import LibraryError
from readlist.paths import lock_path
from readlist.store.atomic import atomic_write, describe_os_error
from readlist.store.chunked_json import dump_pieces
from readlist.store.format import (
    LIBRARY_KIND,
    META_TABLE,
    FormatProblem,
    Tables,
    meta_record,
    parse_file,
)
from readlist.store.record_view import RecordView, file_digest, meta_tail, scan, write_digest

#: Held while a storage makes its lock on first use (see :attr:`SafeJSONStorage.lock`).
_MAKING_LOCKS = threading.RLock()
#: How long to wait for another process to release the lock.
LOCK_TIMEOUT_SECONDS = 15.0

Stamp = tuple[int, int, int]
Record = dict[str, Any]


class Lock(Protocol):
    """What a storage's lock offers: re-entrant acquire and release (a ``FileLock``)."""

    def acquire(self) -> object:
        """Take the lock, waiting for it (``filelock.Timeout`` when it waited too long)."""

    def release(self) -> None:
        """Give the lock back."""


class SafeJSONStorage(Storage):
    """TinyDB storage with atomic saves, a file lock and change detection."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        kind: str = LIBRARY_KIND,
        lock: Lock | None = None,
        lock_of: SafeJSONStorage | None = None,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        """Use the file at ``path`` (it need not exist yet), holding tables of ``kind``.

        ``lock``, or the lock of the storage ``lock_of``, shares another storage's lock,
        so that one lock guards a library and its abstracts file; by default the lock
        file is ``<path>.lock``.
        """
        self.path = Path(path)
        self.kind = kind
        #: How messages name the file: "library", or "abstracts file".
        self.label = "library" if kind == LIBRARY_KIND else f"{kind} file"
        # An abstracts file replaced by a directory is found when it is read, so that
        # changes that never read it (tags, status, notes) still save.
        if kind == LIBRARY_KIND and self.path.is_dir():
            raise LibraryError(f"library path {self.path} is a directory, not a file")
        self._lock = lock
        self._lock_of = lock_of
        self._lock_timeout = lock_timeout
        self._cache: Tables | None = None
        #: The file's bytes with each record's place, when read by :meth:`read_view`.
        self._view: RecordView | None = None
        self._stamp: Stamp | None = None
        #: Bumped every time the in-memory data changes (load or save).
        self.generation = 0

    @property
    def lock(self) -> Lock:
        """The inter-process lock, made when first needed.

        filelock takes 10-20 ms to import: a command that only reads never pays it.
        """
        if self._lock is None:
            with _MAKING_LOCKS:  # two threads asking first must get the same lock
                if self._lock is None:
                    shared = self._lock_of
                    made = shared.lock if shared is not None else self._new_lock(self._lock_timeout)
                    self._lock = made
        return self._lock

    def _new_lock(self, timeout: float) -> Lock:
        """The lock of a file of its own: ``<path>.lock`` beside it."""
        from filelock import FileLock

        return FileLock(str(lock_path(self.path)), timeout=timeout)

    # -- locking ---------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Any:
        """Hold the inter-process lock (re-entrant) for a read-modify-write."""
        lock = self.lock  # made first: filelock is loaded with it
        from filelock import Timeout

        try:
            self._acquire()
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
            lock.release()

    def _acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes there
        self.lock.acquire()

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

    @property
    def stamp(self) -> Stamp | None:
        """Inode, size and modification time of the file as last read or saved."""
        return self._stamp

    def current_stamp(self) -> Stamp | None:
        """Inode, size and modification time of the file now (``None``: absent)."""
        return self._stat()

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what was last loaded or saved."""
        return self._stat() != self._stamp

    def read(self) -> Tables | None:
        """The whole database, re-read from disk only when the file changed."""
        stamp = self._stat()
        if stamp is not None and stamp == self._stamp and self._cache is not None:
            return self._cache
        if stamp is not None and stamp == self._stamp and self._view is not None:
            # The same bytes, read without parsing them: parsed now (the same data).
            self._cache = self._parse(self._view.raw)
            return self._cache
        self._view = None
        if stamp is None:
            data: Tables | None = None
        else:
            data = self._load()
        self._cache = data
        self._stamp = stamp
        self.generation += 1
        return data

    def _load(self) -> Tables | None:
        return self._parse(self._read_bytes())

    def _parse(self, raw: bytes) -> Tables | None:
        parsed = parse_file(raw, self.path, self.kind)
        if isinstance(parsed, FormatProblem):
            raise parsed.error(self.label)
        return parsed

    @property
    def view(self) -> RecordView | None:
        """The view :meth:`read_view` made of the file as last read or saved, if any."""
        return self._view

    def read_view(self) -> RecordView | None:
        """The library's records without parsing them, when the file is as readlist wrote it.

        ``None`` when the file is absent or cannot be trusted to be laid out as
        readlist writes it (:func:`readlist.store.record_view.scan`): then it was
        parsed whole, and :meth:`read` serves it. Only for a library file.
        """
        stamp = self._stat()
        if stamp is not None and stamp == self._stamp:
            if self._view is not None:
                return self._view
            if self._cache is not None:
                return None
        if stamp is None or self.kind != LIBRARY_KIND:
            self.read()
            return None
        raw = self._read_bytes()
        view = self._scan(raw)
        self._cache = self._parse(raw) if view is None else None
        self._view = view
        self._stamp = stamp
        self.generation += 1
        return view

    def _scan(self, raw: bytes) -> RecordView | None:
        return scan(raw, self.path, meta_tail(meta_record(self.kind)))

    def _write_digest(self, payload: Sequence[bytes | memoryview]) -> None:
        """Name the digest of what was just saved (a library file only)."""
        if self.kind == LIBRARY_KIND:
            write_digest(self.path, file_digest(payload))

    def _read_bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except IsADirectoryError:
            what = "library path" if self.kind == LIBRARY_KIND else self.label
            raise LibraryError(f"{what} {self.path} is a directory, not a file") from None
        except OSError as error:
            raise LibraryError(
                f"cannot read {self.label} {self.path}: {describe_os_error(error)}"
            ) from None

    # -- writing ---------------------------------------------------------------

    def write(self, data: Tables) -> None:
        """Save ``data`` atomically; on failure the old file stays as it was."""
        data[META_TABLE] = meta_record(self.kind)
        with self._forgotten_on_failure():
            # In pieces only when another thread (the interface's) waits for the GIL:
            # a single-threaded command would only pay for it.
            if threading.active_count() > 1:
                payload = dump_pieces(data)
            else:
                payload = [orjson.dumps(data, option=orjson.OPT_INDENT_2)]
            with self.locked():
                self._view = None
                self._replace(payload)
                self._stamp = self._stat()
                self._write_digest(payload)
        self._cache = data
        self.generation += 1

    def write_spliced(self, view: RecordView, replace: dict[int, Record]) -> None:
        """Save the library of ``view`` with the records of ``replace`` (by doc id) replaced.

        The same bytes as :meth:`write` of the whole library so changed, without
        encoding the records that did not change. ``view`` must be :attr:`view`.
        """
        if view is not self._view:
            raise ValueError("the view is not the file as last read")
        pieces, after = view.splice(replace)
        with self._forgotten_on_failure(), self.locked():
            self._replace(pieces)
            self._stamp = self._stat()
            self._write_digest(pieces)
        self._cache = None
        self._view = after
        if after is None:
            self._stamp = None  # read again (a key changed)
        self.generation += 1

    @contextlib.contextmanager
    def _forgotten_on_failure(self) -> Iterator[None]:
        """Forget what memory holds of the file when the save in the block fails.

        TinyDB mutated the cached dict in place before calling :meth:`write`, and a
        save may stop after the rename: the next read comes from the file, which
        holds the old state (or the new one, whole), never from memory.
        """
        try:
            yield
        except BaseException:
            self._cache = None
            self._view = None
            self._stamp = None
            self.generation += 1
            raise

    def _replace(self, payload: Sequence[bytes | memoryview]) -> None:
        """Put ``payload`` (its pieces in order) in place of the file, whole or not at all."""
        atomic_write(self.path, payload)

    def close(self) -> None:
        """Nothing stays open between operations."""


class MemoryStorage(SafeJSONStorage):
    """:class:`SafeJSONStorage` over bytes in memory, for tests: the same checks, no files.

    The "files" of every memory storage made from one class are shared, as on a
    disk, so two libraries at one path see each other's saves. Make a class with a
    disk of its own with :meth:`with_own_disk`.
    """

    #: The bytes of each file, by path.
    files: ClassVar[dict[Path, bytes]] = {}
    #: Bumped on every save, standing in for a file's inode, size and mtime.
    _clock: ClassVar[list[int]] = [0]
    _stamps: ClassVar[dict[Path, Stamp]] = {}

    @classmethod
    def with_own_disk(cls, files: Iterable[tuple[Path, bytes]] = ()) -> type[MemoryStorage]:
        """A subclass whose storages share a disk of their own, holding ``files``."""
        disk = dict(files)
        stamps = {path: (0, len(raw), 0) for path, raw in disk.items()}
        attrs = {"files": disk, "_clock": [0], "_stamps": stamps}
        return type("MemoryStorage", (cls,), attrs)

    def _new_lock(self, timeout: float) -> Lock:
        return threading.RLock()

    def _acquire(self) -> None:
        self.lock.acquire()

    def _stat(self) -> Stamp | None:
        return self._stamps.get(self.path)

    def _read_bytes(self) -> bytes:
        return self.files[self.path]

    def _scan(self, raw: bytes) -> RecordView | None:
        return None  # no digest file in memory: always parsed whole

    def _write_digest(self, payload: Sequence[bytes | memoryview]) -> None:
        pass

    def _replace(self, payload: Sequence[bytes | memoryview]) -> None:
        self._clock[0] += 1
        whole = b"".join(payload)
        self.files[self.path] = whole
        self._stamps[self.path] = (self._clock[0], len(whole), self._clock[0])
