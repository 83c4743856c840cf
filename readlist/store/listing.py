"""The list cache: each paper's ``list`` line and search text, trusted by the files' stamps.

A free-word ``readlist list`` used to parse the whole records file, read the
search index (100 MB at 50,000 papers) and check every entry's fingerprint
against its record, build the papers it found and format their lines: about
1.5 s at 50,000 papers. ``<library>.list-cache`` keeps, for every paper in
library order, the fields of its ``list`` line (:func:`readlist.view.list_row`),
the warning about its record if it was edited by hand into a damaged shape, and
its search text; so such a ``list`` reads one file, matches the texts and prints
the lines of the papers found, without reading the records at all.

It is a cache, never trusted blindly; the file is used whole or not at all:

- its header names the library and abstracts files it was made from (inode,
  size, modification time in ns), and both must still have exactly those stamps;
- a stamp is trusted only when its file was older than the cache by
  :data:`~readlist.store.render_cache.RACY_NS` (2 s) when the cache was made (a
  file changed twice within the timestamps' granularity keeps its stamp). A
  library file saved more recently than that (a ``list`` right after a ``tag``)
  is hashed as it is read (SHA-1): the cache names the digest of the bytes it
  was made from, and is used only while the file hashes to it. The abstracts
  file must be old enough;
- the header holds a version, readlist's version, the size and modification time
  of the source files that make rows and search texts, and the row and search
  text of a probe paper, so another readlist, or other code, ignores the file;
- it is written only by a ``list`` that read the library whole, found every
  search text in the search index (no paper built to fold its abstract) and saw
  neither file change meanwhile (see :func:`save_listing`).

Anything else — a hand edit, a save by any readlist command, a sync, a restore,
a damaged or missing cache — falls back to reading the library as before.

What the cache serves is what the full path prints: the same lines, in library
order (a ``list`` that asks for another order is never served), and the same
warnings about damaged records: those of the papers listed, after those about
stored records that are not papers at all.

Layout: a line of JSON (the header), a line of JSON (each paper's row and
warning), a line of JSON (where each search text starts after it), then every
paper's search text (ASCII) separated by NUL characters. The texts are searched
in place, through a memory map: a free word is looked for in the whole of them,
not in 50,000 strings.

Why ~470 lines: the cache is one job whose parts only make sense together (its
identity, the trust in the two files' stamps and bytes, reading and searching the
file, and writing it from what a ``list`` just read); every check above is here,
next to the code it guards.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from readlist import __version__
from readlist.errors import LibraryError
from readlist.models import Link, LinkKind, Paper, Status
from readlist.store.atomic import Stamp, atomic_write, file_stamp
from readlist.store.records import ABSTRACT_REF, read_record
from readlist.store.render_cache import RACY_NS, now_ns

if TYPE_CHECKING:
    # Imported where used: the doctor and export name this file without making rows.
    from readlist.query import Query
    from readlist.query.parser import Node
    from readlist.store.library import Library
    from readlist.view import ListRow

#: Bump when the file layout changes.
LISTING_VERSION = 1
#: Between two search texts in the file (folded texts are ASCII letters, digits and spaces).
_SEPARATOR = b"\x00"
#: The most a header line may take (it holds stamps, names and the unusable records).
_HEADER_MAX = 1 << 20
#: Search texts written per piece (the file is written as it is made, not held whole).
_TEXTS_A_PIECE = 2048

#: A paper whose row and search text tell whether this readlist makes them as the cache did.
_PROBE = Paper(
    title="QLoRA: Zoë's \x1b[31mLLaMA\x1b[0m-2 über-Attention for k-means 山田 & GPT-4o",
    authors=["Łukasz\tKowalski", "Nguyễn Văn An"],
    authors_truncated=True,
    abstract="SqueezeLLM runs LLMs on edge devices; see https://github.com/x/y.",
    notes="Read §3 — the KV-cache part.",
    published="2023-05-17",
    category="cs.\x07CL",
    tags=["llm", "to\x1bread", "日本"],
    key="kowalski2023\x1bqlora",
    status=Status.READ,
    links=[Link("https://github.com/x/y", LinkKind.CODE)],
)


def listing_path(library: str | os.PathLike[str]) -> Path:
    """The list cache of the library at ``library``: ``library.json`` → ``library.list-cache``."""
    path = Path(library)
    return path.with_name(f"{path.stem}.list-cache")


def _code_stamp() -> list[Any]:
    """Size and modification time of the source files that make rows and search texts."""
    root = Path(__file__).resolve().parents[1]
    names = (
        "view.py",
        "text.py",
        "models.py",
        "query/__init__.py",
        "query/parser.py",
        "query/words.py",
        "store/records.py",
        "store/index.py",
        "store/listing.py",
    )
    stamps: list[Any] = []
    for name in names:
        with contextlib.suppress(OSError):
            st = os.stat(root / name)
            stamps.append([name, st.st_size, st.st_mtime_ns])
    return stamps


def _identity() -> dict[str, Any]:
    """What a cache must have been made with to be used (the probe included)."""
    from readlist.query import search_text
    from readlist.view import list_row

    return {
        "version": LISTING_VERSION,
        "readlist": __version__,
        "code": _code_stamp(),
        "probe": [list(list_row(_PROBE)), search_text(_PROBE)],
    }


def _trusted(stamp: Stamp, built: int) -> bool:
    """Whether a file stamped ``stamp`` (``None``: absent) is trusted by a cache built then."""
    return stamp is None or stamp[2] < built - RACY_NS


@dataclass(frozen=True)
class Listed:
    """What a ``list`` shows, served from the list cache."""

    #: The rows of the papers listed, in library order (:func:`readlist.view.list_row`).
    rows: list[ListRow]
    #: How many papers the library holds.
    total: int
    #: The warnings about damaged records the full path would give for these papers.
    damaged: list[str]


def served(library: Library, query: Query) -> Listed | None:
    """The rows ``query`` lists, from the list cache, when it can answer it and is true.

    It answers a query of free words and phrases only (see
    :func:`readlist.store.index.matches_text_only`) or none at all, in library
    order, without abstracts. ``None`` whenever the cache is absent, unreadable,
    of another readlist or code, or names files other than the library's now:
    then the caller reads the library as before. When served, the library's
    :meth:`~readlist.store.library.Library.damaged` gives the cache's warnings
    (nothing else is read).
    """
    from readlist.store.index import matches_text_only

    if library._in_memory:
        return None
    match = query.root
    if match is not None and matches_text_only(query) is None:
        return None
    listed = _read(listing_path(library.path), library.path, library.abstracts_path, match)
    if listed is not None and library._generation == -1:
        library._served_damage = listed.damaged
        return listed
    return None


def _read(path: Path, library: Path, abstracts: Path, match: Node | None) -> Listed | None:
    """The rows of the papers whose search text matches ``match`` (``None``: every paper)."""
    try:
        handle = path.open("rb")
    except OSError:
        return None
    with handle:
        try:
            header = orjson.loads(handle.readline(_HEADER_MAX))
            if type(header) is not dict:
                return None
            built = header.get("built")
            if type(built) is not int:
                return None
            library_stamp, abstracts_stamp = file_stamp(library), file_stamp(abstracts)
            if library_stamp is None or list(library_stamp) != header.get("library"):
                return None
            if (list(abstracts_stamp) if abstracts_stamp else None) != header.get("abstracts"):
                return None
            if not _trusted(abstracts_stamp, built):
                return None
            if not _trusted(library_stamp, built):
                # Saved less than 2 s before the cache was made: the stamp alone may
                # not tell a later change, the bytes do (the digest of those it was made from).
                sha1 = header.get("sha1")
                if type(sha1) is not str or _sha1_of(library) != sha1:
                    return None
            identity = _identity()
            if any(header.get(name) != value for name, value in identity.items()):
                return None
            rows = orjson.loads(handle.readline())
            starts = orjson.loads(handle.readline())
            papers = header.get("papers")
            unusable = header.get("unusable")
            if type(rows) is not list or len(rows) != papers or type(unusable) is not list:
                return None
            if type(starts) is not list or len(starts) != papers:
                return None
            if not all(type(row) is list and len(row) == 10 for row in rows):
                return None
            if match is None or not rows:
                hits: Sequence[int] = range(len(rows))
            else:
                found = _texts_matching(handle, starts, match)
                if found is None:
                    return None
                hits = sorted(found)
        except (OSError, ValueError, TypeError):  # orjson's errors are ValueErrors
            return None
    listed: list[ListRow] = []  # the cache's rows are what list_row made
    damaged = [str(line) for line in unusable]
    for n in hits:
        row = rows[n]
        fields = row[:8]
        warning = row[9]
        if not all(type(field) is str for field in fields) or type(row[8]) is not bool:
            return None  # not what list_row makes: never printed
        listed.append((*fields, row[8]))
        if warning is not None:
            damaged.append(str(warning))
    return Listed(listed, len(rows), damaged)


def _texts_matching(handle: BinaryIO, starts: list[int], match: Node) -> set[int] | None:
    """The papers whose search text (in ``handle`` from here on, starting at ``starts``) match.

    ``None`` when the texts are not laid out as ``starts`` says. The texts are
    searched in place (mapped, not read and split into 50,000 strings): each
    free word or phrase finds the papers holding its needle, and ``-``, ``OR``
    and grouping combine those sets as :meth:`~readlist.query.parser.Node.matches`
    combines answers.
    """
    base = handle.tell()
    size = os.fstat(handle.fileno()).st_size
    if not starts:
        return set()
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as texts:
        at = [base + start for start in starts]
        if at[0] != base or at[-1] > size or any(type(n) is not int for n in starts):
            return None
        # Each text but the first follows a separator, and they come in order.
        if any(texts[n - 1] != 0 or n <= m for m, n in pairwise(at)):
            return None
        return _node_matches(match, texts, at)


def _node_matches(node: Node, texts: mmap.mmap, at: list[int]) -> set[int] | None:
    """The papers (by position) whose search text ``node`` matches; ``None``: not text only."""
    from readlist.query.parser import All, Either, Not, Phrase, Words

    if isinstance(node, Words | Phrase):
        return _holding(node.needle, texts, at)
    if isinstance(node, Not):
        inner = _node_matches(node.node, texts, at)
        return None if inner is None else set(range(len(at))) - inner
    if isinstance(node, All | Either):
        found: set[int] | None = set(range(len(at))) if isinstance(node, All) else set()
        for part in node.nodes:
            some = _node_matches(part, texts, at)
            if some is None or found is None:
                return None
            found = found & some if isinstance(node, All) else found | some
        return found
    return None


def _holding(needle: str, texts: mmap.mmap, at: list[int]) -> set[int]:
    """The papers whose search text holds ``needle`` (``needle in text``)."""
    try:
        wanted = needle.encode("ascii")
    except UnicodeEncodeError:  # a folded text is ASCII: no text holds it
        return set()
    if _SEPARATOR in wanted:
        return set()
    found: set[int] = set()
    count = len(at)
    position = at[0]
    while True:
        where = texts.find(wanted, position)
        if where < 0:
            return found
        paper = bisect_right(at, where) - 1
        found.add(paper)
        if paper + 1 >= count:
            return found
        position = at[paper + 1]


@dataclass(frozen=True)
class Start:
    """The library's files as a ``list`` found them before reading them."""

    built: int
    library: Stamp
    abstracts: Stamp


def start(library: Library, query: Query) -> Start | None:
    """Note the files' stamps before the library is read, if ``query`` may fill the cache.

    Only a query of free words only (see :func:`served`) computes every search text;
    ``None`` for any other, or a library kept in memory.
    """
    from readlist.store.index import matches_text_only

    if library._in_memory or matches_text_only(query) is None:
        return None
    before = Start(now_ns(), file_stamp(library.path), file_stamp(library.abstracts_path))
    if before.library is not None and not _trusted(before.library, before.built):
        library._storage.digest_reads = True  # saved just now: the cache names its bytes
    return before


def save_listing(
    library: Library,
    before: Start | None,
    query: Query | None = None,
    shown: tuple[Sequence[Paper], Sequence[ListRow]] | None = None,
) -> None:
    """Write the list cache from the library as a full ``list`` of free words just read it.

    ``shown``: the papers that ``list`` of ``query`` found (all of them, in library
    order) and their rows, which are taken rather than made again.

    Only when that is exactly the library on disk: both files old enough to be
    trusted (see the module docstring) and unchanged since ``before``, no paper
    whose abstract is missing (such a paper is built for its search text on every
    search, and warned about if damaged, listed or not: the cache does not keep
    that), and the texts plain ASCII. A cache that cannot be written is left as it
    was.
    """
    if before is None or before.library is None or not _trusted(before.abstracts, before.built):
        return
    if library._storage.stamp != before.library or library._generation == -1:
        return
    sha1 = None
    if not _trusted(before.library, before.built):
        # The digest of the very bytes the library parsed (see start()).
        sha1 = library._storage.read_digest
        if sha1 is None or library._storage.generation != library._generation:
            return
    if file_stamp(library.abstracts_path) != before.abstracts:
        return
    if library._papers:
        # Papers built to fold their abstracts (stale or new index entries): the index
        # now holds them, unless an abstract is missing, when the paper is built (and
        # warned about, if damaged) on every search: the cache would not say so.
        if library._abstracts.stamp != before.abstracts:
            return
        texts_read = library._abstracts.texts() if before.abstracts is not None else {}
        for key in library._papers:
            digest = library._docs[key].get(ABSTRACT_REF)
            if digest and str(digest) not in texts_read:
                return
    keys = list(library._doc_ids)
    texts = library._haystacks
    if len(texts) < len(keys) or any(key not in texts for key in keys):
        return
    from readlist.view import list_row

    records = library._docs
    found = _found_rows(library, keys, query, shown)
    damage = library._damage
    rows: list[list[Any]] = []
    for key in keys:
        row = found.get(key)
        if row is not None:
            problems = damage.get(key)  # read_record's, when the list built the paper
        else:
            paper, problems = read_record(records[key])
            row = list_row(paper)
        warning = f"paper {key or '(no key)'}: {'; '.join(problems)}" if problems else None
        rows.append([*row, warning])
    header = {
        **_identity(),
        "library": before.library,
        "abstracts": before.abstracts,
        "built": before.built,
        "sha1": sha1,
        "papers": len(keys),
        "unusable": list(library._unusable),
    }
    ordered = [texts[key] for key in keys]
    # Folded texts are ASCII without NUL (readlist.query.words); anything else: no cache.
    if not all(text.isascii() and "\x00" not in text for text in ordered):
        return
    try:
        first = orjson.dumps(header)
        starts, at = [], 0
        for text in ordered:
            starts.append(at)
            at += len(text) + 1
        head = first + b"\n" + orjson.dumps(rows) + b"\n" + orjson.dumps(starts) + b"\n"
    except TypeError:
        return
    if len(first) >= _HEADER_MAX:
        return
    del rows
    with contextlib.suppress(LibraryError, OSError):
        atomic_write(listing_path(library.path), _pieces(head, ordered))


def _found_rows(
    library: Library,
    keys: list[str],
    query: Query | None,
    shown: tuple[Sequence[Paper], Sequence[ListRow]] | None,
) -> dict[str, ListRow]:
    """The rows of the papers a ``list`` found, by the key the library files them under."""
    from readlist.store.index import matches_text_only

    match = matches_text_only(query) if query is not None else None
    if shown is None or match is None:
        return {}
    papers, rows = shown
    texts = library._haystacks
    hits = [key for key in keys if match(texts[key])]
    if len(hits) != len(papers) or len(rows) != len(papers):
        return {}
    # The papers were built for these keys in this order (a damaged key reads otherwise).
    if any(
        paper.key != key and key not in library._damage
        for key, paper in zip(hits, papers, strict=True)
    ):
        return {}
    return dict(zip(hits, rows, strict=True))


def _sha1_of(path: Path) -> str | None:
    """The SHA-1 of the file's bytes (``None``: unreadable)."""
    try:
        return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
    except OSError:
        return None


def _pieces(head: bytes, texts: list[str]) -> Iterator[bytes]:
    """The file: ``head``, then the texts NUL-separated, a few thousand at a time."""
    yield head
    for at in range(0, len(texts), _TEXTS_A_PIECE):
        joined = "\x00".join(texts[at : at + _TEXTS_A_PIECE]).encode("ascii")
        yield (_SEPARATOR + joined) if at else joined
