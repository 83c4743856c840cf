"""Stand-ins for the papers an export lays out: key, aliases and source, read from a record.

An export's layout (:class:`readlist.exporters.Layout`: the keys, the aliases written,
the file's macros) reads three fields of every paper. Building 50,000 whole
:class:`~readlist.models.Paper` objects for them took most of an export after one
change (1.6 s of CPU), when only the changed paper's entry is rendered again. A
:class:`LayoutPaper` holds just those three fields, read exactly as
:meth:`Paper.from_dict <readlist.models.Paper.from_dict>` reads them; a record whose
fields need that method's repairs (edited by hand into other types) gets no stand-in
(:func:`layout_paper` returns ``None``) and the caller builds the real paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readlist.models import Source

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
