"""Replacing a file atomically: temp file, fsync, rename, fsync the folder."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from readlist.errors import LibraryError


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


def atomic_write(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` by ``payload``: temp file, fsync, rename, fsync folder.

    ``payload`` may be an iterable of byte chunks, written as they come, so a big
    export never has to sit in memory whole.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise LibraryError(f"cannot save {path}: {describe_os_error(error)}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes | bytearray | memoryview):
                handle.write(payload)
            else:
                for chunk in payload:
                    handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, os.stat(path).st_mode & 0o777)
        os.replace(tmp_name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(error, OSError):
            hint = " (disk full)" if error.errno == errno.ENOSPC else ""
            reason = f"{describe_os_error(error)}{hint}"
            raise LibraryError(
                f"cannot save {path}: {reason}; the previous version is intact"
            ) from None
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
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
