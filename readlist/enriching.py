"""Finding the arXiv ids of papers that have none (the listing imports), by a title search.

A hit is taken only when its normalised title is the paper's and its first
author's family name agrees; otherwise the paper is reported "not found" or
"ambiguous", never guessed. What arXiv adds (the id, abs and PDF links, the
primary category, the full author list, the exact date, the DOI and journal
reference) goes through the import merge rules, except that a value the user
edited since it was imported is never overwritten. Each paper found is saved at
once, so an interrupted run keeps what it did and a second run resumes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from readlist.bib.names import split_name
from readlist.merge import identity, title_key
from readlist.models import BIBTEX_DERIVED, Paper, bibtex_derived
from readlist.net import Fetcher
from readlist.store import Library

#: Hits asked for per title search: an exact title is nearly always among the first.
SEARCH_RESULTS = 10


@dataclass(frozen=True, slots=True)
class EnrichStep:
    """What enrich did with one paper: ``found``, ``not found`` or ``ambiguous``."""

    key: str
    title: str
    outcome: str
    arxiv_id: str = ""
    fields: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "key": self.key,
            "title": self.title,
            "outcome": self.outcome,
            "arxiv_id": self.arxiv_id,
            "fields": list(self.fields),
            "candidates": list(self.candidates),
        }

    def describe(self) -> str:
        """One line for people."""
        if self.outcome == "found":
            changed = ", ".join(self.fields) or "nothing new"
            return f"{self.key}: arXiv {self.arxiv_id} ({changed})"
        if self.outcome == "ambiguous":
            return f"{self.key}: ambiguous, arXiv has {', '.join(self.candidates)}"
        return f"{self.key}: not found on arXiv"


@dataclass
class EnrichReport:
    """Every step of a run, and whether it was interrupted."""

    steps: list[EnrichStep] = field(default_factory=list)
    interrupted: bool = False


def needs_ids(paper: Paper) -> bool:
    """Whether ``paper`` has neither an arXiv id nor a DOI."""
    known = identity(paper)
    return not known.arxiv and not known.doi


def search_query(paper: Paper) -> str:
    """The arXiv API query for papers with ``paper``'s title words in their title."""
    words = [word for word in title_key(paper.title).split() if word.isalnum()]
    return f'ti:"{" ".join(words)}"'


def _family(name: str) -> str:
    return title_key(split_name(name).family)


def pick(paper: Paper, hits: Sequence[tuple[str, Paper]]) -> tuple[str, list[str]]:
    """``found``/``not found``/``ambiguous``, with the arXiv ids of the acceptable hits.

    A hit is acceptable when its normalised title equals the paper's and, when
    both name authors, the first authors' family names agree.
    """
    wanted = title_key(paper.title)
    family = _family(paper.authors[0]) if paper.authors else ""
    ids = [
        arxiv_id
        for arxiv_id, hit in hits
        if wanted
        and title_key(hit.title) == wanted
        and (not family or not hit.authors or _family(hit.authors[0]) == family)
    ]
    ids = list(dict.fromkeys(ids))
    if not ids:
        return "not found", []
    return ("found" if len(ids) == 1 else "ambiguous"), ids


def edited_values(paper: Paper) -> set[str]:
    """The values (``title``, ``author``, ``date``, …) the user changed since import.

    Those set with ``readlist edit`` (:attr:`Paper.edited`), and for papers read from
    BibTeX those whose digest as imported no longer matches
    (:func:`readlist.models.bibtex_derived`).
    """
    marked = set(paper.edited)
    source = paper.source
    if source is None or not source.derived:
        return marked
    then = source.derived.split()
    now = bibtex_derived(paper).split()
    return marked | {name for name, a, b in zip(BIBTEX_DERIVED, then, now, strict=False) if a != b}


def enrichment(current: Paper, hit: Paper) -> Paper:
    """What arXiv teaches about ``current``, as an import entry the merge rules take.

    The title stays the library's (it matched); the abstract only fills an empty
    one; a value the user edited is left out, so the merge keeps it.
    """
    incoming = hit.copy()
    incoming.title = current.title
    if current.abstract.strip():
        incoming.abstract = ""
    edited = edited_values(current)
    if "author" in edited:
        incoming.authors, incoming.authors_truncated = [], False
    if "date" in edited:
        incoming.published = None
    if "primaryclass" in edited:
        incoming.category = None
        if incoming.source is not None:
            incoming.source.fields.pop("primaryclass", None)
    incoming.affiliations = [] if current.affiliations else incoming.affiliations
    return incoming


class _SaveGuard:
    """Holds Ctrl+C back while a paper is saved and recorded, then lets it through."""

    def __init__(self) -> None:
        self.saving = False
        self.pending = False

    def handle(self, signum: int, frame: object) -> None:
        if self.saving:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def saving_block(self) -> Iterator[None]:
        self.saving = True
        try:
            yield
        finally:
            self.saving = False
        if self.pending:
            raise KeyboardInterrupt


@contextmanager
def _guarded() -> Iterator[_SaveGuard]:
    guard = _SaveGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard  # only the main thread receives signals
        return
    previous = signal.signal(signal.SIGINT, guard.handle)
    try:
        yield guard
    finally:
        signal.signal(signal.SIGINT, previous)


def enrich(
    library: Library,
    papers: Sequence[Paper],
    fetcher: Fetcher,
    *,
    on_step: Callable[[int, int, EnrichStep | None], None] = lambda done, total, step: None,
) -> EnrichReport:
    """Look each paper without identifiers up on arXiv and merge what an exact match gives.

    ``on_step(done, total, step)`` is called before each search (``step`` None) and after
    it. Ctrl+C stops between papers: the report says so, and what was found is saved.
    """
    todo = [paper for paper in papers if needs_ids(paper)]
    report = EnrichReport()
    try:
        with _guarded() as guard:
            _search_each(library, todo, fetcher, report, guard, on_step)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def _search_each(
    library: Library,
    todo: Sequence[Paper],
    fetcher: Fetcher,
    report: EnrichReport,
    guard: _SaveGuard,
    on_step: Callable[[int, int, EnrichStep | None], None],
) -> None:
    """Search, merge and save paper after paper; a save and its record are never split."""
    from readlist.importers.arxiv_atom import parse_arxiv_feed
    from readlist.net.lookup import parsed

    for done, paper in enumerate(todo):
        on_step(done, len(todo), None)
        params = {"search_query": search_query(paper), "start": "0",
                  "max_results": str(SEARCH_RESULTS)}  # fmt: skip
        answer = fetcher.arxiv(params, what=f"papers titled like {paper.key}")
        feed = parsed(fetcher, parse_arxiv_feed, answer)
        outcome, ids = pick(paper, list(feed.papers.items()))
        with guard.saving_block():
            if outcome != "found":
                step = EnrichStep(paper.key, paper.title, outcome, candidates=tuple(ids))
            else:
                incoming = enrichment(library.get(paper.key), feed.papers[ids[0]])
                (result,) = library.import_batches([[incoming]])
                saved = result.steps[0]
                step = EnrichStep(saved.key, paper.title, "found", ids[0], saved.fields)
            report.steps.append(step)
            on_step(done + 1, len(todo), step)
