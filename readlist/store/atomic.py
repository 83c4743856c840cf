"""Replacing a file atomically (temp file, fsync, rename, fsync the folder), written or copied."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from readlist.errors import LibraryError

#: What tells a replaced or changed file: inode, size, modification time in ns (None: absent).
Stamp = tuple[int, int, int] | None


def file_stamp(path: str | os.PathLike[str]) -> Stamp:
    """``path``'s :data:`Stamp`; ``None`` when it cannot be read (absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def describe_file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message (``a FIFO (named pipe)``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def describe_os_error(error: OSError) -> str:
    """The readable part of an OS error (``No space left on device``)."""
    return error.strerror or str(error)


def atomic_write(path: Path, payload: bytes | Iterable[bytes | memoryview]) -> None:
    """Replace ``path`` by ``payload``: temp file, fsync, rename, fsync folder.

    ``payload`` may be an iterable of byte chunks, written as they come, so a big
    export never has to sit in memory whole. Failures are a :class:`LibraryError`.
    """
    try:
        temp = _open_temp(path)
    except OSError as error:
        raise LibraryError(f"cannot save {path}: {describe_os_error(error)}") from None
    try:
        _fill_and_rename(temp, path, lambda handle: _write_payload(handle, payload), keep_mode=True)
    except OSError as error:
        hint = " (disk full)" if error.errno == errno.ENOSPC else ""
        reason = f"{describe_os_error(error)}{hint}"
        raise LibraryError(
            f"cannot save {path}: {reason}; the previous version is intact"
        ) from None


def copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` via a fsynced temporary file and a rename.

    Failures are the ``OSError`` itself: backups report it in their own words.
    """

    def copy(handle: BinaryIO) -> None:
        with source.open("rb") as original:
            shutil.copyfileobj(original, handle, 1 << 20)

    _fill_and_rename(_open_temp(target), target, copy, keep_mode=False)


def _write_payload(handle: BinaryIO, payload: bytes | Iterable[bytes | memoryview]) -> None:
    if isinstance(payload, bytes | bytearray | memoryview):
        handle.write(payload)
    else:
        for chunk in payload:
            handle.write(chunk)


def _open_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (its folder made if need be): (fd, name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _fill_and_rename(
    temp: tuple[int, str], path: Path, fill: Callable[[BinaryIO], None], *, keep_mode: bool
) -> None:
    """Fill the temp file, fsync it, rename it over ``path``, fsync the folder.

    The one copy of that sequence; the temp file never stays behind. ``keep_mode``
    gives the new file the permissions of the one it replaces.
    """
    fd, tmp_name = temp
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_mode:
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, os.stat(path).st_mode & 0o777)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make the names of files just created or renamed in ``folder`` durable (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
