"""Looking up THINGs: arXiv ids in batches at arXiv's pace, DOIs at their agency, ACL ids.

:func:`look_up` asks each service, parses each answer with the pure parsers of
:mod:`readlist.importers`, and gives back one paper per THING it found. A THING
that no service knows is a :class:`~readlist.identifiers.ThingError` in the
result; anything else that goes wrong (offline, timeouts, 429, 5xx, malformed
answers) raises :class:`~readlist.net.client.NetworkError`, so that the caller
adds nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urlsplit

from readlist.identifiers import Thing, ThingError
from readlist.importers.detect import ImportFormatError
from readlist.models import Paper
from readlist.net.client import Answer, Fetcher, NetworkError

T = TypeVar("T")

#: arXiv ids asked for in one API call (the API pages at 100 or more; smaller is kinder).
ARXIV_BATCH = 50
CSL_JSON = "application/vnd.citationstyles.csl+json"


@dataclass(slots=True)
class Found:
    """What one THING gave: its paper, or the reason there is none."""

    thing: Thing
    paper: Paper | None = None
    error: ThingError | None = None


def mirror_hosts(fetcher: Fetcher) -> dict[str, str]:
    """The hosts of the configured base URLs, by kind, so that their URLs are THINGs too."""
    settings = fetcher.settings
    hosts: dict[str, str] = {}
    for url, kind in (
        (settings.arxiv_api, "arxiv"),
        (settings.hf_base, "hf"),
        (settings.doi_resolver, "doi"),
        (settings.acl_base, "acl"),
    ):
        host = (urlsplit(url).hostname or "").lower()
        if host:
            hosts[host] = kind
    return hosts


def parsed(fetcher: Fetcher, parse: Callable[[bytes], T], answer: Answer) -> T:
    """``parse`` of the answer's body; a malformed answer is a :class:`NetworkError`."""
    try:
        return parse(answer.body)
    except ImportFormatError as error:
        fetcher.forget(answer)  # never reuse an answer that could not be read
        raise NetworkError(str(error)) from None


def look_up_arxiv(
    things: Sequence[Thing], fetcher: Fetcher, progress: Callable[[str], None]
) -> list[Found]:
    """The papers of arXiv THINGs, asked for ``ARXIV_BATCH`` at a time."""
    from readlist.importers.arxiv_atom import parse_arxiv_feed

    results: list[Found] = []
    for start in range(0, len(things), ARXIV_BATCH):
        batch = things[start : start + ARXIV_BATCH]
        asked = list(dict.fromkeys(t.id + t.version for t in batch))
        progress(f"asking arXiv for {', '.join(asked)}")
        params = {"id_list": ",".join(asked), "start": "0", "max_results": str(len(asked))}
        answer = fetcher.arxiv(params, what=f"{len(asked)} paper(s)")
        feed = parsed(fetcher, parse_arxiv_feed, answer)
        for thing in batch:
            paper = feed.papers.get(thing.id)
            if paper is None:
                missing = ThingError(f"arXiv has no paper {thing.id}{thing.version}")
                results.append(Found(thing, error=missing))
            else:
                results.append(Found(thing, paper.copy()))
    return results


def look_up_doi(thing: Thing, fetcher: Fetcher, progress: Callable[[str], None]) -> Found:
    """The paper of a DOI, from the agency doi.org names (Crossref, DataCite, else CSL-JSON)."""
    from readlist.importers.doi_records import (
        parse_crossref_work,
        parse_csl_json,
        parse_datacite_doi,
        parse_registration_agency,
        registration_status,
    )

    settings = fetcher.settings
    doi = thing.id
    path = quote(doi, safe="/")
    progress(f"asking doi.org which agency registered {doi}")
    answer = fetcher.get(
        f"{settings.doi_resolver}/ra/{path}", service="doi.org", what=f"the agency of {doi}"
    )
    assert answer is not None
    agency = parsed(fetcher, parse_registration_agency, answer)
    if agency is None:
        reason = registration_status(answer.body)
        return Found(thing, error=ThingError(f"doi.org knows no DOI {doi} ({reason})"))
    params = {"mailto": settings.mailto} if settings.mailto else None
    if agency.lower() == "crossref":
        progress(f"asking Crossref for {doi}")
        url, service, parse = (
            f"{settings.crossref_api}/works/{path}",
            "Crossref",
            parse_crossref_work,
        )
        accept = "application/json"
    elif agency.lower() == "datacite":
        progress(f"asking DataCite for {doi}")
        url, service, parse = f"{settings.datacite_api}/dois/{path}", "DataCite", parse_datacite_doi
        accept, params = "application/vnd.api+json", None
    else:  # mEDRA, JaLC, …: doi.org passes CSL-JSON content negotiation to them
        progress(f"asking {agency} (through doi.org) for {doi}")
        url, service, parse = f"{settings.doi_resolver}/{path}", agency, parse_csl_json
        accept, params = CSL_JSON, None
    answer = fetcher.get(url, service=service, what=f"DOI {doi}", params=params, accept=accept,
                         missing_ok=True)  # fmt: skip
    if answer is None:
        return Found(thing, error=ThingError(f"{service} has no record of DOI {doi}"))
    return Found(thing, parsed(fetcher, parse, answer))


def look_up_acl(thing: Thing, fetcher: Fetcher, progress: Callable[[str], None]) -> Found:
    """The paper of an ACL Anthology id, read from its ``.bib`` by the BibTeX importer."""
    from readlist.importers import decode_bytes, parse_text

    url = f"{fetcher.settings.acl_base}/{thing.id}.bib"
    progress(f"asking the ACL Anthology for {thing.id}")
    answer = fetcher.get(url, service="ACL Anthology", what=f"paper {thing.id}", missing_ok=True)
    if answer is None:
        return Found(thing, error=ThingError(f"the ACL Anthology has no paper {thing.id}"))
    try:
        result = parse_text(decode_bytes(answer.body), format="bibtex", source_name=url)
    except ImportFormatError as error:
        fetcher.forget(answer)
        raise NetworkError(f"the ACL Anthology sent a malformed answer: {error}") from None
    if len(result.papers) != 1:
        fetcher.forget(answer)
        raise NetworkError(
            f"the ACL Anthology sent {len(result.papers)} entries for {thing.id}, not one"
        )
    return Found(thing, result.papers[0])


def look_up(
    things: Sequence[Thing], fetcher: Fetcher, progress: Callable[[str], None] = lambda _: None
) -> list[Found]:
    """What each THING gives, in the order given; raises :class:`NetworkError` on any failure."""
    arxiv = [thing for thing in things if thing.kind == "arxiv"]
    by_thing: dict[int, Found] = {}
    if arxiv:
        for index, found in zip(
            [i for i, t in enumerate(things) if t.kind == "arxiv"],
            look_up_arxiv(arxiv, fetcher, progress),
            strict=True,
        ):
            by_thing[index] = found
    for index, thing in enumerate(things):
        if thing.kind == "doi":
            by_thing[index] = look_up_doi(thing, fetcher, progress)
        elif thing.kind == "acl":
            by_thing[index] = look_up_acl(thing, fetcher, progress)
    return [by_thing[index] for index in range(len(things))]
