"""The library: a reading list kept in TinyDB, changed under a lock and saved whole.

Every change runs the same way: take the storage's inter-process lock, re-read
the file if another process changed it (:meth:`Library.refresh`), apply the
change to copies of the papers, and save the whole library atomically in one
write (a kill never leaves half an import). Reads are served from memory,
rebuilt only when the file changed.

The jobs around it live beside it in :mod:`readlist.store`: the file format
(:mod:`~readlist.store.format`), the TinyDB storage (:mod:`~readlist.store.storage`),
the change journal every save appends to and undo reads (:mod:`~readlist.store.journal`,
:mod:`~readlist.store.undo`),
paper <-> record and the abstracts kept apart (:mod:`~readlist.store.records`,
:mod:`~readlist.store.abstracts`), what an import does
(:mod:`~readlist.store.importing`), and the search texts kept between commands
(:mod:`~readlist.store.index`).

Why it is ~1,000 lines: the :class:`Library` is the public API the CLI and the
interface call (reads, searches, counts, triage changes, notes, imports, undo and
redo, the journal's command name), 55 short methods that share the lock and the
in-memory records; the work itself is in the modules above. The counts by tag,
status and category and the undo/redo front are next to move out.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tinydb import TinyDB

from readlist.errors import DamagedRecordError, KeyLookupError, LibraryError
from readlist.models import Paper, Status, normalize_tag, now_iso, tag_from_input
from readlist.paths import abstracts_path
from readlist.store.abstracts import AbstractStore
from readlist.store.format import PAPERS_TABLE
from readlist.store.journal import (
    Entry,
    Journal,
    PaperChange,
    diff_records,
    dropped_digests,
    journal_path,
    undo_state,
)
from readlist.store.record_view import LazyRecords
from readlist.store.records import (
    ABSTRACT_REF,
    Record,
    RecordViews,
    alias_index,
    full_record,
    is_text,
    migrate_inline_abstracts,
    read_record,
    record_tags,
    search_fields,
    share_repeated_values,
    triage_record,
)
from readlist.store.render_cache import (
    ExportOptions,
    RenderSource,
    cached_export,
    now_ns,
    open_cache,
    render_cache_path,
)
from readlist.store.storage import MemoryStorage, SafeJSONStorage

if TYPE_CHECKING:
    # Imported where used: a command on one paper needs neither importing, keys,
    # the query language nor the search index (tens of ms of a `tag`).
    from readlist.exporters import Citable
    from readlist.keys import KeyMaker
    from readlist.query import Query
    from readlist.store.importing import ImportReport
    from readlist.store.index import SearchIndex
    from readlist.store.layout_papers import StoredRecords
    from readlist.store.paper_history import PaperEvent

__all__ = ["Library", "NoteOutcome", "NoteSave", "Reversal"]

#: How many abstracts an export finds one by one before it reads the abstracts file whole.
FEW_ABSTRACTS = 8


class NoteOutcome(StrEnum):
    """How an edited note was saved."""

    #: Nobody else changed the note meanwhile: saved as written.
    SAVED = "saved"
    #: Someone else changed other lines meanwhile: both changes are in.
    MERGED = "merged"
    #: Someone else changed the same lines meanwhile: both versions kept between markers.
    CONFLICT = "conflict"


@dataclass(frozen=True)
class NoteSave:
    """What :meth:`Library.save_note` did, and the note as it now stands."""

    outcome: NoteOutcome
    text: str
    #: Places where both versions were kept between markers.
    conflicts: int = 0


@dataclass(frozen=True)
class Reversal:
    """What :meth:`Library.undo` or :meth:`Library.redo` did."""

    #: The commands undone or redone, in the order they were applied.
    entries: list[Entry]
    #: The keys of the papers changed.
    changed: list[str]
    #: One line per change skipped because the library changed since.
    skipped: list[str]


class Library:
    """A reading list stored in a JSON file (and its abstracts file); safe to share."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_first_write: Callable[[Path], object] | None = None,
        storage: type[SafeJSONStorage] = SafeJSONStorage,
        after_save: Callable[[Library, list[str]], None] | None = None,
        make_key: KeyMaker | None = None,
        history_days: Callable[[], int] | None = None,
        warn: Callable[[str], None] | None = None,
        lean: bool = False,
    ) -> None:
        """Open (without creating) the library at ``path``; it is read on first use.

        ``before_first_write`` is called with the path, under the lock, before
        this library first replaces an existing file (used for daily backups).
        ``storage`` keeps the library and its abstracts: files, or memory in tests
        (:class:`~readlist.store.storage.MemoryStorage`).
        ``after_save`` is called, still under the lock, after every save with this
        library and the keys of the papers saved, added or removed (used to keep
        exports up to date); it must not raise. ``make_key`` makes new papers' keys
        (the user's key formula; readlist's own by default).

        Every save is recorded in the change journal beside the library
        (:mod:`readlist.store.journal`), under the name in :attr:`command`;
        ``history_days`` says how many days it keeps (90 by default). A journal
        that cannot be written never fails a save: ``warn`` is told instead.

        ``lean``: for a command on a few papers (``tag``, ``mark``). The records file,
        when its bytes are those readlist last wrote, is not parsed: each record is
        parsed when first used, and a change to records rewrites only their bytes
        (:mod:`readlist.store.record_view`; the same file as a whole save). A
        command that goes through every record pays a little more than without it.
        """
        self.path = Path(path)
        self.make_key = make_key
        #: What the journal calls the changes saved from now on (``tag K x``, ``tui: status``).
        self.command = ""
        self._warn = warn
        self._db = TinyDB(str(self.path), storage=storage)
        self._storage: SafeJSONStorage = self._db.storage  # type: ignore[assignment]
        self._abstracts = AbstractStore(
            abstracts_path(self.path), lock_of=self._storage, storage=storage
        )
        self._before_first_write = before_first_write
        self._after_save = after_save
        self._wrote = False
        self._generation = -1
        #: Papers built so far from ``_docs`` (a command on one paper builds one).
        self._papers: dict[str, Paper] = {}
        #: The stored records by key: the storage's own dicts, kept current by every save.
        self._docs: MutableMapping[str, Record] = {}
        self._lean = lean and not issubclass(storage, MemoryStorage)
        self._doc_ids: dict[str, int] = {}
        #: The key of the paper each alias names (the first paper, if two claim it).
        self._alias_of: dict[str, str] | None = {}
        #: Each paper's search text, by key (see :mod:`readlist.store.index`).
        self._haystacks: dict[str, str] = {}
        # The search index is a file beside the library: none for one kept in memory.
        self._in_memory = issubclass(storage, MemoryStorage)
        self._index: SearchIndex | None = None
        self.journal = (
            None
            if issubclass(storage, MemoryStorage)
            else Journal(journal_path(self.path), history_days)
        )
        #: Counts by tag, status and category, with the generation they were taken at.
        self._count_cache: dict[str, tuple[int, Counter[Any]]] = {}
        #: Whether some record still holds its abstract inline (a schema 1 file).
        self._inline_abstracts = False
        #: What is wrong with each record edited by hand (see :meth:`damaged`).
        self._damage: dict[str, list[str]] = {}
        #: Stored records that are not paper records at all, described; never indexed.
        self._unusable: list[str] = []
        #: The damage an export served whole from the render cache found (the file unread).
        self._served_damage: list[str] | None = None

    def locked(self) -> AbstractContextManager[object]:
        """Hold the library's inter-process lock (re-entrant), e.g. to change a file beside it."""
        return self._storage.locked()

    @property
    def abstracts_path(self) -> Path:
        """The file beside the library that holds its abstracts."""
        return self._abstracts.path

    # -- reading ---------------------------------------------------------------

    def _raw_papers(self) -> dict[str, Record]:
        tables = self._storage.read() or {}
        papers = tables.get(PAPERS_TABLE, {})
        if not isinstance(papers, dict):
            raise LibraryError(f"{self.path} has a damaged papers table; it was left untouched")
        return papers

    def refresh(self) -> bool:
        """Reload from disk if the file changed; return whether anything changed."""
        if self._lean:
            changed = self._refresh_lean()
            if changed is not None:
                return changed
        raw = self._raw_papers()
        if self._storage.generation == self._generation:
            return False
        docs: dict[str, Record] = {}
        doc_ids: dict[str, int] = {}
        inline = False
        unusable = []
        for doc_id, doc in raw.items():
            if not isinstance(doc, dict) or not doc_id.isdigit():
                # Edited by hand: skipped (and kept as it is on disk); doctor --fix moves it aside.
                unusable.append(f"record #{doc_id} is not a paper record")
                continue
            key = doc.get("key", "")
            if type(key) is not str:  # edited by hand: read as Paper.from_dict reads it
                key = str(key) if type(key) in (int, float) else ""
            docs[key] = doc
            doc_ids[key] = int(doc_id)
            inline = inline or "abstract" in doc
        # Keep the search text of papers whose searchable fields did not change:
        # another process marking one paper must not cost a full re-index.
        kept = {
            key: haystack
            for key, haystack in self._haystacks.items()
            if key in docs and search_fields(self._docs.get(key, {})) == search_fields(docs[key])
        }
        # Likewise the papers built from records that did not change (rebuilding
        # 50,000 papers after one was tagged elsewhere took seconds). An abstract
        # that was missing when its paper was built may have arrived since: rebuilt.
        self._papers = {
            key: paper
            for key, paper in self._papers.items()
            if docs.get(key) == self._docs.get(key)
            and (paper.abstract or not docs[key].get(ABSTRACT_REF))
        }
        self._damage = {key: found for key, found in self._damage.items() if key in self._papers}
        self._docs = docs
        self._doc_ids = doc_ids
        self._alias_of = None  # worked out when an alias is first looked up
        self._haystacks = kept
        self._inline_abstracts = inline
        self._unusable = unusable
        self._generation = self._storage.generation
        return True

    def _refresh_lean(self) -> bool | None:
        """Take the records from the file unparsed if it can be: whether they changed.

        ``None`` when it cannot be (the file was parsed whole: :meth:`refresh` goes on).
        """
        view = self._storage.read_view()
        if view is None:
            return None
        if self._storage.generation == self._generation:
            return False
        self._docs = LazyRecords(view)
        self._doc_ids = dict(view.ids)
        self._papers = {}
        self._damage = {}
        self._haystacks = {}
        self._alias_of = None
        self._inline_abstracts = False  # scan() refuses a record holding its abstract
        self._unusable = []  # and one that is not a paper record
        self._generation = self._storage.generation
        return True

    def load(self) -> None:
        """Read the library file and, if any paper names an abstract, the abstracts file.

        Raises :class:`LibraryError` now if either is damaged, rather than at the
        first paper shown.
        """
        self.refresh()
        if any(doc.get(ABSTRACT_REF) for doc in self._docs.values()):
            self._abstracts.texts()

    def _paper(self, key: str, texts: Mapping[str, str] | None = None) -> Paper:
        """The paper with ``key`` (which exists), built from its record on first use.

        ``texts``: the abstracts, when the caller has them at hand (one file check
        for a whole list of papers instead of one per paper).
        """
        paper = self._papers.get(key)
        if paper is None:
            doc = self._docs[key]
            paper, problems = read_record(doc)
            if problems:
                self._damage[key] = problems
            digest = doc.get(ABSTRACT_REF)
            if digest:
                texts = self._abstracts.texts() if texts is None else texts
                # A text missing from the abstracts file reads as empty; doctor reports it.
                paper.abstract = texts.get(str(digest), "")
            self._papers[key] = paper
        return paper

    def damaged(self, *, everywhere: bool = False) -> list[str]:
        """One line for each record edited by hand into a shape readlist cannot fully read.

        Such a record is read as well as it can be (a wrong field as its default) and
        never changed; ``readlist doctor --fix`` moves it into the quarantine file.
        Covers the papers built so far, or with ``everywhere`` all of them.
        """
        if self._served_damage is not None and self._generation == -1 and not everywhere:
            return list(self._served_damage)  # an export from the render cache: unread
        self.refresh()
        if everywhere:
            for key, doc in self._docs.items():
                if key not in self._papers and key not in self._damage:
                    problems = read_record(doc)[1]
                    if problems:
                        self._damage[key] = problems
        lines = list(self._unusable)
        for key, problems in self._damage.items():
            lines.append(f"paper {key or '(no key)'}: {'; '.join(problems)}")
        return lines

    def changed_on_disk(self) -> bool:
        """Whether another process saved the library since this one last looked."""
        return self._storage.changed_on_disk()

    def papers(self) -> list[Paper]:
        """Every paper, in the order they were added."""
        self.refresh()
        if len(self._papers) == len(self._doc_ids):
            return [self._papers[key] for key in self._doc_ids]
        texts = self._abstracts.texts()  # checked once, not once per paper
        return [self._paper(key, texts) for key in self._doc_ids]

    def first_papers(self, by: str, reverse: bool, limit: int) -> list[Paper]:
        """The first ``limit`` papers in the order ``by`` (:func:`sort_papers`'s), fast.

        The order is read from the records; only those papers are built, without
        their abstracts (the abstracts file is not read). For the interface's first
        screen, before every paper is built.
        """
        from readlist.query.sorting import SORTS, first_in_order, sort_name

        self.refresh()
        name = sort_name(by)
        views = RecordViews(list(self._doc_ids), self._docs)
        values = views.values(name, SORTS[name].value)
        first = first_in_order(views, name, reverse, limit, values)
        return self._light_papers([view.ref for view in first])

    def first_matching(
        self, by: str, reverse: bool, limit: int, matches: Callable[[Paper], bool], budget: int
    ) -> tuple[list[Paper], bool]:
        """The first ``limit`` papers in the order ``by`` that ``matches`` takes, fast.

        As :meth:`first_papers`, the order is read from the records and the papers
        are built without their abstracts, so ``matches`` must not read them (a
        query with no free word and no ``has:abstract``). Papers are built and
        tried in the order's first batches (twice ``limit``, then four times more
        each time), until ``budget`` of them were tried (or the first batch): the
        papers returned are the first that match, in order, but maybe fewer than
        ``limit``. Also whether they are all that match (every paper was tried).
        """
        from readlist.query.sorting import SORTS, first_in_order, sort_name

        self.refresh()
        name = sort_name(by)
        views = RecordViews(list(self._doc_ids), self._docs)
        values = views.values(name, SORTS[name].value)
        found: list[Paper] = []
        tried = 0
        batch = min(2 * limit, len(views))
        while True:
            # The first ``batch`` of the order begin with the ``tried`` looked at already.
            first = first_in_order(views, name, reverse, batch, values)
            for paper in self._light_papers([view.ref for view in first[tried:]]):
                if matches(paper):
                    found.append(paper)
                    if len(found) == limit:
                        return found, False
            tried = len(first)
            if tried == len(views):
                return found, True
            if tried >= budget:
                return found, False
            batch = min(4 * batch, budget, len(views))

    def share_repeated_values(self) -> None:
        """Keep one copy of each often-repeated text of the records (less memory, same data).

        For a long-lived library (the interface), right after its first read and
        before its papers are built, which then use the shared strings: see
        :func:`~readlist.store.records.share_repeated_values`.
        """
        self.refresh()
        share_repeated_values(self._docs.values())

    def untagged_count(self) -> int:
        """How many papers carry no tag (counted from the records, no paper built)."""
        tagged = self._counts("tagged", lambda docs: (True for doc in docs if record_tags(doc)))
        return len(self._docs) - tagged[True]

    def keys(self) -> list[str]:
        """Every paper's key, in the order they were added (no paper is built)."""
        self.refresh()
        return list(self._doc_ids)

    def __len__(self) -> int:
        """How many papers the library holds."""
        self.refresh()
        return len(self._doc_ids)

    def get(self, key: str) -> Paper:
        """The paper with exactly this key."""
        self.refresh()
        if key not in self._doc_ids:
            raise KeyLookupError(f"no paper with key '{key}'")
        return self._paper(key)

    def _aliases(self) -> dict[str, str]:
        """The key of the paper each alias names (the first paper, if two claim it)."""
        if self._alias_of is None:
            docs = self._docs
            # Read without parsing the records (most have no alias) when they were.
            if isinstance(docs, LazyRecords):
                self._alias_of = docs.alias_index()
            else:
                self._alias_of = alias_index(docs)
        return self._alias_of

    def resolve_key(self, key_or_prefix: str) -> str:
        """The key that is, or has the alias, or uniquely starts with ``key_or_prefix``.

        No paper is built.
        """
        self.refresh()
        if key_or_prefix in self._doc_ids:
            return key_or_prefix
        aliases = self._aliases()
        if key_or_prefix in aliases:
            return aliases[key_or_prefix]
        wanted = key_or_prefix.lower()
        candidates = sorted(k for k in self._doc_ids if k.lower().startswith(wanted))
        if not candidates:
            raise KeyLookupError(f"no paper with key '{key_or_prefix}'")
        if len(candidates) > 1:
            shown = ", ".join(candidates[:10]) + (" …" if len(candidates) > 10 else "")
            raise KeyLookupError(
                f"key '{key_or_prefix}' is ambiguous: {len(candidates)} papers match ({shown})"
            )
        return candidates[0]

    def resolve(self, key_or_prefix: str) -> Paper:
        """The paper whose key is, or uniquely starts with, ``key_or_prefix``."""
        return self._paper(self.resolve_key(key_or_prefix))

    def alias_of(self, alias: str) -> str | None:
        """The key of the paper that has ``alias`` as an alias (and not as its key), if any."""
        self.refresh()
        return None if alias in self._doc_ids else self._aliases().get(alias)

    def rename(
        self, renames: Mapping[str, str], also: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        """Give papers new keys (old → new); each old key becomes an alias of its paper.

        ``also`` names more aliases by old key (the key an export wrote for the paper).

        A new key must be free: no other paper's key or alias. Raises
        :class:`KeyLookupError` (nothing changed) when a key is unknown or taken.
        """
        with self._storage.locked():
            self.refresh()
            new_keys = list(renames.values())
            texts: dict[str, str] = {}
            records: dict[str, Record] = {}
            for old, new in renames.items():
                if old not in self._docs:
                    raise KeyLookupError(f"no paper with key '{old}'")
                owner = new if new in self._doc_ids else self._aliases().get(new)
                if old == new:
                    continue
                if (owner is not None and owner != old) or new_keys.count(new) > 1:
                    raise KeyLookupError(f"key '{new}' is taken")
                paper = self._triage_paper(old)
                more = (also or {}).get(old, ())
                aliases = dict.fromkeys([*paper.aliases, old, *more])
                paper.aliases = [alias for alias in aliases if alias != new]
                paper.updated = now_iso()
                paper.key = new
                records[old] = triage_record(paper, self._docs[old], texts)
            if records:
                self._save(replace=records, texts=texts)
                self._generation = -1  # the index is by key: read it again
                self.refresh()

    def tags_of(self, key: str) -> list[str]:
        """The tags of the paper with exactly this key, without reading its abstract."""
        self.refresh()
        if key not in self._docs:
            raise KeyLookupError(f"no paper with key '{key}'")
        return record_tags(self._docs[key])

    def build_index(self) -> None:
        """Get the search text of every paper now (the first search does it anyway)."""
        self._search_texts()

    def _search_index(self) -> SearchIndex | None:
        """The search index file beside the library (none for a library kept in memory)."""
        if self._index is None and not self._in_memory:
            from readlist.store.index import SearchIndex, index_path

            self._index = SearchIndex(index_path(self.path))
        return self._index

    def _search_texts(self) -> dict[str, str]:
        """Each paper's search text, from memory, the index file, or computed (and saved)."""
        from readlist.store.index import fill_search_texts

        self.refresh()
        index = self._search_index()
        fill_search_texts(
            self._haystacks, self._doc_ids, self._docs, index, self._abstracts, self._paper
        )
        return self._haystacks

    def search(self, query: str | Query, *, abstracts: bool = True) -> list[Paper]:
        """The papers matching ``query`` (the shared query language), in library order.

        Without ``abstracts`` the papers come without their abstract (empty), for
        output that does not show it: then the abstracts file is never read, and a
        free-word query reads the search index instead.
        """
        from readlist.query import parse_query
        from readlist.store.index import matches_text_only, reads_abstracts_directly

        compiled = parse_query(query) if isinstance(query, str) else query
        # has:abstract and the like read the abstract itself, not only the search text.
        whole = abstracts or reads_abstracts_directly(compiled)
        text_matches = None if whole else matches_text_only(compiled)
        if text_matches is not None:
            # Free words only: matched on the search texts, and only the papers found built.
            haystacks = self._search_texts()
            return self._light_papers(
                [key for key in self._doc_ids if text_matches(haystacks[key])]
            )
        papers = self.papers() if whole else self._papers_without_abstracts()
        if compiled.is_empty:
            return papers
        if not compiled.uses_text:
            return [paper for paper in papers if compiled.matches(paper, "")]
        haystacks = self._search_texts()
        return [paper for paper in papers if compiled.matches(paper, haystacks[paper.key])]

    def _papers_without_abstracts(self) -> list[Paper]:
        """Every paper, those not yet built without their abstract (not kept for later)."""
        self.refresh()
        return self._light_papers(list(self._doc_ids))

    def export_text(
        self, keys: Sequence[str] | None, options: ExportOptions
    ) -> tuple[int, Iterator[bytes]]:
        """The export of the papers ``keys`` (``None``: every paper, in order), and how many.

        Made a unit at a time, taking from the render cache every unit still true
        (:mod:`readlist.store.render_cache`); an export of every paper writes the
        cache again, or, when neither file changed since it was made, is the
        cache's text, with nothing read. ``ValueError`` for an unknown format.
        """
        built = now_ns()
        identity = options.identity()
        path = None if self._in_memory else render_cache_path(self.path)
        cache = open_cache(path, identity) if path is not None else None
        abstracts_now = self._abstracts.current_stamp()
        self._abstracts.begin_reads()
        whole = keys is None and cache is not None
        if whole and cache and cache.serves_whole(self._storage.current_stamp(), abstracts_now):
            if self._generation == -1:
                self._served_damage = cache.damaged
            return cache.papers, cache.whole_text()
        self.refresh()
        chosen = list(self._doc_ids) if keys is None else list(keys)
        # A records file as readlist wrote it is not even parsed: each record's bytes
        # are hashed where they lie (a lean library, see readlist.store.layout_papers).
        stored = self._stored_records(chosen) if cache is not None else None
        papers: Sequence[Citable]
        if cache is None:
            # Without a cache every paper is rendered: built once, whole, not twice.
            papers = self._whole(chosen)
        elif stored is not None:
            papers = stored[0].layout_papers(stored[1])
        else:
            # With one, few are: the layout reads stand-ins (key, aliases, source).
            papers = self._layout_papers(chosen)
        source = RenderSource(
            records=self._docs,
            papers=papers,
            # With a cache, few units are rendered: their abstracts are found one by one.
            whole=self._paper if cache is None else self._few_papers_reading_one_abstract(),
            light=self._light_paper,
            problems=lambda key: self._damage.get(key, []),
            note_problems=self._note_problems,
            abstracts=self._abstracts.texts,
            library_stamp=lambda: self._storage.stamp,
            abstracts_stamp=self._abstracts.read_stamp,
            damaged=self.damaged,
            encoded=None if stored is None else stored[2],
        )
        chunks = cached_export(
            source,
            options,
            cache,
            # A library with no file yet gets no cache beside it either.
            save_to=path if keys is None and self._storage.stamp is not None else None,
            built=built,
            abstracts_now=abstracts_now,
        )
        return len(chosen), chunks

    def _few_papers_reading_one_abstract(self) -> Callable[[str], Paper]:
        """:meth:`_paper_reading_one_abstract` for the first few papers, then :meth:`_paper`.

        Finding one abstract searches the whole abstracts file: past a few, the file is
        read once (an export after many changes would otherwise search it for each).
        """
        asked = 0

        def paper(key: str) -> Paper:
            nonlocal asked
            asked += 1
            if asked <= FEW_ABSTRACTS:
                return self._paper_reading_one_abstract(key)
            return self._paper(key)

        return paper

    def _paper_reading_one_abstract(self, key: str) -> Paper:
        """:meth:`_paper`, its abstract found in the abstracts file without reading them all."""
        doc = self._docs[key]
        digest = doc.get(ABSTRACT_REF)
        if key not in self._papers and isinstance(digest, str):
            text = self._abstracts.text_of(digest)
            if text is not None:
                paper, problems = read_record(doc)
                if problems:
                    self._damage[key] = problems
                paper.abstract = text
                self._papers[key] = paper
        return self._paper(key)

    def _whole(self, keys: Sequence[str]) -> list[Paper]:
        """The papers of ``keys``, with their abstracts."""
        texts = self._abstracts.texts()
        return [self._paper(key, texts) for key in keys]

    def _stored_records(
        self, keys: Sequence[str]
    ) -> tuple[StoredRecords, list[int], Callable[[str], memoryview]] | None:
        """The records of ``keys`` found in the file's bytes, their doc ids, their bytes by key.

        ``None`` unless the records were read without parsing them (a lean library
        whose file is as readlist wrote it) and none of ``keys`` changed since.
        """
        from readlist.store.layout_papers import stored_records

        docs = self._docs
        if not isinstance(docs, LazyRecords):
            return None
        ids = [docs.stored_id(key) for key in keys]
        found = stored_records(docs.view)
        if found is None or None in ids:
            return None
        by_key = docs.view.ids
        return found, cast(list[int], ids), lambda key: found.encoded(by_key[key])

    def _layout_papers(self, keys: Sequence[str]) -> list[Citable]:
        """What an export's layout reads of the papers ``keys``: papers built, or stand-ins.

        A record that needs repairs to be read gets its paper (built without its abstract,
        not kept; its problems are noted when its unit is taken or rendered).
        """
        from readlist.store.layout_papers import layout_paper

        papers: list[Citable] = []
        built, docs = self._papers, self._docs
        for key in keys:
            paper: Citable | None = built.get(key)
            if paper is None:
                doc = docs[key]
                paper = layout_paper(doc)
                if paper is None:
                    paper = read_record(doc)[0]
            papers.append(paper)
        return papers

    def _light_paper(self, key: str) -> Paper:
        """The paper of ``key``: built already, or built now without its abstract (not kept)."""
        return self._light_papers([key])[0]

    def _note_problems(self, key: str, problems: Sequence[str]) -> None:
        """Note what is wrong with the record of ``key`` (found without building its paper)."""
        if problems:
            self._damage[key] = list(problems)

    def _light_papers(self, keys: Sequence[str]) -> list[Paper]:
        """The papers of ``keys``, those not yet built without their abstract (not kept)."""
        papers = []
        for key in keys:
            paper = self._papers.get(key)
            if paper is None:
                paper, problems = read_record(self._docs[key])
                if problems:
                    self._damage[key] = problems
            papers.append(paper)
        return papers

    def tag_counts(self) -> Counter[str]:
        """How many papers carry each tag."""
        return self._counts("tags", lambda docs: (tag for doc in docs for tag in record_tags(doc)))

    def status_counts(self) -> Counter[Status]:
        """How many papers have each status (every status present, maybe 0)."""
        counts: Counter[Status] = Counter({status: 0 for status in Status})
        # The stored values are counted first (in C) and each read once: anything but a
        # string reads as unread, as Status.parse reads it (and may not be hashable).
        stored = self._counts(
            "status",
            lambda docs: (s if type(s := d.get("status")) is str else None for d in docs),
        )
        for value, count in stored.items():
            counts[Status.parse(value)] += count
        return counts

    def category_counts(self) -> Counter[str]:
        """How many papers are in each category."""
        return self._counts(
            "category",
            lambda docs: (str(d["category"]) for d in docs if is_text(d.get("category"))),
        )

    def _counts(
        self, name: str, values: Callable[[Iterable[Record]], Iterable[Any]]
    ) -> Counter[Any]:
        """A count over the records, remembered until the library changes (a copy)."""
        self.refresh()
        cached = self._count_cache.get(name)
        if cached is None or cached[0] != self._generation:
            cached = self._count_cache[name] = (
                self._generation,
                Counter(values(self._docs.values())),
            )
        return Counter(cached[1])

    # -- writing ---------------------------------------------------------------

    def _triage_paper(self, key: str) -> Paper:
        """A fresh copy of the paper for a change that leaves its abstract alone (not read).

        A record edited into the wrong shape is refused: saving what was read of it
        would silently replace the hand-edited values.
        """
        paper, problems = read_record(self._docs[key])
        if problems:
            raise DamagedRecordError(key, problems)
        paper.abstract = ""
        return paper

    def _save(
        self,
        *,
        replace: dict[str, Record] | None = None,
        insert: Sequence[Record] = (),
        remove: Iterable[str] = (),
        texts: dict[str, str] | None = None,
        built: Iterable[Paper] = (),
        undoes: Sequence[str] = (),
        redoes: Sequence[str] = (),
    ) -> None:
        """Write changed records (caller holds the lock and has refreshed), then update the index.

        ``texts`` holds the abstracts the new records name; they are saved to the
        abstracts file first, so no saved record ever names a missing text.
        ``built`` are whole papers matching the new records, kept for reuse.
        The changes are journaled (``undoes``/``redoes``: the entries an undo or
        redo reverses), after the save succeeded.
        """
        replace = dict(replace or {})
        texts = dict(texts or {})
        removed = [key for key in dict.fromkeys(remove) if key in self._doc_ids]
        changes = self._changes(replace, removed, insert) if self.journal is not None else []
        # Texts this save stops naming go into the journal, so an undo can bring them back.
        kept = self._dropped_texts(dropped_digests(changes))
        if self._inline_abstracts:  # a schema 1 file: move every abstract out now
            skip = {*replace, *removed}
            replace.update(migrate_inline_abstracts(self._docs, skip, texts))
        if not self._wrote and self._before_first_write and self.path.exists():
            self._before_first_write(self.path)
        self._wrote = True
        self._save_texts(texts)
        self._write_records(replace, removed, insert)
        for key in removed:
            self._papers.pop(key, None)
            self._docs.pop(key, None)
            del self._doc_ids[key]
            self._haystacks.pop(key, None)
        for key, record in (*replace.items(), *((r["key"], r) for r in insert)):
            self._docs[key] = record
            self._papers.pop(key, None)
            self._haystacks.pop(key, None)
        for paper in built:
            self._papers[paper.key] = paper
        self._alias_of = None
        self._inline_abstracts = False
        self._generation = self._storage.generation
        if changes or undoes or redoes:
            self._journal(changes, undoes=undoes, redoes=redoes, texts=kept)
        if self._after_save is not None:
            inserted = [str(record["key"]) for record in insert]
            self._after_save(self, [*replace, *removed, *inserted])

    def _changes(
        self, replace: Mapping[str, Record], removed: Sequence[str], insert: Sequence[Record]
    ) -> list[PaperChange]:
        """What a save will change, paper by paper and field by field (for the journal)."""
        pairs = [
            *((self._docs[key], record) for key, record in replace.items()),
            *((self._docs[key], None) for key in removed),
            *((None, record) for record in insert),
        ]
        return [change for old, new in pairs if (change := diff_records(old, new)) is not None]

    def _dropped_texts(self, digests: set[str]) -> dict[str, str]:
        """The stored texts of ``digests`` (none if the abstracts file cannot be read)."""
        if not digests:
            return {}
        try:
            stored = self._abstracts.texts()
        except LibraryError:  # a damaged abstracts file must not stop a remove
            return {}
        return {digest: stored[digest] for digest in digests if digest in stored}

    def _journal(
        self,
        changes: Sequence[PaperChange],
        *,
        undoes: Sequence[str] = (),
        redoes: Sequence[str] = (),
        texts: Mapping[str, str] | None = None,
    ) -> None:
        """Append what was saved to the journal (the caller holds the lock)."""
        if self.journal is None:
            return
        command = self.command or "library change"
        entry = Entry.new(command, changes, undoes=undoes, redoes=redoes, texts=texts)
        try:
            self.journal.append(entry)
        except (OSError, LibraryError) as error:  # the change is saved: only history is short
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            if self._warn is not None:
                self._warn(f"saved, but not recorded in {self.journal.path}: {reason}")

    def _write_records(
        self, replace: dict[str, Record], removed: Sequence[str], insert: Sequence[Record]
    ) -> None:
        """Replace, remove and insert records in one atomic save of the library file.

        One save, not one per kind of change: a kill can never leave half an import.
        Nothing in memory changes unless the save succeeds.
        """
        view = self._storage.view
        if view is not None and not removed and not insert and isinstance(self._docs, LazyRecords):
            self._storage.write_spliced(
                view, {self._doc_ids[key]: record for key, record in replace.items()}
            )
            return
        tables = dict(self._storage.read() or {})
        papers = dict(self._raw_papers())
        for key, record in replace.items():
            papers[str(self._doc_ids[key])] = record
        for key in removed:
            del papers[str(self._doc_ids[key])]
        next_id = max((int(i) for i in papers if i.isdigit()), default=0) + 1 if insert else 0
        new_ids = {record["key"]: next_id + n for n, record in enumerate(insert)}
        papers.update((str(new_ids[record["key"]]), record) for record in insert)
        tables[PAPERS_TABLE] = papers
        self._storage.write(tables)
        self._doc_ids.update(new_ids)

    def _save_texts(self, texts: dict[str, str]) -> None:
        """Add to the abstracts file the ``texts`` it may lack, before any record names them."""
        if not texts:
            return
        stored = self._abstracts.texts()
        if all(digest in stored for digest in texts):
            return  # a re-import with the same abstracts: nothing to add
        named = {str(doc[ABSTRACT_REF]) for doc in self._docs.values() if doc.get(ABSTRACT_REF)}
        before = self._abstracts.current_stamp()
        self._abstracts.save(texts, keep=named | texts.keys())
        index = self._search_index()
        if index is not None:  # texts are named by digest: the index stays true
            index.restamp(before, self._abstracts.current_stamp())

    def _change(self, keys: Iterable[str], change: Callable[[Paper], bool]) -> list[str]:
        """Apply ``change`` to copies of the named papers, save those it changed; their keys.

        ``change`` sees papers without their abstract, which it must leave alone.
        """
        with self._storage.locked():
            self.refresh()
            texts: dict[str, str] = {}
            records: dict[str, Record] = {}
            for key in dict.fromkeys(keys):
                if key not in self._docs:
                    raise KeyLookupError(f"no paper with key '{key}'")
                paper = self._triage_paper(key)
                if change(paper):
                    paper.updated = now_iso()
                    records[key] = triage_record(paper, self._docs[key], texts)
            if records:
                self._save(replace=records, texts=texts)
        return list(records)

    def clear_conflicts(self, keys: Iterable[str]) -> list[tuple[str, int]]:
        """Clear what a sync flagged on the papers (the user looked); how many each had."""
        counts: dict[str, int] = {}

        def change(paper: Paper) -> bool:
            counts[paper.key] = len(paper.conflicts)
            paper.conflicts = []
            return counts[paper.key] > 0

        wanted = list(dict.fromkeys(keys))
        self._change(wanted, change)
        return [(key, counts.get(key, 0)) for key in wanted]

    def set_status(self, keys: Iterable[str], status: Status) -> list[str]:
        """Set the read status; entering ``read`` stamps ``read_at``. Returns the changed keys."""

        def change(paper: Paper) -> bool:
            if paper.status is status:
                return False
            paper.status = status
            if status is Status.READ:
                paper.read_at = now_iso()
            return True

        return self._change(keys, change)

    def add_tags(self, keys: Iterable[str], tags: Iterable[str]) -> list[str]:
        """Add tags (normalised: lowercase, hyphens for spaces); returns the changed keys."""
        new = {tag_from_input(t) for t in tags} - {""}

        def change(paper: Paper) -> bool:
            merged = sorted(set(paper.tags) | new)
            if merged == paper.tags:
                return False
            paper.tags = merged
            return True

        return self._change(keys, change)

    def remove_tags(self, keys: Iterable[str], tags: Iterable[str]) -> list[str]:
        """Remove tags from the papers (absent tags are ignored); returns the changed keys."""
        gone = {normalize_tag(t) for t in tags}

        def change(paper: Paper) -> bool:
            kept = [t for t in paper.tags if t not in gone]
            if kept == paper.tags:
                return False
            paper.tags = kept
            return True

        return self._change(keys, change)

    def set_note(self, key: str, text: str, *, append: bool = False) -> bool:
        """Replace (or append to) a paper's Markdown note; returns whether it changed."""

        def change(paper: Paper) -> bool:
            new = f"{paper.notes.rstrip()}\n\n{text}" if append and paper.notes else text
            if new == paper.notes:
                return False
            paper.notes = new
            return True

        return bool(self._change([key], change))

    def set_pdf(self, key: str, name: str | None) -> bool:
        """Record the file name of the paper's downloaded PDF (relative to the library's folder)."""

        def change(paper: Paper) -> bool:
            if paper.pdf == name:
                return False
            paper.pdf = name
            return True

        return bool(self._change([key], change))

    def save_note(self, key: str, text: str, *, base: str) -> NoteSave:
        """Save an edit of a note that started from ``base``: a compare-and-set.

        If the note is still ``base`` it becomes ``text``. If another process or
        editor changed it meanwhile, the two edits are merged line by line
        (:func:`readlist.textmerge.merge`) under the lock, so neither is lost.
        """
        result: list[NoteSave] = []

        def change(paper: Paper) -> bool:
            result.clear()
            if paper.notes == base:
                result.append(NoteSave(NoteOutcome.SAVED, text))
            else:
                from readlist.textmerge import merge

                merged = merge(base, text, paper.notes)
                outcome = NoteOutcome.CONFLICT if merged.conflicts else NoteOutcome.MERGED
                result.append(NoteSave(outcome, merged.text, merged.conflicts))
            if result[0].text == paper.notes:
                return False
            paper.notes = result[0].text
            return True

        self._change([key], change)
        return result[0]

    def save_draft(self, key: str, text: str, *, suffix: str = ".md") -> Path:
        """Keep ``text`` as an unsaved draft of the note (or ``.bib`` entry) of ``key``."""
        from readlist.store.drafts import save_draft

        return save_draft(self.path, key, text, suffix=suffix)

    def replace_paper(self, key: str, change: Callable[[Paper], Paper | None]) -> str | None:
        """Replace the paper of ``key`` (or alias) by ``change(copy)``, under the lock; its key.

        ``change`` sees the paper as stored now, abstract included, and returns the new
        version (``None``: nothing to save); it may raise to refuse. A new key must be
        free (no other paper's key or alias): the old key then becomes an alias, as
        with :meth:`rename`. Returns the paper's key after the change, ``None`` if
        nothing changed.
        """
        with self._storage.locked():
            self.refresh()
            old = self.resolve_key(key) if key not in self._docs else key
            if self._damage.get(old) or read_record(self._docs[old])[1]:
                raise DamagedRecordError(old, read_record(self._docs[old])[1])
            current = self._paper(old).copy()
            paper = change(current.copy())
            if paper is None or paper == current:
                return None
            new = paper.key
            if new != old:
                owner = new if new in self._doc_ids else self._aliases().get(new)
                if owner is not None and owner != old:
                    raise KeyLookupError(f"key '{new}' is taken by paper {owner}; nothing saved")
                aliases = dict.fromkeys([*paper.aliases, old])
                paper.aliases = [alias for alias in aliases if alias != new]
            paper.updated = now_iso()
            texts: dict[str, str] = {}
            self._save(replace={old: full_record(paper, texts)}, texts=texts)
            if new != old:
                self._generation = -1  # the index is by key: read it again
                self.refresh()
        return new

    def remove(self, keys: Iterable[str]) -> list[str]:
        """Delete papers; returns the keys removed."""
        with self._storage.locked():
            self.refresh()
            removed = list(dict.fromkeys(keys))
            for key in removed:
                if key not in self._docs:
                    raise KeyLookupError(f"no paper with key '{key}'")
            if removed:
                self._save(remove=removed)
        return removed

    def import_papers(
        self, papers: Iterable[Paper], *, tags: Iterable[str] = (), dry_run: bool = False
    ) -> ImportReport:
        """Add new papers and merge known ones field by field; see :meth:`import_batches`."""
        return self.import_batches([papers], tags=tags, dry_run=dry_run)[0]

    def import_batches(
        self,
        batches: Sequence[Iterable[Paper]],
        *,
        tags: Iterable[str] = (),
        dry_run: bool = False,
    ) -> list[ImportReport]:
        """Import papers from several sources (one batch each) in one save; a report per batch.

        Which known paper an entry is follows :mod:`readlist.merge` (identifiers,
        then title and first author); a known paper keeps its key, tags, status,
        notes and timestamps and gains what the entry knows better
        (:func:`~readlist.merge.merge_papers`). An entry that repeats one met
        earlier in the same import merges into it too: it counts as unchanged
        when it adds nothing, and as an update unless it repeats a paper its own
        batch adds. ``dry_run`` reports the same without writing anything.
        """
        from readlist.store.importing import plan_import

        extra_tags = sorted({tag_from_input(t) for t in tags} - {""})
        # A dry run only reads, as `list` does: it takes no lock (which would create its file).
        with nullcontext() if dry_run else self._storage.locked():
            self.refresh()
            texts: Mapping[str, str] | None = None  # the abstracts, read once if a paper is known

            def stored(key: str) -> Paper:
                nonlocal texts
                paper = self._papers.get(key)
                if paper is None:
                    texts = self._abstracts.texts() if texts is None else texts
                    paper = self._paper(key, texts)
                return paper

            plan = plan_import(
                batches,
                self._docs,
                stored,
                lambda key: self._damage.get(key, []),
                extra_tags,
                now_iso(),
                self.make_key,
            )
            pending = plan.pending
            inserts = [paper for key, paper in pending.items() if key not in self._doc_ids]
            replaces = {key: paper for key, paper in pending.items() if key in self._doc_ids}
            if not dry_run and (inserts or replaces or self._inline_abstracts):
                new_texts: dict[str, str] = {}
                self._save(
                    replace={k: full_record(p, new_texts) for k, p in replaces.items()},
                    insert=[full_record(p, new_texts) for p in inserts],
                    texts=new_texts,
                    built=[*replaces.values(), *inserts],
                )
        return plan.reports

    # -- history ---------------------------------------------------------------

    def history(self, key: str | None = None) -> list[Entry]:
        """The journal, oldest first; with ``key``, only the commands that changed that paper.

        A paper's commands are found under every key it has had (see :meth:`paper_history`).
        """
        if key is not None:
            return [event.entry for event in reversed(self.paper_history(key))]
        return self.journal.entries() if self.journal is not None else []

    def paper_history(
        self, key: str, *, entries: Sequence[Entry] | None = None
    ) -> list[PaperEvent]:
        """What the journal says happened to the paper with ``key``, newest first.

        ``key`` is the paper's key or one of its aliases (an old key); the paper's
        other names are followed, as are the keys it had before a rename. A key no
        paper has (removed since) gives the history of what had it. ``entries``: the
        journal's, when already read.
        """
        from readlist.store.paper_history import paper_history

        if self.journal is None:
            return []
        self.refresh()
        current = key if key in self._doc_ids else self._aliases().get(key)
        names = [key]
        if current is not None:
            aliases = self._docs[current].get("aliases")
            names += [current, *(a for a in aliases or () if isinstance(a, str))]
        return paper_history(self.journal.entries() if entries is None else entries, names)

    def undo(self, count: int = 1) -> Reversal:
        """Reverse the last ``count`` commands not yet undone, skipping fields changed since."""
        return self._reverse(count, undo=True)

    def redo(self, count: int = 1) -> Reversal:
        """Replay the last ``count`` commands undone (a new change clears them)."""
        return self._reverse(count, undo=False)

    def _reverse(self, count: int, *, undo: bool) -> Reversal:
        if self.journal is None:
            raise LibraryError("this library keeps no history")
        with self._storage.locked():
            self.refresh()
            done, undone = undo_state(self.journal.entries())
            stack = done if undo else undone
            targets = list(reversed(stack[len(stack) - count :])) if count > 0 else []
            if not targets:
                return Reversal([], [], [])
            from readlist.store.undo import plan_reversal

            plan = plan_reversal(targets, self._docs, undo=undo)
            replace: dict[str, Record] = {}
            insert: list[Record] = []
            remove: list[str] = []
            for key, record in plan.state.items():
                if record is None:
                    remove.append(key)
                elif key in self._docs:
                    replace[key] = record
                else:
                    insert.append(record)
            skipped = list(plan.skipped)
            # Only a record that names another abstract than now may need its text back.
            renamed = [
                record
                for key, record in replace.items()
                if record.get(ABSTRACT_REF) != self._docs[key].get(ABSTRACT_REF)
            ]
            texts = self._texts_to_bring_back([*renamed, *insert], skipped)
            ids = [entry.id for entry in targets]
            undoes, redoes = (ids, []) if undo else ([], ids)
            if replace or insert or remove:
                self._save(
                    replace=replace,
                    insert=insert,
                    remove=remove,
                    texts=texts,
                    undoes=undoes,
                    redoes=redoes,
                )
            else:  # all skipped: journaled all the same, so the next undo goes further back
                self._journal([], undoes=undoes, redoes=redoes)
        return Reversal(targets, list(plan.state), skipped)

    def _texts_to_bring_back(self, records: Sequence[Record], skipped: list[str]) -> dict[str, str]:
        """Every abstract ``records`` name: from the abstracts file, else from the journal.

        All of them, not only the missing ones: the save must keep them all (the texts
        of records that keep their abstract are kept anyway). A text found nowhere adds
        a line to ``skipped`` (the paper reads with no abstract).
        """
        # A record edited by hand may name its abstract by something not text: it names none.
        refs = [(record, _text_or_empty(record.get(ABSTRACT_REF))) for record in records]
        named = {ref for _, ref in refs if ref}
        if not named:
            return {}
        stored = self._abstracts.texts()
        kept = self.journal.texts() if self.journal and named - stored.keys() else {}
        texts = {}
        for record, digest in refs:
            text = stored.get(digest, kept.get(digest)) if digest else None
            if text is not None:
                texts[digest] = text
            elif digest:
                skipped.append(f"{record.get('key')}: its abstract is no longer stored")
        return texts


def _text_or_empty(value: object) -> str:
    """``value`` if it is text, else ``""`` (a field edited by hand into something else)."""
    return value if isinstance(value, str) else ""
