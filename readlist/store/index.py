"""The search index: each paper's folded search text, kept in a file beside the library.

A free-word query matches against :func:`readlist.query.search_text` of every
paper. Building those texts needs the abstracts (most of a library's bytes)
and folding them is most of a query's time, so ``<library>.search.json`` keeps
them from one command to the next. The index is a cache: losing it, or any
part of it, only costs time, and a stale entry is never used:

- each entry holds a fingerprint of the record fields its text is made of
  (:data:`SEARCHED_FIELDS`); an entry whose record changed since (another
  process, a hand edit, a restore) is computed again;
- the file names the abstracts file it was built against (inode, size and
  modification time, as the storage tells a changed file); if that file changed
  other than by readlist's own additions (:meth:`SearchIndex.restamp`), no entry
  is used;
- its first line holds a format version and the search text of a probe paper,
  so a readlist that folds text differently ignores the whole file.

The file is written atomically, without the library's lock: a reading command
refreshes it, and two writers each leave a whole, self-checking file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from readlist.errors import LibraryError
from readlist.models import Paper
from readlist.query import Query, search_text
from readlist.query.parser import All, Either, Node, Not, Phrase, Term, Words
from readlist.store.abstracts import AbstractStore
from readlist.store.atomic import Stamp, atomic_write

#: Bump when the file layout or the fingerprint changes.
INDEX_VERSION = 1
#: The record fields a paper's search text is made of (``abstract_ref`` names its
#: abstract; ``abstract`` is an abstract still inline, in a schema 1 file).
SEARCHED_FIELDS = ("title", "authors", "abstract_ref", "abstract", "notes")
#: A paper whose search text tells whether this readlist folds text as the index did.
_PROBE = Paper(
    title="QLoRA: Zoë's LLaMA-2 über-Attention for k-means & GPT-4o",
    authors=["Łukasz Kowalski", "Nguyễn Văn An", "山田 太郎"],
    abstract="SqueezeLLM runs LLMs on edge devices; see https://github.com/x/y.",
    notes="Read §3 — the KV-cache part.",
)

#: (inode, size, modification time in ns) of a file, or ``None`` when it is absent.
#: key → (fingerprint of its searched fields, search text).
Entries = dict[str, tuple[str, str]]


def index_path(library: str | os.PathLike[str]) -> Path:
    """The index of the library at ``library``: ``library.json`` → ``library.search.json``."""
    path = Path(library)
    return path.with_name(f"{path.stem}.search{path.suffix}")


def fingerprint(record: Mapping[str, Any]) -> str:
    """A digest of the fields of a stored record that its search text is made of."""
    get = record.get  # spelled out, not a loop over SEARCHED_FIELDS: a query checks every paper
    values = (get("title"), get("authors"), get("abstract_ref"), get("abstract"), get("notes"))
    try:
        encoded = orjson.dumps(values)
    except TypeError:  # not JSON at all: cannot come from a file, never matches
        return ""
    return _blake2b(encoded, digest_size=8).hexdigest()


_blake2b = hashlib.blake2b


def _header(abstracts: Stamp) -> bytes:
    return orjson.dumps(
        {"version": INDEX_VERSION, "probe": search_text(_PROBE), "abstracts": abstracts}
    )


class SearchIndex:
    """The search texts of a library's papers, in a file that checks itself."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Use the index file at ``path`` (it need not exist)."""
        self.path = Path(path)

    def load(self, abstracts: Stamp) -> Entries:
        """The entries, if the file was built against the abstracts file stamped ``abstracts``.

        Empty when the file is absent, unreadable, of another version, folded
        differently or built against other abstracts. Entries still need their
        fingerprint checked against the current records (see :func:`fingerprint`).
        """
        entries: Entries = {}
        for key, entry in self.load_unchecked(abstracts).items():
            if type(entry) is list and len(entry) == 2:
                digest, text = entry
                if type(digest) is str and type(text) is str:
                    entries[key] = (digest, text)
        return entries

    def load_unchecked(self, abstracts: Stamp) -> dict[str, Any]:
        """The file's entries as parsed (key → ``[fingerprint, text]`` if well formed).

        As :meth:`load`, but the shape of each entry is left to the caller to check,
        with its fingerprint (one pass over 50,000 entries instead of two).
        """
        try:
            with self.path.open("rb") as handle:
                if handle.readline().removesuffix(b"\n") != _header(abstracts):
                    return {}
                start = handle.tell()
                try:
                    pieces = list(_body_pieces(handle))
                except orjson.JSONDecodeError:  # laid out otherwise: parsed whole
                    handle.seek(start)
                    pieces = [orjson.loads(handle.read())]
        except (OSError, orjson.JSONDecodeError):
            return {}
        data: dict[str, Any] = {}
        for piece in pieces:
            if type(piece) is not dict:
                return {}
            data.update(piece)
        return data

    def save(self, entries: Mapping[str, tuple[str, str]], abstracts: Stamp) -> None:
        """Replace the file by ``entries``, built against the abstracts stamped ``abstracts``.

        A cache that cannot be written (a read-only folder, a full disk) is left
        as it was: the command goes on, and the next one tries again.
        """
        with contextlib.suppress(LibraryError, OSError):
            # Encoded and written a piece at a time: the body is 100 MB at 50,000 papers.
            atomic_write(self.path, _file_pieces(_header(abstracts), entries))

    def restamp(self, before: Stamp, after: Stamp) -> None:
        """Readlist took the abstracts file from ``before`` to ``after`` (texts added, dropped).

        Texts are named by a digest of their content, so such a change leaves every
        entry built against ``before`` true: the index keeps them. An index built
        against anything else is left as it is (and so unused).
        """
        try:
            raw = self.path.read_bytes()
        except OSError:
            return
        header, newline, body = raw.partition(b"\n")
        if header == _header(before) and newline:
            with contextlib.suppress(LibraryError, OSError):
                atomic_write(self.path, [_header(after) + b"\n", body])


#: How many entries are encoded at a time when the index is saved.
SAVE_ENTRIES = 2048


def _file_pieces(header: bytes, entries: Mapping[str, tuple[str, str]]) -> Iterator[bytes]:
    """The index file: ``header``, then the body (the bytes of one ``orjson.dumps``) in pieces."""
    yield header + b"\n{"
    items = list(entries.items())
    for at in range(0, len(items), SAVE_ENTRIES):
        encoded = orjson.dumps({key: list(entry) for key, entry in items[at : at + SAVE_ENTRIES]})
        yield (b"," if at else b"") + encoded[1:-1]
    yield b"}"


#: How many bytes of the index file one parsing call takes on.
PIECE_BYTES = 256 * 1024
#: Between two entries of the index body: the end of one entry's text and list, and a comma.
_BETWEEN = b'"],"'


def _body_pieces(handle: BinaryIO) -> Iterator[object]:
    """The index body (one JSON object) read and parsed a piece at a time.

    Parsing 100 MB (50,000 papers) in one call held the GIL, and so the
    interface, for half a second, and needed the bytes twice and the JSON
    library's own copy besides. A piece is cut where one entry ends (``"]``) and
    the next begins (``,"``). The same bytes come out of a text ending in ``],``;
    a piece cut there ends inside a string, is not valid JSON, and the whole body
    is parsed at once instead.
    """
    buffer, opening = b"", b""
    while chunk := handle.read(PIECE_BYTES):
        buffer += chunk
        cut = buffer.rfind(_BETWEEN)
        if cut < 0:
            continue
        yield orjson.loads(opening + buffer[: cut + 2] + b"}")
        buffer, opening = buffer[cut + 3 :], b"{"
    yield orjson.loads(opening + buffer)


def reads_abstracts_directly(query: Query) -> bool:
    """Whether matching ``query`` reads papers' abstracts themselves, not only their search text.

    ``has:abstract``, ``has:doi`` and ``has:arxiv`` do; free words and phrases read
    the search text only, which the index gives without the abstracts. A kind of
    query part this does not know counts as reading them.
    """

    def direct(node: Node) -> bool:
        if isinstance(node, Words | Phrase):
            return False
        if isinstance(node, Term):
            return node.reads_abstract
        if isinstance(node, Not):
            return direct(node.node)
        parts: tuple[Node, ...] | None = getattr(node, "nodes", None)
        return True if parts is None else any(direct(part) for part in parts)

    return query.root is not None and direct(query.root)


def matches_text_only(query: Query) -> Callable[[str], bool] | None:
    """Whether a search text matches ``query``, if its answer reads nothing but that text.

    Free words and phrases, negated and grouped with ``AND``/``OR``; ``None`` for a
    query with any other part (a filter reads the paper): then papers must be built.
    """

    def text_only(node: Node) -> bool:
        if isinstance(node, Words | Phrase):
            return True
        if isinstance(node, Not):
            return text_only(node.node)
        if isinstance(node, All | Either):
            return all(text_only(part) for part in node.nodes)
        return False

    root = query.root
    if root is None or not text_only(root):
        return None
    return lambda haystack: root.matches(_NO_PAPER, haystack)


#: What text-only parts are given for the paper they never read.
_NO_PAPER = Paper(title="")

#: Texts missing from a library's memory are computed without the index file when
#: fewer than one in this many are missing.
FEW_MISSING = 20


def fill_search_texts(
    texts: MutableMapping[str, str],
    keys: Iterable[str],
    records: Mapping[str, Mapping[str, Any]],
    index: SearchIndex | None,
    abstracts: AbstractStore,
    build: Callable[[str, Mapping[str, str]], Paper],
) -> None:
    """Add to ``texts`` the search text of each of ``keys``: from the index, else computed.

    ``records`` are the stored records by key; ``build(key, abstracts)`` makes the
    whole paper of ``key``. The abstracts file is read only when some entry is
    missing or stale; the index is then written again with every text known.
    ``index`` ``None``: no index file (a library kept in memory).
    """
    wanted = [key for key in keys if key not in texts]
    if not wanted:
        return
    if len(wanted) * FEW_MISSING < len(texts):
        # A long-lived library (the interface) after a change by another process:
        # compute the few texts rather than read and rewrite the whole index file
        # (one call of the JSON library each, holding the GIL for hundreds of ms
        # at 50,000 papers). The next command finds those entries stale.
        abstract_texts = abstracts.texts()
        for key in wanted:
            texts[key] = search_text(build(key, abstract_texts))
        return
    stamp = abstracts.current_stamp()
    stored = index.load_unchecked(stamp) if index is not None else {}
    for key in wanted:
        entry = stored.get(key)
        # Not kept (50,000 of them at the peak of the interface's memory): an index
        # written again below computes them again, and is seldom written.
        now = fingerprint(records[key])
        # An entry is a [fingerprint, text] pair of strings, of the record as it is now.
        if type(entry) is list and len(entry) == 2 and entry[0] == now:
            found = entry[1]
            if type(found) is str:
                texts[key] = found
    del stored  # the entries as parsed: their texts are kept in ``texts``
    left = [key for key in wanted if key not in texts]
    if not left:
        return
    abstract_texts = abstracts.texts()
    for key in left:
        texts[key] = search_text(build(key, abstract_texts))
    if index is None or abstracts.stamp != stamp:
        return  # or the abstracts changed while they were read: the next search writes it
    entries: Entries = {}
    for key, record in records.items():
        text = texts.get(key)
        digest = record.get("abstract_ref")
        # A paper whose abstract is missing is not indexed: the text it names may
        # come back (an import), and the entry would then be wrong.
        if text is None or (digest and str(digest) not in abstract_texts):
            continue
        entries[key] = (fingerprint(record), text)
    index.save(entries, stamp)
