"""What an import does to a library: which entries are new, which merge into known papers.

:func:`plan_import` decides it all from the stored records without writing
anything; :meth:`readlist.store.library.Library.import_batches` saves the plan
under the lock (or, for a dry run, only reports it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from readlist.errors import DamagedRecordError
from readlist.keys import KeyMaker, assign_key
from readlist.merge import Matcher, changed_fields, merge_papers
from readlist.models import Paper, Status, normalize_tag
from readlist.store.records import alias_index


@dataclass(frozen=True, slots=True)
class ImportStep:
    """What an import did (or, in a dry run, would do) with one entry."""

    #: ``added``, ``updated`` or ``unchanged``.
    action: str
    key: str
    title: str
    #: The fields an update changes (``abstract``, ``links``, …); empty otherwise.
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{action, key, title, fields}``."""
        return {
            "action": self.action,
            "key": self.key,
            "title": self.title,
            "fields": [*self.fields],
        }


@dataclass
class ImportReport:
    """What an import did to the library (or would do, for a dry run)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    steps: list[ImportStep] = field(default_factory=list)

    def summary(self) -> str:
        """One line: ``added 3, updated 1, unchanged 80, 2 warnings``."""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, {len(self.warnings)} warnings"
        )


@dataclass
class ImportPlan:
    """The reports of an import, one per batch, and the papers it adds or changes."""

    reports: list[ImportReport]
    #: New and changed papers by key, as the import leaves them.
    pending: dict[str, Paper]


def plan_import(
    batches: Sequence[Iterable[Paper]],
    records: Mapping[str, Mapping[str, Any]],
    stored: Callable[[str], Paper],
    damage: Callable[[str], list[str]],
    extra_tags: Sequence[str],
    now: str,
    make_key: KeyMaker | None = None,
) -> ImportPlan:
    """Match every entry of ``batches`` against the library's ``records`` and merge it.

    ``stored(key)`` builds a known paper (abstract included); ``damage(key)`` says
    what is wrong with a record edited by hand, once it was built (such a paper is
    left as it is). New papers get a free key, the ``extra_tags`` and ``now`` as
    their time stamps; changed known papers get ``now`` as their update time.
    ``make_key`` makes new papers' keys (readlist's formula by default).
    """
    pending: dict[str, Paper] = {}

    def load(key: str) -> Paper:
        return pending.get(key) or stored(key)

    matcher = Matcher(load)
    for key, record in records.items():
        matcher.add_record(key, record)
    taken = set(records) | set(alias_index(records))  # an alias is never a new paper's key
    reports: list[ImportReport] = []
    for batch, papers in enumerate(batches):
        report = ImportReport()
        reports.append(report)
        for incoming in papers:
            found, ident = matcher.find(incoming, batch)
            if found is None:
                paper = new_paper(incoming, taken, extra_tags, now, make_key)
                taken.add(paper.key)
                pending[paper.key] = paper
                matcher.add(paper.key, paper, batch, incoming, ident)
                report.added.append(paper.key)
                report.steps.append(ImportStep("added", paper.key, paper.title))
                continue
            key = found
            current = load(key)
            problems = damage(key)
            if problems:  # a record edited by hand is left as it is
                matcher.met(key, batch, incoming)
                report.unchanged.append(key)
                report.warnings.append(str(DamagedRecordError(key, problems)))
                report.steps.append(ImportStep("unchanged", key, current.title))
                continue
            merged = merge_papers(current, incoming, extra_tags)
            if merged == current:
                matcher.met(key, batch, incoming)
                report.unchanged.append(key)
                report.steps.append(ImportStep("unchanged", key, current.title))
                continue
            pending[key] = merged
            matcher.add(key, merged, batch, incoming)
            known = key in records
            if known:
                merged.updated = now
            if known or key not in report.added:  # not a repeat within this source
                report.updated.append(key)
            fields = changed_fields(stored(key) if known else current, merged)
            report.steps.append(ImportStep("updated", key, merged.title, tuple(fields)))
    for report in reports:
        report.updated = list(dict.fromkeys(report.updated))
    return ImportPlan(reports, pending)


def new_paper(
    incoming: Paper,
    taken: set[str],
    extra_tags: Sequence[str],
    now: str,
    make_key: KeyMaker | None = None,
) -> Paper:
    """A copy of ``incoming`` as a new library paper: a free key, unread, stamped ``now``."""
    paper = incoming.copy()
    paper.key = assign_key(paper, taken, make_key)
    paper.tags = sorted({normalize_tag(t) for t in paper.tags} | set(extra_tags))
    paper.status = Status.UNREAD
    paper.added = paper.updated = now
    paper.read_at = None
    return paper
