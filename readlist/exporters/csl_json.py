"""CSL-JSON export: the citeproc input format read by Zotero, Pandoc and CSL processors."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import orjson

from readlist.bib.bibtex_values import braces_balanced
from readlist.bib.latex import latex_to_text
from readlist.exporters._common import (
    Citable,
    Layout,
    arxiv_class,
    citation_key,
    clean_line,
    clean_text,
    date_parts,
    paper_url,
    person,
    unique_keys,
)
from readlist.exporters.latex import url_value
from readlist.models import Paper

# BibTeX entry types (from an imported .bib) and their CSL 1.0.2 types.
_CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "proceedings": "book",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
    "unpublished": "manuscript",
}
# Imported BibTeX fields and the CSL variables they become.
_CSL_VARIABLES = {
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "volume": "volume",
    "number": "issue",
    "pages": "page",
    "edition": "edition",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "doi": "DOI",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
}
_LATEXISH = re.compile(r"[\\{}$~]")


def _decode(value: str) -> str:
    """An imported BibTeX value as plain text (LaTeX decoded when it has any)."""
    value = clean_line(value)
    if not _LATEXISH.search(value) or not braces_balanced(value):
        return value
    return clean_line(latex_to_text(value))


def csl_name(name: str) -> dict[str, str]:
    """One author as a CSL name: particles as ``non-dropping-particle``.

    ``Jan van den Berg`` → ``{"family": "Berg", "given": "Jan",
    "non-dropping-particle": "van den"}``; an unsplittable name is a ``literal``.
    """
    parts = person(name)
    if parts is None:
        return {"literal": clean_line(name)}
    out = {"family": parts.family_core}
    if parts.given:
        out["given"] = parts.given
    if parts.particle:
        out["non-dropping-particle"] = parts.particle
    if parts.suffix:
        out["suffix"] = parts.suffix
    return out


def csl_item(paper: Paper, key: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item for ``paper`` with id ``key`` (default :func:`citation_key`).

    Nothing readlist-internal (status, notes, dates added) is written.
    """
    source = paper.source
    csl_type = "article"  # CSL 1.0.2: "a preprint, working paper, or other prepublished material"
    if source is not None and source.entry_type:
        csl_type = _CSL_TYPES.get(source.entry_type.strip().lower(), "article")
    item: dict[str, Any] = {"id": key or citation_key(paper), "type": csl_type}
    title = clean_line(paper.title)
    if title:
        item["title"] = title
    authors = [csl_name(name) for name in paper.authors if name.strip()]
    if authors:
        item["author"] = authors
    date = date_parts(paper.published)
    if date:
        item["issued"] = {"date-parts": [list(date)]}
    if source is not None:
        for raw_name, raw in source.fields.items():
            variable = _CSL_VARIABLES.get(raw_name.strip().lower())
            if variable is None or variable in item:
                continue
            value = _decode(str(raw))
            if variable == "page":
                value = re.sub(r"\s*-+\s*", "-", value)
            if value:
                item[variable] = value
    arxiv = arxiv_class(paper.category)
    if arxiv and csl_type == "article":
        item.setdefault("publisher", "arXiv")
        item["archive"] = "arXiv"
        item["archive_location"] = arxiv
    url = paper_url(paper)
    if url and url.strip():
        item["URL"] = url_value(url)
    if paper.tags:
        item["keyword"] = ", ".join(paper.tags)
    abstract = clean_text(paper.abstract)
    if abstract:
        item["abstract"] = abstract
    return item


def to_csl_json(papers: Sequence[Paper], *, ascii: bool = False) -> str:
    r"""A CSL-JSON array for ``papers``, indented, ending with a newline.

    Ids are the citation keys, made unique as in the BibTeX export. Authors
    known to be truncated ("et al.") are exported as listed: CSL-JSON has
    no "and others". With ``ascii`` non-ASCII characters are ``\uXXXX`` escapes.
    """
    keys = unique_keys(papers)
    items = [csl_item(paper, key) for paper, key in zip(papers, keys, strict=True)]
    if ascii:
        return json.dumps(items, indent=2, ensure_ascii=True) + "\n"
    return orjson.dumps(items, option=orjson.OPT_INDENT_2).decode() + "\n"


def csl_json_layout(papers: Sequence[Citable], *, ascii: bool = False) -> Layout:
    """How :func:`to_csl_json` puts ``papers`` together: a unit is an item, its context its id."""
    keys = unique_keys(papers)

    def render(paper: Paper, n: int) -> str:
        item = csl_item(paper, keys[n])
        if ascii:
            text = json.dumps(item, indent=2, ensure_ascii=True)
        else:
            text = orjson.dumps(item, option=orjson.OPT_INDENT_2).decode()
        # One level in, as in the array; JSON text never holds a raw newline.
        return "  " + text.replace("\n", "\n  ")

    return Layout(
        head="[\n", separator=",\n", tail="\n]\n", empty="[]\n", contexts=keys, render=render
    )
