"""Reading import sources (files, stdin, the bundled samples) and importing them together.

Every source is parsed before the library is touched, so one bad file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.store import ImportReport, Library

#: The sample listings shipped in ``readlist/data`` (``readlist import --sample``).
SAMPLE_FILES = ("sample_listing.txt", "sample_search_results.txt")


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


def file_source(path: str | Path) -> RawSource:
    """A file to import; reading an unreadable path raises one clear :class:`ReadlistError`."""
    path = Path(path)

    def read() -> bytes:
        try:
            return path.read_bytes()
        except IsADirectoryError:
            raise ReadlistError(f"cannot import {path}: it is a directory") from None
        except OSError as error:
            raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None

    return RawSource(path.name, read)


def import_sources(
    library: Library,
    sources: Sequence[RawSource],
    *,
    format: str | None = None,
    tags: Iterable[str] = (),
) -> list[FileReport]:
    """Parse every source, then import them all; warnings are prefixed with the source name."""
    from readlist.importers import decode_bytes, parse_text

    parsed = []
    for source in sources:
        try:
            text = decode_bytes(source.read())  # the bytes are dropped here, the text below
            parsed.append((source.name, parse_text(text, format=format, source_name=source.name)))
        except ValueError as error:  # ImportFormatError, or a bad --format
            raise ReadlistError(f"{source.name}: {error}") from None
        del text
    tags = list(tags)
    reports = []
    for name, result in parsed:
        report = library.import_papers(result.papers, tags=tags)
        report.warnings = [f"{name}: {warning}" for warning in result.warnings]
        reports.append(FileReport(name, result.format, report))
    return reports


def total(reports: Iterable[FileReport]) -> ImportReport:
    """All the reports added up."""
    summed = ImportReport()
    for file_report in reports:
        summed.added += file_report.report.added
        summed.updated += file_report.report.updated
        summed.unchanged += file_report.report.unchanged
        summed.warnings += file_report.report.warnings
    return summed
