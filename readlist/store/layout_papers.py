"""Stand-ins for the papers an export lays out: key, aliases and source, read from a record.

An export's layout (:class:`readlist.exporters.Layout`: the keys, the aliases written,
the file's macros) reads three fields of every paper. Building 50,000 whole
:class:`~readlist.models.Paper` objects for them took most of an export after one
change (1.6 s of CPU), when only the changed paper's entry is rendered again. A
:class:`LayoutPaper` holds just those three fields, read exactly as
:meth:`Paper.from_dict <readlist.models.Paper.from_dict>` reads them; a record whose
fields need that method's repairs (edited by hand into other types) gets no stand-in
(:func:`layout_paper` returns ``None``) and the caller builds the real paper.

When the records file is exactly as readlist wrote it (:mod:`readlist.store.record_view`),
:class:`StoredRecords` finds each record's bytes by their lines, without parsing the
file (0.3 s at 50,000 papers): the render cache fingerprints those bytes, and the
stand-ins are read from the lines (key, aliases) but for the few records whose source
holds ``.bib`` fields.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from readlist.models import Source
from readlist.store.record_view import RecordView
from readlist.store.records import read_record

if TYPE_CHECKING:
    from readlist.exporters import Citable

#: The source of a paper not imported from a ``.bib`` entry, as a layout reads it
#: (a source without raw fields names no key, macro nor preamble).
_NO_BIB = Source(file="", format="")
_ABSENT = object()


@dataclass(frozen=True, slots=True)
class LayoutPaper:
    """What a layout reads of a paper (:class:`readlist.exporters.Citable`), and no more."""

    key: str
    aliases: list[str]
    source: Source | None


def layout_paper(record: dict[str, Any]) -> LayoutPaper | None:
    """The stand-in of the paper ``record`` reads as; ``None`` when the record needs repairs.

    The fields are taken as they stand when their types are right (a text key, a list
    of texts for aliases, no source or an object); a source with raw ``.bib`` fields
    is read by :meth:`Source.from_dict`, as the paper's is.
    """
    get = record.get
    key = get("key", "")
    if type(key) is not str:
        return None
    aliases = get("aliases", _ABSENT)
    if aliases is _ABSENT:
        aliases = []
    elif type(aliases) is not list:
        return None
    else:
        for alias in aliases:
            if type(alias) is not str:
                return None
    source = get("source")
    if source is not None:
        if type(source) is not dict:
            return None
        source = Source.from_dict(source) if source.get("raw") else _NO_BIB
    return LayoutPaper(key, aliases, source)


#: Each entry of the papers table: its doc id, up to its record's opening brace and line end.
_ENTRY = re.compile(rb'\n    "(\d+)": \{\n')
#: The closing line of each record (the only lines with exactly four spaces before ``}``).
_CLOSE = re.compile(rb"\n    \}")
#: A source's raw ``.bib`` fields: only a source object has members at this depth.
_RAW = re.compile(rb'\n        "raw": ')


@dataclass(frozen=True, slots=True)
class StoredRecords:
    """The records of a file readlist wrote, found by their lines: each one's bytes, unparsed."""

    view: RecordView
    #: Where each record lies in the view's bytes, by doc id: from ``{`` to after ``}``.
    spans: dict[int, tuple[int, int]]
    #: The doc ids of the records whose source holds raw ``.bib`` fields.
    with_raw: frozenset[int]

    def encoded(self, doc_id: int) -> memoryview:
        """The bytes of the record of ``doc_id``, as :func:`encode_record` writes it."""
        start, end = self.spans[doc_id]
        return memoryview(self.view.raw)[start:end]

    def layout_papers(self, doc_ids: Sequence[int]) -> list[Citable]:
        """The stand-ins of the records ``doc_ids`` (the paper itself for one that needs repairs).

        Read from the lines: the key is the view's, the aliases its lists'; only a
        record whose source holds raw fields, or whose aliases are not all texts, is
        parsed (and read as :func:`layout_paper` reads it).
        """
        aliases = self.view.alias_lists()
        keys = {doc_id: key for key, doc_id in self.view.ids.items()}
        papers: list[Citable] = []
        for doc_id in doc_ids:
            listed = aliases.get(doc_id)
            plain = doc_id not in self.with_raw and (
                listed is None or all(type(alias) is str for alias in listed)
            )
            if plain:
                papers.append(LayoutPaper(keys[doc_id], listed or [], None))
                continue
            record = orjson.loads(self.encoded(doc_id))
            paper: Citable | None = layout_paper(record)
            papers.append(read_record(record)[0] if paper is None else paper)
        return papers


def stored_records(view: RecordView) -> StoredRecords | None:
    """Each record's place in ``view`` (one pass over the bytes); ``None`` if they do not add up."""
    raw = view.raw
    start, end = len(b'{\n  "papers": {\n') - 1, view.table_end
    entries = [(int(match[1]), match.end() - 2) for match in _ENTRY.finditer(raw, start, end)]
    closes = [match.end() for match in _CLOSE.finditer(raw, start, end)]
    if len(entries) != len(closes):
        return None
    spans: dict[int, tuple[int, int]] = {}
    starts: list[int] = []
    for (doc_id, first), last in zip(entries, closes, strict=True):
        if last <= first or (starts and first < spans[starts[-1]][1]):
            return None
        spans[doc_id] = (first, last)
        starts.append(doc_id)
    if len(spans) != len(entries) or not set(view.ids.values()) <= spans.keys():
        return None
    places = [first for _, first in entries]
    with_raw = frozenset(
        starts[bisect.bisect_right(places, match.start()) - 1]
        for match in _RAW.finditer(raw, start, end)
    )
    return StoredRecords(view, spans, with_raw)
