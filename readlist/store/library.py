"""The library: papers kept in TinyDB, the only module that talks to tinydb.

Every change runs under the storage's inter-process lock: the file is re-read
if another process changed it, the change is applied, and the whole library is
saved atomically. Reads are served from an in-memory index that is rebuilt only
when the file changed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from readlist.errors import KeyLookupError, LibraryError
from readlist.keys import assign_key
from readlist.models import Paper, Status, normalize_tag, normalize_title, now_iso
from readlist.query import Query, parse_query, search_text
from readlist.store.storage import SafeJSONStorage

PAPERS_TABLE = "papers"

#: Facts an import may refresh; everything else is the user's.
IMPORTED_FACTS = (
    "title",
    "authors",
    "authors_truncated",
    "affiliations",
    "category",
    "published",
    "abstract",
    "has_code",
    "links",
    "source",
)


@dataclass
class ImportReport:
    """What an import did to the library."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: ``added 3, updated 1, unchanged 80, 2 warnings``."""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, {len(self.warnings)} warnings"
        )


def identity(paper: Paper) -> tuple[str, str]:
    """What makes two imports the same paper: normalised title and first author."""
    first = normalize_title(paper.authors[0]) if paper.authors else ""
    return (normalize_title(paper.title), first)


class Library:
    """A reading list stored in one JSON file; safe to share between processes."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        before_first_write: Callable[[Path], None] | None = None,
    ) -> None:
        """Open (without creating) the library at ``path``; it is read on first use."""
        self.path = Path(path)
        self._db = TinyDB(str(self.path), storage=SafeJSONStorage,
                          before_first_write=before_first_write)  # fmt: skip
        self._storage: SafeJSONStorage = self._db.storage  # type: ignore[assignment]
        self._table = self._db.table(PAPERS_TABLE, cache_size=0)
        self._generation = -1
        #: Papers built so far from ``_docs`` (a command on one paper builds one).
        self._papers: dict[str, Paper] = {}
        self._docs: dict[str, dict[str, Any]] = {}
        self._doc_ids: dict[str, int] = {}
        self._haystacks: dict[str, str] = {}

    # -- reading ---------------------------------------------------------------

    def _raw_papers(self) -> dict[str, dict[str, Any]]:
        tables = self._storage.read() or {}
        papers = tables.get(PAPERS_TABLE, {})
        if not isinstance(papers, dict):
            raise LibraryError(f"{self.path} has a damaged papers table; it was left untouched")
        return papers

    def refresh(self) -> bool:
        """Reload from disk if the file changed; return whether anything changed."""
        raw = self._raw_papers()
        if self._storage.generation == self._generation:
            return False
        docs: dict[str, dict[str, Any]] = {}
        doc_ids: dict[str, int] = {}
        for doc_id, doc in raw.items():
            if not isinstance(doc, dict):
                raise LibraryError(f"{self.path} has a damaged paper record {doc_id!r}")
            key = str(doc.get("key", ""))
            docs[key] = doc
            doc_ids[key] = int(doc_id)
        # Keep the search text of papers whose searchable fields did not change:
        # another process marking one paper must not cost a full re-index.
        kept: dict[str, str] = {}
        for key, haystack in self._haystacks.items():
            if key not in docs:
                continue
            old = self._papers.get(key)
            before = _search_fields(old.to_dict() if old else self._docs.get(key, {}))
            if before == _search_fields(docs[key]):
                kept[key] = haystack
        self._papers = {}
        self._docs = docs
        self._doc_ids = doc_ids
        self._haystacks = kept
        self._generation = self._storage.generation
        return True

    def _paper(self, key: str) -> Paper:
        """The paper with ``key`` (which exists), built from its record on first use."""
        paper = self._papers.get(key)
        if paper is None:
            paper = self._papers[key] = Paper.from_dict(self._docs[key])
        return paper

    def changed_on_disk(self) -> bool:
        """Whether another process saved the library since this one last looked."""
        return self._storage.changed_on_disk()

    def papers(self) -> list[Paper]:
        """Every paper, in the order they were added."""
        self.refresh()
        return [self._paper(key) for key in self._doc_ids]

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

    def resolve(self, key_or_prefix: str) -> Paper:
        """The paper whose key is, or uniquely starts with, ``key_or_prefix``."""
        self.refresh()
        if key_or_prefix in self._doc_ids:
            return self._paper(key_or_prefix)
        wanted = key_or_prefix.lower()
        candidates = sorted(k for k in self._doc_ids if k.lower().startswith(wanted))
        if not candidates:
            raise KeyLookupError(f"no paper with key '{key_or_prefix}'")
        if len(candidates) > 1:
            shown = ", ".join(candidates[:10]) + (" …" if len(candidates) > 10 else "")
            raise KeyLookupError(
                f"key '{key_or_prefix}' is ambiguous: {len(candidates)} papers match ({shown})"
            )
        return self._paper(candidates[0])

    def build_index(self) -> None:
        """Compute the search text of every paper now (the first search does it anyway)."""
        haystacks = self._haystacks
        for paper in self.papers():
            if paper.key not in haystacks:
                haystacks[paper.key] = search_text(paper)

    def search(self, query: str | Query) -> list[Paper]:
        """The papers matching ``query`` (the shared query language), in library order."""
        compiled = parse_query(query) if isinstance(query, str) else query
        papers = self.papers()
        if compiled.is_empty:
            return papers
        haystacks = self._haystacks
        result = []
        for paper in papers:
            haystack = haystacks.get(paper.key)
            if haystack is None:
                haystack = haystacks[paper.key] = search_text(paper)
            if compiled.matches(paper, haystack):
                result.append(paper)
        return result

    def tag_counts(self) -> Counter[str]:
        """How many papers carry each tag."""
        return Counter(tag for paper in self.papers() for tag in paper.tags)

    def status_counts(self) -> Counter[Status]:
        """How many papers have each status (every status present, maybe 0)."""
        counts: Counter[Status] = Counter({status: 0 for status in Status})
        counts.update(paper.status for paper in self.papers())
        return counts

    def category_counts(self) -> Counter[str]:
        """How many papers are in each category."""
        return Counter(paper.category for paper in self.papers() if paper.category)

    # -- writing ---------------------------------------------------------------

    def _save(
        self,
        *,
        replace: Sequence[Paper] = (),
        insert: Sequence[Paper] = (),
        remove: Iterable[str] = (),
    ) -> None:
        """Write changes (caller holds the lock and has refreshed) and update the index."""
        replace_by_key = {paper.key: paper.to_dict() for paper in replace}
        if replace_by_key:

            def overwrite(doc: MutableMapping[str, Any]) -> None:
                new = replace_by_key[doc["key"]]
                doc.clear()
                doc.update(new)

            self._table.update(overwrite, doc_ids=[self._doc_ids[k] for k in replace_by_key])
        removed = [key for key in remove if key in self._doc_ids]
        if removed:
            self._table.remove(doc_ids=[self._doc_ids[k] for k in removed])
        if insert:
            next_id = max((int(i) for i in self._raw_papers()), default=0) + 1
            documents = [
                Document(paper.to_dict(), doc_id=next_id + n) for n, paper in enumerate(insert)
            ]
            self._table.insert_multiple(documents)
            for document in documents:
                self._doc_ids[document["key"]] = document.doc_id
        for key in removed:
            self._papers.pop(key, None)
            self._docs.pop(key, None)
            del self._doc_ids[key]
            self._haystacks.pop(key, None)
        for paper in (*replace, *insert):
            self._papers[paper.key] = paper
            self._haystacks.pop(paper.key, None)
        self._generation = self._storage.generation

    def _change(self, keys: Iterable[str], change: Callable[[Paper], bool]) -> list[Paper]:
        """Apply ``change`` to copies of the named papers and save those it changed."""
        with self._storage.locked():
            self.refresh()
            changed = []
            for key in dict.fromkeys(keys):
                paper = self.get(key).copy()
                if change(paper):
                    paper.updated = now_iso()
                    changed.append(paper)
            if changed:
                self._save(replace=changed)
        return changed

    def set_status(self, keys: Iterable[str], status: Status) -> list[Paper]:
        """Set the read status; entering ``read`` stamps ``read_at``."""

        def change(paper: Paper) -> bool:
            if paper.status is status:
                return False
            paper.status = status
            if status is Status.READ:
                paper.read_at = now_iso()
            return True

        return self._change(keys, change)

    def add_tags(self, keys: Iterable[str], tags: Iterable[str]) -> list[Paper]:
        """Add tags (normalised: lowercase, hyphens for spaces) to the papers."""
        new = {normalize_tag(t) for t in tags} - {""}

        def change(paper: Paper) -> bool:
            merged = sorted(set(paper.tags) | new)
            if merged == paper.tags:
                return False
            paper.tags = merged
            return True

        return self._change(keys, change)

    def remove_tags(self, keys: Iterable[str], tags: Iterable[str]) -> list[Paper]:
        """Remove tags from the papers; absent tags are ignored."""
        gone = {normalize_tag(t) for t in tags}

        def change(paper: Paper) -> bool:
            kept = [t for t in paper.tags if t not in gone]
            if kept == paper.tags:
                return False
            paper.tags = kept
            return True

        return self._change(keys, change)

    def set_note(self, key: str, text: str, *, append: bool = False) -> Paper:
        """Replace (or append to) a paper's Markdown note."""

        def change(paper: Paper) -> bool:
            new = f"{paper.notes.rstrip()}\n\n{text}" if append and paper.notes else text
            if new == paper.notes:
                return False
            paper.notes = new
            return True

        changed = self._change([key], change)
        return changed[0] if changed else self.get(key)

    def remove(self, keys: Iterable[str]) -> list[Paper]:
        """Delete papers; returns what was removed."""
        with self._storage.locked():
            self.refresh()
            removed = [self.get(key) for key in dict.fromkeys(keys)]
            if removed:
                self._save(remove=[paper.key for paper in removed])
        return removed

    def import_papers(self, papers: Iterable[Paper], *, tags: Iterable[str] = ()) -> ImportReport:
        """Add new papers and refresh the facts of known ones, keeping the user's data.

        A paper is known when its normalised title and first author match one in
        the library (title alone when the incoming paper has no authors). Known
        papers keep their key, tags, status, notes and timestamps.
        """
        extra_tags = sorted({normalize_tag(t) for t in tags} - {""})
        report = ImportReport()
        with self._storage.locked():
            self.refresh()
            by_identity: dict[tuple[str, str], str] = {}
            by_title: dict[str, str] = {}
            for paper in map(self._paper, self._doc_ids):
                ident = identity(paper)
                by_identity.setdefault(ident, paper.key)
                by_title.setdefault(ident[0], paper.key)
            taken = set(self._doc_ids)
            inserts: list[Paper] = []
            replaces: dict[str, Paper] = {}
            now = now_iso()
            for incoming in papers:
                ident = identity(incoming)
                existing_key = by_identity.get(ident)
                if existing_key is None and not incoming.authors:
                    existing_key = by_title.get(ident[0])
                if existing_key is not None:
                    current = replaces.get(existing_key)
                    if current is None and existing_key in self._doc_ids:
                        current = self._paper(existing_key)
                    if current is None:  # a duplicate inside this very import
                        report.unchanged.append(existing_key)
                        continue
                    merged = _merge(current, incoming, extra_tags)
                    if merged.to_dict() == current.to_dict():
                        report.unchanged.append(existing_key)
                    else:
                        merged.updated = now
                        replaces[existing_key] = merged
                        report.updated.append(existing_key)
                    continue
                paper = incoming.copy()
                paper.key = assign_key(paper, taken)
                taken.add(paper.key)
                paper.tags = sorted({normalize_tag(t) for t in paper.tags} | set(extra_tags))
                paper.status = Status.UNREAD
                paper.added = paper.updated = now
                paper.read_at = None
                inserts.append(paper)
                by_identity[identity(paper)] = paper.key
                by_title.setdefault(ident[0], paper.key)
                report.added.append(paper.key)
            if inserts or replaces:
                self._save(replace=list(replaces.values()), insert=inserts)
        report.updated = list(dict.fromkeys(report.updated))
        return report


def _search_fields(doc: dict[str, Any]) -> tuple[object, ...]:
    """What a paper's search text is made of, from its stored record."""
    return (doc.get("title"), doc.get("authors"), doc.get("abstract"), doc.get("notes"))


def _merge(current: Paper, incoming: Paper, extra_tags: Sequence[str]) -> Paper:
    """``current`` with the imported facts of ``incoming``; the user's data kept."""
    merged = current.copy()
    fresh = incoming.copy()
    for name in IMPORTED_FACTS:
        value = getattr(fresh, name)
        if name in ("authors", "authors_truncated", "affiliations") and not fresh.authors:
            continue  # a source without authors says nothing about them
        if name in ("published", "category") and value is None:
            continue
        setattr(merged, name, value)
    if extra_tags or fresh.tags:
        merged.tags = sorted(set(merged.tags) | set(extra_tags) | set(fresh.tags))
    return merged
