"""The arXiv API's Atom feed read into papers — a pure function, no I/O.

:func:`parse_arxiv_feed` takes the bytes the API answered and gives back one
paper per ``<entry>``: the full author list, the abstract, the primary category,
the date of the first version, abs and PDF links, and the BibTeX fields
``eprint``, ``archiveprefix``, ``primaryclass`` (and ``doi`` and a ``note`` with
the journal reference when arXiv has them), so that ``export bibtex`` writes them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from readlist.importers.detect import ImportFormatError
from readlist.links import extract_links
from readlist.models import Link, LinkKind, Paper, Source
from readlist.text import one_line, strip_controls

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ENTRY_ID = re.compile(
    r"https?://(?:export\.)?arxiv\.org/abs/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?P<version>v\d+)?$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(slots=True)
class ArxivFeed:
    """The papers of one feed, by versionless arXiv id, and the total the query matched."""

    papers: dict[str, Paper]
    total: int


def _text(element: ET.Element | None) -> str:
    return "" if element is None or element.text is None else element.text


def _abstract(summary: str) -> str:
    """The summary with arXiv's hard line wraps undone; blank lines stay paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", strip_controls(summary).strip())
    return "\n\n".join(one_line(p) for p in paragraphs if p.strip())


def _paper(entry: ET.Element) -> tuple[str, Paper] | None:
    match = _ENTRY_ID.match(_text(entry.find(f"{_ATOM}id")).strip())
    if match is None:
        return None  # the API's error entries have an id of another form
    arxiv_id = match["id"].lower()
    authors: list[str] = []
    affiliations: list[str] = []
    for author in entry.findall(f"{_ATOM}author"):
        name = one_line(_text(author.find(f"{_ATOM}name")))
        if name:
            authors.append(name)
        for affiliation in author.findall(f"{_ARXIV}affiliation"):
            place = one_line(_text(affiliation))
            if place and place not in affiliations:
                affiliations.append(place)
    primary = entry.find(f"{_ARXIV}primary_category")
    category = primary.get("term", "").strip() if primary is not None else ""
    if not category:
        first = entry.find(f"{_ATOM}category")
        category = first.get("term", "").strip() if first is not None else ""
    published = _DATE.match(_text(entry.find(f"{_ATOM}published")).strip())
    abstract = _abstract(_text(entry.find(f"{_ATOM}summary")))
    doi = one_line(_text(entry.find(f"{_ARXIV}doi"))).replace(" ", "")
    journal_ref = one_line(_text(entry.find(f"{_ARXIV}journal_ref")))
    links = [
        Link(f"https://arxiv.org/abs/{arxiv_id}", LinkKind.OTHER),
        Link(f"https://arxiv.org/pdf/{arxiv_id}", LinkKind.OTHER),
    ]
    if doi:
        links.append(Link(f"https://doi.org/{doi}", LinkKind.OTHER))
    links += [link for link in extract_links(abstract) if link.url not in {x.url for x in links}]
    fields = {"eprint": arxiv_id, "archiveprefix": "arXiv"}
    if category:
        fields["primaryclass"] = category
    if doi:
        fields["doi"] = doi
    if journal_ref:
        fields["note"] = journal_ref
    paper = Paper(
        title=one_line(_text(entry.find(f"{_ATOM}title"))),
        authors=authors,
        affiliations=affiliations,
        category=category or None,
        published=published[0] if published else None,
        abstract=abstract,
        has_code=any(link.kind is LinkKind.CODE for link in links),
        links=links,
        source=Source(file=f"arXiv:{arxiv_id}", format="arxiv", entry_type="misc", fields=fields),
    )
    return arxiv_id, paper


def parse_arxiv_feed(data: bytes) -> ArxivFeed:
    """The papers in an arXiv API answer; :class:`ImportFormatError` if it is not a feed."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ImportFormatError(f"arXiv sent a malformed answer (not XML: {error})") from None
    if root.tag != f"{_ATOM}feed":
        raise ImportFormatError("arXiv sent a malformed answer (not an Atom feed)")
    total_text = _text(root.find(f"{_OPENSEARCH}totalResults")).strip()
    papers: dict[str, Paper] = {}
    for entry in root.findall(f"{_ATOM}entry"):
        found = _paper(entry)
        if found is None:
            summary = one_line(_text(entry.find(f"{_ATOM}summary")))
            if _text(entry.find(f"{_ATOM}title")).strip().lower() == "error":
                raise ImportFormatError(f"arXiv refused the query: {summary or 'error'}")
            continue
        papers.setdefault(*found)
    total = int(total_text) if total_text.isdigit() else len(papers)
    return ArxivFeed(papers, total)
