"""Reading import sources (files, stdin, the bundled samples) and importing them together.

Every source is parsed before the library is touched, so one bad file changes nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from readlist.errors import ReadlistError
from readlist.store import ImportReport, Library
from readlist.store.atomic import describe_file_kind

#: The sample listings shipped in ``readlist/data`` (``readlist import --sample``).
SAMPLE_FILES = ("sample_listing.txt", "sample_search_results.txt")
#: The most bytes one import source may hold (docs/import.md); a bigger one is refused
#: while it is read, so a device or a pipe that never ends cannot fill the memory.
MAX_IMPORT_BYTES = 256 * 1024 * 1024
#: The environment variable that sets another limit, in bytes (the tests use it).
MAX_IMPORT_BYTES_ENV = "READLIST_MAX_IMPORT_BYTES"
#: How much of a pipe is read at a time.
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class RawSource:
    """Bytes to import, read when needed, with the name used in messages and in ``paper.source``.

    Reading late lets the bytes of a big file go as soon as it is parsed, instead
    of staying in memory through the whole import.
    """

    name: str
    read: Callable[[], bytes]

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> RawSource:
        """A source whose bytes are already in memory (standard input, say)."""
        return cls(name, lambda: data)


@dataclass
class FileReport:
    """What importing one source did."""

    name: str
    format: str
    report: ImportReport = field(default_factory=ImportReport)


def sample_sources() -> list[RawSource]:
    """The bundled sample listings."""
    folder = resources.files("readlist.data")
    return [RawSource(name, folder.joinpath(name).read_bytes) for name in SAMPLE_FILES]


def max_import_bytes() -> int:
    """The size limit of one import source: ``$READLIST_MAX_IMPORT_BYTES`` or 256 MiB."""
    value = os.environ.get(MAX_IMPORT_BYTES_ENV)
    if value is None or not value.strip():
        return MAX_IMPORT_BYTES
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise ReadlistError(
            f"{MAX_IMPORT_BYTES_ENV} must be a positive number of bytes, not {value!r}"
        )
    return limit


def read_capped(stream: BinaryIO, name: str, *, expected: int = READ_CHUNK) -> bytes:
    """All bytes of ``stream``, refused with a :class:`ReadlistError` once past the size limit.

    ``expected`` is how big the stream is thought to be (a file's size), read in one
    go; a stream of unknown size (a pipe) is read a chunk at a time.
    """
    limit = max_import_bytes()
    chunks: list[bytes] = []
    size = 0
    want = min(expected, limit) + 1
    while chunk := stream.read(want):
        size += len(chunk)
        if size > limit:
            raise ReadlistError(
                f"cannot import {name}: it is larger than the import limit of "
                f"{_size(limit)} (set {MAX_IMPORT_BYTES_ENV} to change it)"
            )
        chunks.append(chunk)
        want = min(READ_CHUNK, limit + 1 - size)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _size(count: int) -> str:
    """A byte count for people: ``256 MiB``, ``1000 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def stdin_source(stream: BinaryIO) -> RawSource:
    """Standard input (``-``), read up to the size limit when the import needs it."""
    return RawSource("<stdin>", lambda: read_capped(stream, "<stdin>"))


def shown_name(name: str) -> str:
    r"""A file name as text that can be printed and saved: bytes that are not UTF-8 as ``\xNN``."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:  # bytes the file system gave that are not UTF-8 (kept as surrogate escapes)
            return os.fsencode(name).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def file_source(path: str | Path) -> RawSource:
    """A regular file to import; reading an unusable path raises one clear :class:`ReadlistError`.

    FIFOs, devices, sockets and directories are refused before a byte is read (a
    FIFO is opened without waiting for a writer, so nothing ever hangs on one).
    """
    path = Path(path)
    shown = shown_name(str(path))

    def read() -> bytes:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except IsADirectoryError:
            raise ReadlistError(f"cannot import {shown}: it is a directory") from None
        except OSError as error:
            raise ReadlistError(f"cannot read {shown}: {error.strerror or error}") from None
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise ReadlistError(f"cannot import {shown}: it is a directory")
            if not stat.S_ISREG(info.st_mode):
                kind = describe_file_kind(info.st_mode)
                raise ReadlistError(
                    f"cannot import {shown}: it is {kind}, not a regular "
                    "file (to import a stream, pipe it in and give '-' for standard input)"
                )
            os.set_blocking(fd, True)
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return read_capped(handle, shown, expected=info.st_size)
        except OSError as error:
            raise ReadlistError(f"cannot read {shown}: {error.strerror or error}") from None
        finally:
            os.close(fd)

    return RawSource(shown_name(path.name), read)


def import_sources(
    library: Library,
    sources: Sequence[RawSource],
    *,
    format: str | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
) -> list[FileReport]:
    """Parse every source, then import them all in one save; warnings name their source.

    ``dry_run`` reports what the import would do and writes nothing.
    """
    from readlist.bib.bibtex_values import MacroTable
    from readlist.importers import decode_text, parse_text

    macros = MacroTable()  # @strings of one .bib serve the next, as in \bibliography{a,b}
    parsed = []
    for source in sources:
        try:
            text, notes = decode_text(source.read())  # the bytes are dropped here, the text below
            result = parse_text(text, format=format, source_name=source.name, bibtex_macros=macros)
            result.warnings[:0] = notes
            parsed.append((source.name, result))
        except ValueError as error:  # ImportFormatError, or a bad --format
            raise ReadlistError(f"{source.name}: {error}") from None
        del text
    batches = [result.papers for _name, result in parsed]
    reports = library.import_batches(batches, tags=list(tags), dry_run=dry_run)
    file_reports = []
    for (name, result), report in zip(parsed, reports, strict=True):
        # The library's own warnings (a damaged record left as it is) come after the file's.
        report.warnings = [f"{name}: {warning}" for warning in result.warnings] + report.warnings
        file_reports.append(FileReport(name, result.format, report))
    return file_reports


def total(reports: Iterable[FileReport]) -> ImportReport:
    """All the reports added up."""
    summed = ImportReport()
    for file_report in reports:
        summed.added += file_report.report.added
        summed.updated += file_report.report.updated
        summed.unchanged += file_report.report.unchanged
        summed.warnings += file_report.report.warnings
        summed.steps += file_report.report.steps
    # A paper one file adds and another enriches counts once, as added.
    added = set(summed.added)
    summed.updated = [key for key in dict.fromkeys(summed.updated) if key not in added]
    return summed
