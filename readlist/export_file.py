"""Writing an export to a file (atomically) or to a stream, a piece at a time.

An export never lands on the files the library depends on: :func:`check_export_path`
refuses the library, its abstracts file, its export registry, its lock, its render cache
and anything in its backup folder
(by resolved path and by device and inode, so a symlink or a hard link is caught too),
and anything that is not a regular file (a FIFO, a device, a folder). A symlink is
written through: its target is replaced atomically and the link stays a link.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from readlist.errors import ReadlistError
from readlist.exporters import export_chunks
from readlist.models import Paper
from readlist.paths import abstracts_path, exports_path, lock_path
from readlist.store.atomic import atomic_write, describe_file_kind
from readlist.store.backup import backup_folder
from readlist.store.listing import listing_path
from readlist.store.record_view import digest_path
from readlist.store.render_cache import render_cache_path


def write_export(
    papers: Sequence[Paper],
    format: str,
    target: Path | TextIO,
    *,
    ascii: bool = False,
    library: str | os.PathLike[str] | None = None,
    dialect: str = "bibtex",
) -> int:
    """Write ``papers`` in ``format`` to a file path (replaced atomically) or an open stream.

    A path is checked first by :func:`check_export_path` against ``library`` (the
    library being exported from); a symlink's target is written, the link kept.
    The file's folder must exist (:class:`ReadlistError` otherwise).

    The text is made and written an entry at a time, so exporting a large library
    needs no second copy of it in memory. Returns how many papers were written.
    ``dialect``: how BibTeX aliases are written (:func:`readlist.exporters.to_bibtex`).
    """
    chunks = export_chunks(papers, format, ascii=ascii, dialect=dialect)
    if isinstance(target, Path):
        write_encoded(target, (chunk.encode("utf-8") for chunk in chunks), library=library)
    else:
        for chunk in chunks:
            target.write(chunk)
    return len(papers)


def write_encoded(
    target: Path | TextIO,
    chunks: Iterable[bytes],
    *,
    library: str | os.PathLike[str] | None = None,
) -> None:
    """Write an export already encoded as UTF-8 ``chunks``, as :func:`write_export` does.

    A UTF-8 stream with a binary ``buffer`` (standard output) gets the bytes as they
    are, where text streams write newlines as they are (not on Windows).
    """
    if isinstance(target, Path):
        real = check_export_path(target, library)
        if not real.parent.is_dir():  # a typo in a path should not make folders
            raise ReadlistError(f"cannot write {target}: there is no folder {real.parent}")
        atomic_write(real, chunks)
        return
    buffer: BinaryIO | None = getattr(target, "buffer", None)
    if buffer is not None and os.name != "nt" and _is_utf8(getattr(target, "encoding", None)):
        target.flush()
        for chunk in chunks:
            buffer.write(chunk)
        buffer.flush()
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chunks:
        target.write(decoder.decode(chunk))
    target.write(decoder.decode(b"", final=True))


def check_export_path(target: Path, library: str | os.PathLike[str] | None = None) -> Path:
    """The file an export to ``target`` really writes (a symlink's target), if allowed.

    Raises :class:`ReadlistError` when that file is the library at ``library``,
    its abstracts file, its lock or in its backup folder, or exists and is not
    a regular file.
    """
    real = Path(os.path.realpath(target))
    try:
        found = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        found = None  # a new file (or a folder that is missing, said below)
    except OSError as error:
        raise ReadlistError(f"cannot write {target}: {error.strerror or error}") from None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise ReadlistError(
            f"cannot write {target}: it is {describe_file_kind(found.st_mode)}, not a file"
        )
    if library is not None and _is_protected(real, found, Path(library)):
        raise ReadlistError(
            f"cannot write {target}: it is a file of the library {library} "
            "(the library, its abstracts, its lock or a backup); choose another file"
        )
    return real


def _is_protected(real: Path, found: os.stat_result | None, library: Path) -> bool:
    """Whether the file at ``real`` (stat ``found``) is one the library depends on."""
    backups = Path(os.path.realpath(backup_folder(library).parent))
    if real == backups or backups in real.parents:
        return True
    protected = list(_library_files(library))
    if real in {Path(os.path.realpath(path)) for path in protected}:
        return True
    if found is None:
        return False
    for path in protected:
        try:
            other = os.stat(path)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (found.st_dev, found.st_ino):
            return True
    return False


def _library_files(library: Path) -> Iterator[Path]:
    """The library file, its abstracts, its export registry, its lock, caches, backups."""
    real = Path(os.path.realpath(library))
    for path in {library, real}:
        yield from (path, abstracts_path(path), exports_path(path), lock_path(path))
        yield from (render_cache_path(path), digest_path(path), listing_path(path))
    folder = backup_folder(real).parent
    try:
        for entry in os.scandir(folder):
            yield Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                yield from (Path(inner.path) for inner in os.scandir(entry.path))
    except OSError:
        return


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
