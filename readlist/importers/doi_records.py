"""DOI metadata read into papers: Crossref works, DataCite records, doi.org's agency answer.

Pure functions, no I/O: each takes the bytes a service answered and gives back a
paper (or the registration agency's name), or raises :class:`ImportFormatError`
with one line when the answer is not what that service sends.
"""

from __future__ import annotations

import json
import re
from typing import Any

from readlist.importers.detect import ImportFormatError
from readlist.links import extract_links
from readlist.models import Link, LinkKind, Paper, Source
from readlist.text import one_line, strip_controls

_TAG = re.compile(r"<[^>]*>")
_ARXIV_SUBJECT = re.compile(r"\(([a-z\-]+(?:\.[A-Za-z\-]+)?)\)\s*$")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

#: Crossref work types → BibTeX entry types.
_CROSSREF_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dissertation": "phdthesis",
    "report": "techreport",
    "posted-content": "misc",
    "dataset": "misc",
}


def _json(data: bytes, service: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportFormatError(f"{service} sent a malformed answer (not JSON: {error})") from None


def _markup_free(text: str) -> str:
    """``text`` without JATS/HTML tags (``<jats:p>``, ``<i>``): the words only."""
    paragraphs = re.split(r"</jats:p>|</p>|\n\s*\n", text)
    words = (one_line(_TAG.sub(" ", strip_controls(p))) for p in paragraphs)
    return "\n\n".join(p for p in words if p)


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return one_line(value) if isinstance(value, str) else ""


def _date(parts: Any) -> str | None:
    """An ISO date from Crossref's ``{"date-parts": [[2014, 2, 11]]}``."""
    try:
        numbers = [int(n) for n in parts["date-parts"][0] if n is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:3])])


def _person(given_value: Any, family_value: Any, name: Any) -> str:
    given = one_line(given_value) if isinstance(given_value, str) else ""
    family = one_line(family_value) if isinstance(family_value, str) else ""
    if family:
        return f"{given} {family}".strip()
    if isinstance(name, str) and name.strip():
        from readlist.bib.bibtex_names import display_name  # "Family, Given" → "Given Family"

        return one_line(str(display_name(name)))
    return given


def _doi_links(doi: str, abstract: str) -> list[Link]:
    links = [Link(f"https://doi.org/{doi}", LinkKind.OTHER)]
    return links + [link for link in extract_links(abstract) if link.url != links[0].url]


def parse_crossref_work(data: bytes) -> Paper:
    """The paper in a Crossref ``/works/{doi}`` answer."""
    answer = _json(data, "Crossref")
    work = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(work, dict) or not isinstance(work.get("DOI"), str):
        raise ImportFormatError("Crossref sent a malformed answer (no work in it)")
    published = None
    for name in ("issued", "published", "published-print", "published-online", "created"):
        published = _date(work.get(name))
        if published:
            break
    entry_type = _CROSSREF_TYPES.get(str(work.get("type")), "misc")
    return _work_paper(work, "name", published, entry_type, "crossref")


def _work_paper(
    work: dict[str, Any], name_key: str, published: str | None, entry_type: str, source_format: str
) -> Paper:
    """The paper of a Crossref work or of a CSL-JSON item, which has the same shape.

    ``name_key`` holds a whole name where an author has no family name (Crossref's
    ``name``, CSL's ``literal``); ``source_format`` says which answer it was.
    """
    doi = one_line(work["DOI"]).replace(" ", "")
    authors = [
        _person(a.get("given"), a.get("family"), a.get(name_key))
        for a in work.get("author") or []
        if isinstance(a, dict)
    ]
    abstract = _markup_free(work["abstract"]) if isinstance(work.get("abstract"), str) else ""
    fields = {"doi": doi}
    container = _first(work.get("container-title"))
    if container:
        fields["booktitle" if entry_type in ("inproceedings", "incollection") else "journal"] = (
            container
        )
    for name, field in (("volume", "volume"), ("issue", "number"), ("page", "pages")):
        raw = work.get(name)
        value = _first(str(raw) if isinstance(raw, int) else raw)  # CSL may give numbers
        if value:
            fields[field] = value.replace("-", "--") if field == "pages" else value
    publisher = _first(work.get("publisher"))
    if publisher:
        fields["publisher"] = publisher
    links = _doi_links(doi, abstract)
    return Paper(
        title=_markup_free(_first(work.get("title"))),
        authors=[a for a in authors if a],
        published=published,
        abstract=abstract,
        has_code=any(link.kind is LinkKind.CODE for link in links),
        links=links,
        source=Source(
            file=f"doi:{doi}", format=source_format, entry_type=entry_type, fields=fields
        ),
    )


def _datacite_date(attributes: dict[str, Any]) -> str | None:
    """The most precise of the record's issued, submitted and available dates, else its year."""
    best: str | None = None
    for kind in ("Issued", "Submitted", "Available", "Created"):
        for entry in attributes.get("dates") or []:
            if not isinstance(entry, dict) or entry.get("dateType") != kind:
                continue
            match = _DATE.match(str(entry.get("date", "")))
            if match:
                date = "-".join(part for part in match.groups() if part)
                if best is None or len(date) > len(best):
                    best = date
        if best and len(best) == 10:
            return best
    year = attributes.get("publicationYear")
    return best or (f"{int(year):04d}" if isinstance(year, int) and year > 999 else None)


def parse_datacite_doi(data: bytes) -> Paper:
    """The paper in a DataCite ``/dois/{doi}`` answer (arXiv's own DOIs among them)."""
    answer = _json(data, "DataCite")
    record = answer.get("data") if isinstance(answer, dict) else None
    attributes = record.get("attributes") if isinstance(record, dict) else None
    if not isinstance(attributes, dict) or not isinstance(attributes.get("doi"), str):
        raise ImportFormatError("DataCite sent a malformed answer (no DOI record in it)")
    doi = one_line(attributes["doi"]).replace(" ", "")
    authors = [
        _person(c.get("givenName"), c.get("familyName"), c.get("name"))
        for c in attributes.get("creators") or []
        if isinstance(c, dict)
    ]
    titles = [t.get("title") for t in attributes.get("titles") or [] if isinstance(t, dict)]
    abstracts = [
        d.get("description")
        for d in attributes.get("descriptions") or []
        if isinstance(d, dict) and d.get("descriptionType") == "Abstract"
    ]
    abstract = _markup_free(_first(abstracts)) if _first(abstracts) else ""
    fields = {"doi": doi}
    publisher = attributes.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    if isinstance(publisher, str) and publisher.strip():
        fields["publisher"] = one_line(publisher)
    category = None
    links = _doi_links(doi, abstract)
    arxiv = _ARXIV_DOI.match(doi)
    if arxiv:
        arxiv_id = arxiv[1].lower()
        for subject in attributes.get("subjects") or []:
            if isinstance(subject, dict) and subject.get("subjectScheme") == "arXiv":
                found = _ARXIV_SUBJECT.search(str(subject.get("subject", "")))
                if found:
                    category = found[1]
                    break
        fields.update({"eprint": arxiv_id, "archiveprefix": "arXiv"})
        if category:
            fields["primaryclass"] = category
        links[:0] = [
            Link(f"https://arxiv.org/abs/{arxiv_id}", LinkKind.OTHER),
            Link(f"https://arxiv.org/pdf/{arxiv_id}", LinkKind.OTHER),
        ]
    types = attributes.get("types")
    entry_type = types.get("bibtex") if isinstance(types, dict) else None
    return Paper(
        title=_markup_free(_first(titles)),
        authors=[a for a in authors if a],
        category=category,
        published=_datacite_date(attributes),
        abstract=abstract,
        has_code=any(link.kind is LinkKind.CODE for link in links),
        links=links,
        source=Source(
            file=f"doi:{doi}",
            format="datacite",
            entry_type=entry_type if isinstance(entry_type, str) and entry_type else "misc",
            fields=fields,
        ),
    )


def parse_registration_agency(data: bytes) -> str | None:
    """The agency doi.org names in its ``/ra/{doi}`` answer (``Crossref``), else ``None``.

    ``None`` means doi.org knows no such DOI (its answer's ``status`` says why).
    """
    answer = _json(data, "doi.org")
    if not isinstance(answer, list) or not answer or not isinstance(answer[0], dict):
        raise ImportFormatError("doi.org sent a malformed answer (no agency in it)")
    agency = answer[0].get("RA")
    return one_line(agency) if isinstance(agency, str) and agency.strip() else None


def registration_status(data: bytes) -> str:
    """doi.org's reason for naming no agency (``DOI does not exist``), from the same answer."""
    answer = _json(data, "doi.org")
    first = answer[0] if isinstance(answer, list) and answer else {}
    status = first.get("status") if isinstance(first, dict) else None
    return one_line(status) if isinstance(status, str) and status.strip() else "no agency"


#: CSL types → BibTeX entry types.
_CSL_TYPES = {
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
}


def parse_csl_json(data: bytes) -> Paper:
    """The paper in a CSL-JSON item, as doi.org's content negotiation answers for any agency."""
    item = _json(data, "doi.org")
    if isinstance(item, list) and len(item) == 1:
        item = item[0]
    if not isinstance(item, dict) or not isinstance(item.get("DOI"), str):
        raise ImportFormatError("doi.org sent a malformed answer (no CSL-JSON item with a DOI)")
    published = _date(item.get("issued")) or _date(item.get("published-print"))
    kind = str(item.get("type"))
    entry_type = _CSL_TYPES.get(kind) or _CROSSREF_TYPES.get(kind, "misc")
    return _work_paper(item, "literal", published, entry_type, "csl-json")
