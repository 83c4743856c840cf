"""The abstracts of a library, kept in a file of their own beside it.

Abstracts are most of a library's bytes but change only on import, so the
library's paper records name their abstract by a digest of its text
(``abstract_ref``) and :class:`AbstractStore` keeps ``digest → text`` in
``<library>.abstracts.json``. A tag or a status change then reads and writes
only the small records file.

Crash safety comes from the order of writes, made under the library's lock:
new texts are added to this file *before* the records that name them are
saved, and texts are dropped only when no saved record names them. So after a
kill at any moment every digest in the records file is present here; at worst
some texts nobody names remain until the next write (``readlist doctor --fix``
removes them too).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import orjson

from readlist.errors import LibraryError
from readlist.store.format import ABSTRACTS_KIND, ABSTRACTS_TABLE, parse_file
from readlist.store.storage import SafeJSONStorage

#: What a digest looks like (:func:`abstract_digest`).
_DIGEST = re.compile(r"[0-9a-f]{20}")
#: Between a digest (a JSON name) and its text: a colon, maybe spaces.
_COLON = re.compile(rb"\s*:\s*")
#: A JSON string: the two kinds of character inside are disjoint, so matching is linear.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)

Stamp = tuple[int, int, int]


def abstract_digest(text: str) -> str:
    """The name under which ``text`` is stored: 20 hex digits of its BLAKE2b hash."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


class AbstractStore:
    """Digest → abstract text, in a crash-safe JSON file that shares the library's lock."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_of: SafeJSONStorage,
        storage: type[SafeJSONStorage] = SafeJSONStorage,
    ) -> None:
        """Use the abstracts file at ``path`` (it need not exist), guarded by ``lock_of``'s lock."""
        self._storage = storage(path, kind=ABSTRACTS_KIND, lock_of=lock_of)
        self.path = self._storage.path
        self._checked = -1
        #: Whether :meth:`texts` was read, and the stamps of the files :meth:`text_of` read.
        self._loaded = False
        self._peeked: set[Stamp] = set()

    @property
    def stamp(self) -> tuple[int, int, int] | None:
        """Inode, size and modification time of the file as last read or saved."""
        return self._storage.stamp

    def current_stamp(self) -> tuple[int, int, int] | None:
        """Inode, size and modification time of the file now (``None``: absent)."""
        return self._storage.current_stamp()

    @property
    def generation(self) -> int:
        """Changes whenever the texts in memory change (a load or a save)."""
        return self._storage.generation

    def texts(self) -> Mapping[str, str]:
        """Every stored text by digest; read from disk only when the file changed."""
        tables = self._storage.read() or {}
        self._loaded = True
        texts = tables.get(ABSTRACTS_TABLE, {})
        if self._checked != self._storage.generation:
            if not all(isinstance(text, str) for text in texts.values()):
                raise LibraryError(f"{self.path} has a damaged abstract; it was left untouched")
            self._checked = self._storage.generation
        return texts

    def text_of(self, digest: str) -> str | None:
        """The text stored under ``digest``, found without reading every text (``None``: not).

        Made for one paper's abstract in a large library: the file's bytes are
        searched for the digest as a name and only the string after it is decoded.
        The text is returned only when it hashes to ``digest`` (the texts are named
        by their hash), so a hand-edited or half-matching file can give no wrong
        text, only ``None``; the caller then reads the file whole, with its checks.
        """
        if not _DIGEST.fullmatch(digest):
            return None
        if self._loaded and not self._storage.changed_on_disk():
            text = self.texts().get(digest)
            return text if isinstance(text, str) else None
        try:
            with open(self.path, "rb") as file:
                st = os.fstat(file.fileno())
                raw = file.read()
        except OSError:
            return None
        name = b'"' + digest.encode("ascii") + b'"'
        at = raw.find(name)
        while at >= 0:
            colon = _COLON.match(raw, at + len(name))
            value = _JSON_STRING.match(raw, colon.end()) if colon else None
            if value is not None:
                try:
                    text = orjson.loads(value.group())
                except orjson.JSONDecodeError:
                    text = None
                if isinstance(text, str) and abstract_digest(text) == digest:
                    self._peeked.add((st.st_ino, st.st_size, st.st_mtime_ns))
                    return text
            at = raw.find(name, at + 1)
        return None

    def begin_reads(self) -> None:
        """Start counting anew the file versions texts are handed out from (:meth:`read_stamp`)."""
        self._loaded = False
        self._peeked.clear()

    def read_stamp(self) -> Stamp | None:
        """The stamp of the file the texts handed out since :meth:`begin_reads` came from.

        ``None`` when they came from more than one version of it; the stamp of the
        file as last read whole or saved when no text was read since.
        """
        stamps = set(self._peeked)
        if self._loaded and self._storage.stamp is not None:
            stamps.add(self._storage.stamp)
        if not stamps:
            return self._storage.stamp
        return stamps.pop() if len(stamps) == 1 else None

    def save(self, new: Mapping[str, str], keep: Iterable[str]) -> None:
        """Add the ``new`` texts and keep only those named in ``keep`` or ``new``.

        The caller holds the lock and passes in ``keep`` every digest that the
        records file names now or will name once its own save is done.
        """
        current = self.texts()
        wanted = set(keep)
        texts = {digest: text for digest, text in current.items() if digest in wanted}
        texts.update(new)
        self._storage.write({ABSTRACTS_TABLE: texts})


def stored_texts(path: Path) -> dict[str, str]:
    """The texts of the abstracts file at ``path`` (a backup's, say); empty if unusable."""
    try:
        tables = parse_file(path.read_bytes(), path, ABSTRACTS_KIND)
    except OSError:
        return {}
    if not isinstance(tables, dict):
        return {}
    texts = tables.get(ABSTRACTS_TABLE, {})
    return {str(d): t for d, t in texts.items() if isinstance(t, str)}
