"""The render cache: each paper's exported text, kept in a file beside the library.

Exporting renders every paper's entry again (LaTeX-encoding its abstract is
most of it), so ``<library>.render-cache`` keeps the last whole-library export
of one format and options, a unit per paper (:class:`readlist.exporters.Layout`),
for the next export to copy. It is a cache: losing it only costs time, and a
stale unit is never used:

- each unit carries a fingerprint of its paper's whole stored record and of its
  context (its key, aliases, the file's macros: what the other papers decide),
  and the digest of the abstract text it was rendered from;
- the file names the library and abstracts files it was built from (inode, size,
  modification time). An abstract is taken as unchanged only when the abstracts
  file is, else its text is hashed again and compared;
- its header holds a version, readlist's version, the size and modification time
  of the exporters' source files and the text of a probe export, so another
  readlist, or other export code, ignores the whole file;
- a stamp is trusted only when the file was older than the cache by
  :data:`RACY_NS` when the cache was made (a file changed twice within the
  timestamps' granularity keeps its stamp; git calls this "racily clean").

When both files are as the cache names them, an export of the whole library is
the cached text itself: the records are not even read. The file is written
atomically while the export is written, without the library's lock (like the
search index): two writers each leave a whole, self-checking file.

Layout: the export's text, then a line of JSON (the header), a line of JSON (the
units: key, fingerprint, abstract digest, start, end, and what is wrong with the
record when it was edited by hand), and 20 digits giving where the header starts.

An export after a change builds no paper but those it renders: the layout reads
stand-ins (:mod:`readlist.store.layout_papers`), the fingerprints hash each
record's bytes where the file holds them when it is as readlist wrote it, and the
units taken from the cache are copied a run at a time (:class:`_Assembly`).

Why ~600 lines: the cache is one job whose parts only make sense together (the
options' identity, the file's reading and writing, and the export that takes or
renders each unit); every check above is here, next to the code it guards.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from readlist import __version__
from readlist.errors import LibraryError
from readlist.models import Paper

if TYPE_CHECKING:
    from readlist.exporters import Citable
from readlist.store.abstracts import abstract_digest
from readlist.store.atomic import Stamp, fsync_folder
from readlist.store.record_view import encode_record

#: Bump when the file layout or the fingerprint changes.
CACHE_VERSION = 3
#: A file changed less than this long before the cache was made may change again
#: without its stamp changing: its stamp is not trusted (2 s: FAT's granularity).
RACY_NS = 2_000_000_000
_TRAILER = 20
#: Blocks in which the cached text is copied out.
_BLOCK = 1 << 20
#: The most a header line may take (it holds stamps and a few names).
_HEADER_MAX = 1 << 16

#: (inode, size, modification time in ns) of a file, or ``None`` when it is absent.

_PROBE = Paper(
    title="QLoRA: Zoë's {LLaMA}-2 über-Attention for $k$-means & 100% GPT-4o_x",
    authors=["Łukasz Kowalski", "Jan van den Berg", "Martin Luther King Jr."],
    abstract="SqueezeLLM runs LLMs on edge devices; see https://github.com/x/y.",
    notes="Read §3 — the KV-cache part.",
    published="2023-05-17",
    tags=["llm", "to read"],
    key="kowalski2023qlora",
    aliases=["qlora", "QLoRA2023"],
)


def render_cache_path(library: str | os.PathLike[str]) -> Path:
    """The render cache of the library ``library``: ``library.json`` → ``library.render-cache``."""
    path = Path(library)
    return path.with_name(f"{path.stem}.render-cache")


def _code_stamp() -> list[Any]:
    """Size and modification time of the source files that exporting runs, by name."""
    root = Path(__file__).resolve().parents[1]
    stamps: list[Any] = []
    for folder in (root / "exporters", root / "bib"):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    stamps.append([f"{folder.name}/{entry.name}", st.st_size, st.st_mtime_ns])
    for name in ("models.py", "text.py", "keys.py", "store/records.py"):
        with contextlib.suppress(OSError):
            st = os.stat(root / name)
            stamps.append([name, st.st_size, st.st_mtime_ns])
    return stamps


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export is asked for, besides its papers: the format and its options."""

    format: str
    ascii: bool = False
    dialect: str = "bibtex"

    def identity(self) -> dict[str, Any]:
        """What a cache must have been made with to serve this export (the probe included)."""
        from readlist.exporters import export

        probe = export([_PROBE], self.format, ascii=self.ascii, dialect=self.dialect)
        return {
            "version": CACHE_VERSION,
            "readlist": __version__,
            "code": _code_stamp(),
            "probe": hashlib.blake2b(probe.encode("utf-8"), digest_size=16).hexdigest(),
            "format": self.format,
            "ascii": self.ascii,
            "dialect": self.dialect,
        }


def fingerprint(record: Mapping[str, Any], context: str) -> str:
    """A digest of a stored record and of a unit's context (``""``: never matches).

    The record is hashed as the library file holds it (:func:`encode_record`), so a
    file readlist wrote gives the same digests from its bytes (:func:`fingerprint_of`).
    """
    try:
        encoded = encode_record(record)
    except TypeError:  # not JSON at all: cannot come from a file
        return ""
    return fingerprint_of(encoded, context)


def fingerprint_of(encoded: bytes | memoryview, context: str) -> str:
    """:func:`fingerprint` of the record whose stored bytes are ``encoded``."""
    digest = hashlib.blake2b(encoded, digest_size=12)
    digest.update(b"\x00" + context.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def trusted(stamp: Stamp, built: int) -> bool:
    """Whether a file stamped ``stamp`` was old enough, for a cache made at ``built``, to trust."""
    return stamp is not None and stamp[2] < built - RACY_NS


@dataclass(frozen=True, slots=True)
class Unit:
    """Where one paper's cached unit lies in the cache file, and what it was made from."""

    fingerprint: str
    #: :func:`abstract_digest` of the abstract it was rendered from (``""``: none read).
    abstract: str
    start: int
    end: int
    #: What is wrong with the record it was made from (edited by hand), if anything.
    problems: tuple[str, ...] = ()


class CachedRender:
    """An open render cache file whose header matched the export asked for."""

    def __init__(
        self, path: Path, fd: int, header: dict[str, Any], units_at: tuple[int, int]
    ) -> None:
        """Serve the cache open as ``fd`` (closed by :meth:`close`); its units lie at ``units_at``.

        Read with ``pread``, not mapped: the text is not counted in the process's memory.
        """
        self.path = path
        self._fd = fd
        self.header = header
        self._units_at = units_at

    @property
    def papers(self) -> int:
        """How many papers the cached text holds."""
        value = self.header.get("papers")
        return value if type(value) is int else 0

    @property
    def damaged(self) -> list[str]:
        """The warnings about records edited by hand that the export made gave."""
        value = self.header.get("damaged")
        return [str(line) for line in value] if type(value) is list else []

    @property
    def built(self) -> int:
        """When the cache was made (ns since the epoch)."""
        value = self.header.get("built")
        return value if type(value) is int else 0

    def stamp(self, name: str) -> Stamp:
        """The stamp the cache names for ``library`` or ``abstracts``."""
        value = self.header.get(name)
        if type(value) is list and len(value) == 3 and all(type(n) is int for n in value):
            return (value[0], value[1], value[2])
        return None

    def serves_whole(self, library: Stamp, abstracts: Stamp) -> bool:
        """Whether the cached text is the whole library's export now (files stamped so)."""
        return (
            self.header.get("whole") is True
            and library is not None
            and self.stamp("library") == library
            and self.stamp("abstracts") == abstracts
            and trusted(library, self.built)
            and (abstracts is None or trusted(abstracts, self.built))
        )

    def whole_text(self) -> Iterator[bytes]:
        """The cached export, in blocks."""
        end = int(self.header.get("text_end", 0))
        try:
            for start in range(0, end, _BLOCK):
                block = self._read(start, min(start + _BLOCK, end))
                if len(block) != min(_BLOCK, end - start):  # cut short in place, by hand
                    raise LibraryError(f"{self.path} changed while it was read; export again")
                yield block
        finally:
            self.close()

    def units(self) -> dict[str, Unit]:
        """The cached units by paper key (a damaged list: none)."""
        start, end = self._units_at
        try:
            rows = orjson.loads(self._read(start, end))
        except (orjson.JSONDecodeError, OSError):
            return {}
        units: dict[str, Unit] = {}
        if type(rows) is not list:
            return units
        limit = int(self.header.get("text_end", 0))
        for row in rows:
            if type(row) is list and len(row) == 6:
                key, digest, abstract, first, last, problems = row
                if (
                    type(key) is str
                    and type(digest) is str
                    and type(abstract) is str
                    and type(first) is int
                    and type(last) is int
                    and 0 <= first <= last <= limit
                    and type(problems) is list
                    and all(type(problem) is str for problem in problems)
                ):
                    units[key] = Unit(digest, abstract, first, last, tuple(problems))
        return units

    def span(self, start: int, end: int) -> bytes | None:
        """The bytes from ``start`` to ``end`` (``None``: the file was cut short since)."""
        try:
            data = self._read(start, end)
        except OSError:
            return None
        return data if len(data) == end - start else None

    def _read(self, start: int, end: int) -> bytes:
        if self._fd < 0:
            raise OSError("the render cache is closed")
        return os.pread(self._fd, end - start, start)

    def close(self) -> None:
        """Let the file go."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1


def open_cache(path: Path, identity: Mapping[str, Any]) -> CachedRender | None:
    """The render cache at ``path`` if it was made for an export with ``identity``.

    ``None`` when it is absent, unreadable, damaged or made otherwise.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        if size < _TRAILER:
            raise ValueError("too short")
        tail = os.pread(fd, _TRAILER, size - _TRAILER)
        header_at = int(tail) if tail.isdigit() else -1
        if not 0 <= header_at < size - _TRAILER:
            raise ValueError("no header")
        # The header is one line; the units follow it up to the trailer.
        meta = os.pread(fd, min(size - _TRAILER - header_at, _HEADER_MAX), header_at)
        newline = meta.find(b"\n")
        if newline < 0:
            raise ValueError("no header line")
        header = orjson.loads(meta[:newline])
        if type(header) is not dict or any(header.get(k) != v for k, v in identity.items()):
            raise ValueError("made for another export")
        text_end = header.get("text_end")
        if type(text_end) is not int or not 0 <= text_end <= header_at:
            raise ValueError("no text")
        return CachedRender(path, fd, header, (header_at + newline + 1, size - _TRAILER))
    except (ValueError, OSError):  # orjson.JSONDecodeError is a ValueError
        os.close(fd)
        return None


class CacheWriter:
    """A new render cache, written as the export's text goes by and put in place at the end."""

    def __init__(self, path: Path) -> None:
        """Start a cache for ``path`` in a temporary file beside it."""
        self.path = path
        fd, self._temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self._handle = os.fdopen(fd, "wb")
        self._size = 0
        self._rows: list[list[Any]] = []

    def add(self, chunk: bytes) -> None:
        """The export's text, in order (a block of it at a time)."""
        self._handle.write(chunk)
        self._size += len(chunk)

    def add_unit(
        self, key: str, digest: str, abstract: str, start: int, end: int, problems: Sequence[str]
    ) -> None:
        """Where one paper's unit lies in the text, what it was made from, and its problems."""
        self._rows.append([key, digest, abstract, start, end, list(problems)])

    def commit(self, header: dict[str, Any]) -> None:
        """Write the header and the units, and replace the cache file by this one."""
        header = {**header, "text_end": self._size}
        self._handle.write(orjson.dumps(header) + b"\n" + orjson.dumps(self._rows))
        self._handle.write(b"%020d" % (self._size))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._temp, self.path)
        fsync_folder(self.path.parent)

    def abandon(self) -> None:
        """Drop the temporary file."""
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temp)


@dataclass
class RenderSource:
    """What the render cache needs of a library to export some of its papers."""

    #: The stored records by key.
    records: Mapping[str, Mapping[str, Any]]
    #: The papers to export, in order: papers built without their abstracts, or
    #: stand-ins holding what the layout reads (:mod:`readlist.store.layout_papers`).
    papers: Sequence[Citable]
    #: The whole paper (with its abstract) of a key.
    whole: Callable[[str], Paper]
    #: The paper of a key, without its abstract.
    light: Callable[[str], Paper]
    #: What is wrong with the record of a key (edited by hand), once its paper is built.
    problems: Callable[[str], Sequence[str]]
    #: Told what is wrong with the record of a key whose unit was taken from the cache.
    note_problems: Callable[[str, Sequence[str]], None]
    #: The abstracts by digest (read on first call).
    abstracts: Callable[[], Mapping[str, str]]
    #: The stamps of the library and abstracts files the records and texts come from.
    library_stamp: Callable[[], Stamp]
    abstracts_stamp: Callable[[], Stamp]
    #: The warnings about records edited by hand, for the papers read so far.
    damaged: Callable[[], list[str]]
    #: The stored bytes of the record of a key, when the file is known to hold them as
    #: :func:`encode_record` writes them (``None``: the records are encoded to be hashed).
    encoded: Callable[[str], bytes | memoryview] | None = None


def cached_export(
    source: RenderSource,
    options: ExportOptions,
    cache: CachedRender | None,
    *,
    save_to: Path | None,
    built: int,
    abstracts_now: Stamp,
) -> Iterator[bytes]:
    """The export of ``source.papers``: units from ``cache`` where still true, others rendered.

    ``save_to``: write the text as the new render cache there (a whole-library
    export). ``built``: when the export started; ``abstracts_now``: the abstracts
    file's stamp then. A cache that cannot be written is skipped silently.
    """
    from readlist.exporters import export_layout

    papers = source.papers
    layout = export_layout(papers, options.format, ascii=options.ascii, dialect=options.dialect)
    units = cache.units() if cache is not None else {}
    # Abstracts unchanged since the cache was made: its units' abstracts hold.
    abstracts_hold = not layout.reads_abstracts or (
        cache is not None
        and cache.stamp("abstracts") == abstracts_now
        and trusted(abstracts_now, cache.built)
    )
    writer: CacheWriter | None = None
    if save_to is not None:
        with contextlib.suppress(OSError):
            writer = CacheWriter(save_to)
    read_abstracts = False

    def render(n: int, key: str) -> tuple[bytes, str, Sequence[str]]:
        """The unit of the ``n``-th paper rendered, its abstract's digest and its problems."""
        nonlocal read_abstracts
        if layout.reads_abstracts:
            read_abstracts = True
            paper = source.whole(key)
            abstract = abstract_digest(paper.abstract) if paper.abstract else ""
        else:
            paper, abstract = source.light(key), ""
        return layout.render(paper, n).encode("utf-8"), abstract, source.problems(key)

    try:
        if not papers:
            if layout.empty:
                yield layout.empty.encode("utf-8")
                if writer is not None:
                    writer.add(layout.empty.encode("utf-8"))
        else:
            text = _Assembly(cache, layout.separator.encode("utf-8"), writer, render)
            text.add(layout.head.encode("utf-8"))
            records, contexts, encoded = source.records, layout.contexts, source.encoded
            for n, light in enumerate(papers):
                key = light.key
                if encoded is None:
                    digest = fingerprint(records[key], contexts[n])
                else:
                    digest = fingerprint_of(encoded(key), contexts[n])
                known = units.get(key)
                if known is not None and digest and known.fingerprint == digest and cache:
                    if not abstracts_hold:
                        read_abstracts = True
                    if abstracts_hold or _abstract_digest(source, key) == known.abstract:
                        # The same record as when the unit was made: the same problems.
                        source.note_problems(key, known.problems)
                        text.add_cached(n, key, known)
                        yield from text.ready()
                        continue
                text.add_rendered(n, key, digest)
                yield from text.ready()
            text.add(layout.tail.encode("utf-8"))
            yield from text.finish()
        if writer is not None:
            abstracts_stamp = abstracts_now
            if read_abstracts and source.abstracts_stamp() != abstracts_now:
                abstracts_stamp = None  # changed while read: never trusted
            header = {
                **options.identity(),
                "whole": True,
                "library": source.library_stamp(),
                "abstracts": abstracts_stamp,
                "built": built,
                "papers": len(papers),
                "damaged": source.damaged(),
            }
            try:
                writer.commit(header)
            except OSError:
                writer.abandon()
            writer = None
    finally:
        if writer is not None:
            writer.abandon()
        if cache is not None:
            cache.close()


class _Assembly:
    """An export's text put together: units rendered, and runs of cached units read at once.

    Units taken from the cache mostly follow one another there as in the text (all
    but the changed ones): a run of them is read with one ``pread`` when it ends.
    The text goes out (and into the new cache) in blocks of about :data:`_BLOCK`.
    """

    def __init__(
        self,
        cache: CachedRender | None,
        separator: bytes,
        writer: CacheWriter | None,
        render: Callable[[int, str], tuple[bytes, str, Sequence[str]]],
    ) -> None:
        """Put together units joined by ``separator``; ``render`` makes a unit not cached."""
        self._cache = cache
        self._separator = separator
        self._writer = writer
        self._render = render
        self._ready: list[bytes] = []
        self._pending: list[bytes] = []
        self._pending_size = 0
        #: Bytes of text so far (ready and pending; not the run).
        self._size = 0
        #: Cached units to read: (position, key, unit); they lie one after the other.
        self._run: list[tuple[int, str, Unit]] = []

    def add(self, data: bytes) -> None:
        """Text that is no unit (the head, the tail)."""
        self._end_run()
        self._append(data)

    def add_rendered(self, n: int, key: str, digest: str) -> None:
        """The ``n``-th unit, rendered now (``digest``: its fingerprint)."""
        self._end_run()
        unit, abstract, problems = self._render(n, key)
        if n:
            self._append(self._separator)
        start = self._size
        self._append(unit)
        if self._writer is not None:
            self._writer.add_unit(key, digest, abstract, start, self._size, problems)

    def add_cached(self, n: int, key: str, unit: Unit) -> None:
        """The ``n``-th unit, as the cache holds it."""
        run = self._run
        if run:
            last = run[-1][2]
            if (
                unit.start != last.end + len(self._separator)
                or last.end - run[0][2].start >= _BLOCK
            ):
                self._end_run()
        self._run.append((n, key, unit))

    def _end_run(self) -> None:
        run, self._run = self._run, []
        if not run:
            return
        first, last = run[0][2], run[-1][2]
        data = self._cache.span(first.start, last.end) if self._cache is not None else None
        if data is None:  # cut short since it was opened: rendered instead
            for n, key, unit in run:
                self.add_rendered(n, key, unit.fingerprint)
            return
        if run[0][0]:
            self._append(self._separator)
        start = self._size - first.start
        self._append(data)
        if self._writer is not None:
            add_unit = self._writer.add_unit
            for _, key, unit in run:
                add_unit(
                    key,
                    unit.fingerprint,
                    unit.abstract,
                    start + unit.start,
                    start + unit.end,
                    unit.problems,
                )

    def _append(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        self._size += len(data)
        if self._pending_size >= _BLOCK:
            self._ship()

    def _ship(self) -> None:
        block = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        if block:
            self._ready.append(block)
            if self._writer is not None:
                self._writer.add(block)

    def ready(self) -> list[bytes]:
        """The blocks of text ready to go out (each once)."""
        if not self._ready:
            return self._ready
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> list[bytes]:
        """The rest of the text."""
        self._end_run()
        self._ship()
        return self.ready()


def _abstract_digest(source: RenderSource, key: str) -> str:
    """The digest of the abstract the record of ``key`` names, as the abstracts file holds it."""
    record = source.records[key]
    ref = record.get("abstract_ref")
    if ref:
        text = source.abstracts().get(str(ref), "")
    else:
        inline = record.get("abstract")
        text = inline if isinstance(inline, str) else ""
    return abstract_digest(text) if text else ""


def now_ns() -> int:
    """The time now, as a cache's ``built`` counts it."""
    return time.time_ns()
