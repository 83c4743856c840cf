"""The pure parsers of the services' answers, on the recorded responses."""

from __future__ import annotations

import pytest

from readlist.importers.arxiv_atom import parse_arxiv_feed
from readlist.importers.detect import ImportFormatError
from readlist.importers.doi_records import (
    parse_crossref_work,
    parse_csl_json,
    parse_datacite_doi,
    parse_registration_agency,
    registration_status,
)
from readlist.merge import identity
from tests.fake_services import ARXIV_FEEDS, arxiv_fixture, fixture


def test_an_arxiv_entry() -> None:
    feed = parse_arxiv_feed(arxiv_fixture(ARXIV_FEEDS["astro-ph/0601001"]))
    assert feed.total == 1
    paper = feed.papers["astro-ph/0601001"]
    assert paper.title.startswith("Frequency of Hot Jupiters and Very Hot Jupiters")
    assert paper.authors[:2] == ["Andrew Gould", "Susan Dorsher"]
    assert paper.category == "astro-ph" and paper.published == "2006-01-02"
    assert paper.source is not None and paper.source.format == "arxiv"
    assert paper.source.fields == {
        "eprint": "astro-ph/0601001",
        "archiveprefix": "arXiv",
        "primaryclass": "astro-ph",
        "note": "ActaAstron.56:1-50,2006",
    }
    assert "\n" not in paper.title and "  " not in paper.abstract
    assert identity(paper).arxiv == {"astro-ph/0601001"}


def test_an_empty_feed_has_no_paper() -> None:
    feed = parse_arxiv_feed(arxiv_fixture(ARXIV_FEEDS["0000.0000"]))
    assert feed.papers == {} and feed.total == 0


@pytest.mark.parametrize(
    "data", [b"", b"<html><body>Service unavailable</body></html>", b"<feed><entry>"]
)
def test_what_is_not_a_feed(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="arXiv sent a malformed answer"):
        parse_arxiv_feed(data)


def test_a_crossref_work() -> None:
    paper = parse_crossref_work(fixture("crossref_works_10.7554_elife.01567.json"))
    assert paper.authors == [
        "Martial Sankar",
        "Kaisa Nieminen",
        "Laura Ragni",
        "Ioannis Xenarios",
        "Christian S Hardtke",
    ]
    assert "<jats" not in paper.abstract and paper.abstract.startswith("Among various advantages")
    assert paper.source is not None and paper.source.entry_type == "article"
    assert paper.source.fields["doi"] == "10.7554/elife.01567"
    assert identity(paper).doi == {"10.7554/elife.01567"}


def test_a_datacite_record_of_an_arxiv_doi() -> None:
    paper = parse_datacite_doi(fixture("datacite_dois_10.48550_arxiv.1902.02534.json"))
    assert paper.authors == ["Ivan Heibi", "Silvio Peroni", "David Shotton"]
    assert paper.published == "2019-02-07" and paper.category == "cs.DL"
    assert identity(paper).arxiv == {"1902.02534"}
    assert paper.links[0].url == "https://arxiv.org/abs/1902.02534"


def test_csl_json_from_content_negotiation() -> None:
    paper = parse_csl_json(fixture("csl_json_10.1126_science.169.3946.635.json"))
    assert paper.title == "The Structure of Ordinary Water"
    assert paper.authors == ["Henry S. Frank"] and paper.published == "1970-08-14"
    assert paper.source is not None and paper.source.fields["pages"] == "635--641"


def test_registration_agencies() -> None:
    assert parse_registration_agency(fixture("doi_ra_10.7554.json")) == "Crossref"
    assert parse_registration_agency(fixture("doi_ra_10.48550.json")) == "DataCite"
    unknown = fixture("doi_ra_10.99999.json")
    assert parse_registration_agency(unknown) is None
    assert registration_status(unknown) == "DOI does not exist"
    with pytest.raises(ImportFormatError, match=r"doi\.org sent a malformed answer"):
        parse_registration_agency(b"{}")
