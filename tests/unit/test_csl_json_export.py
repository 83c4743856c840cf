"""CSL-JSON export: valid against the CSL-JSON schema and readable by citeproc-py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from readlist.exporters import export, to_csl_json
from readlist.exporters.csl_json import csl_item, csl_name
from readlist.importers import parse_text
from readlist.models import Paper, Source, Status
from tests.sample_papers import rlhf_links, rlhf_paper

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "export_csl-data.json").read_text(encoding="utf-8"))


def library() -> list[Paper]:
    """The bundled samples imported for real, plus the hand-built hard cases."""
    papers: list[Paper] = []
    for name in ("sample_listing.txt", "sample_search_results.txt"):
        text = (ROOT / "readlist" / "data" / name).read_text(encoding="utf-8")
        papers += parse_text(text, source_name=name, today=date(2026, 1, 15)).papers
    for number, paper in enumerate(papers, start=1):
        paper.key = f"p{number:03d}"
        paper.tags = ["sample"]
        paper.notes = "private note"
        paper.status = Status.READ
    cases = json.loads((DATA / "export_hard_cases.json").read_text(encoding="utf-8"))
    return papers + [Paper.from_dict(case) for case in cases]


def exported(papers: list[Paper], **options: Any) -> list[dict[str, Any]]:
    text = to_csl_json(papers, **options)
    assert text.endswith("\n")
    items = json.loads(text)
    assert isinstance(items, list)
    return items


def test_library_export_validates_against_the_schema() -> None:
    items = exported(library())
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.validate(items, SCHEMA)
    assert len(items) == 91


def test_schema_really_checks() -> None:
    """The vendored schema rejects what it should (guards against a no-op schema)."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "preprint"}], SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "status_readlist": "read"}], SCHEMA)


def test_listing_item() -> None:
    paper = rlhf_paper(
        key="sun2023aligning",
        authors=["Zhiqing Sun", "Jan van den Berg", "Martin Luther King Jr."],
        affiliations=[],
        has_code=False,
        abstract="Line one.\nLine two.",
        links=rlhf_links(),
        tags=["rlhf", "multimodal"],
        status=Status.READING,
        notes="private",
        added="2024-01-01T00:00:00+00:00",
    )
    assert csl_item(paper) == {
        "id": "sun2023aligning",
        "type": "article",
        "title": "Aligning Large Multimodal Models with Factually Augmented RLHF",
        "author": [
            {"family": "Sun", "given": "Zhiqing"},
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van den"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        ],
        "issued": {"date-parts": [[2023, 9, 25]]},
        "publisher": "arXiv",
        "archive": "arXiv",
        "archive_location": "cs.CV",
        "URL": "https://github.com/llava-rlhf/LLaVA-RLHF",
        "keyword": "rlhf, multimodal",
        "abstract": "Line one.\nLine two.",
    }


def test_partial_and_missing_dates_and_authors() -> None:
    item = csl_item(Paper(key="k", title="T", published="2021-02"))
    assert item["issued"] == {"date-parts": [[2021, 2]]}
    item = csl_item(Paper(key="k", title="T"))
    assert "issued" not in item and "author" not in item and "URL" not in item


def test_names() -> None:
    assert csl_name("Juan de la Cruz") == {
        "family": "Cruz",
        "given": "Juan",
        "non-dropping-particle": "de la",
    }
    assert csl_name("Colorado J. Reed") == {"family": "Reed", "given": "Colorado J."}
    assert csl_name("Plato") == {"family": "Plato"}
    assert csl_name("Google, Inc., Research, Team") == {"literal": "Google, Inc., Research, Team"}


def test_imported_bibtex_item() -> None:
    source = Source(
        file="refs.bib",
        format="bibtex",
        entry_type="inproceedings",
        key="smith21",
        fields={
            "booktitle": "Proceedings of {ICML}",
            "pages": "1--10",
            "doi": "10.1000/a_b",
            "publisher": "Foo \\& Bar",
        },
    )
    paper = Paper(key="smith21", title="A Paper", authors=["Ann Smith"], source=source)
    item = csl_item(paper)
    assert item["type"] == "paper-conference"
    assert item["container-title"] == "Proceedings of ICML"
    assert item["page"] == "1-10"
    assert item["DOI"] == "10.1000/a_b"
    assert item["publisher"] == "Foo & Bar"
    jsonschema.validate([item], SCHEMA)


def test_unique_ids_and_ascii_option() -> None:
    papers = [Paper(key="k", title="Zoë"), Paper(key="k", title="Łukasz")]
    items = exported(papers)
    assert [item["id"] for item in items] == ["k", "ka"]
    text = to_csl_json(papers, ascii=True)
    assert text.isascii()
    assert json.loads(text) == items
    assert export(papers, "csl-json") == to_csl_json(papers)


def test_no_readlist_internal_data() -> None:
    text = to_csl_json(library())
    for internal in ("private note", '"read"', "added", "status"):
        assert internal not in text


def test_citeproc_formats_a_bibliography() -> None:
    papers = library()
    source = CiteProcJSON(exported(papers))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for paper in papers:
        bibliography.register(Citation([CitationItem(paper.key)]))
    rendered = [str(item) for item in bibliography.bibliography()]
    assert len(rendered) == len(papers)
    text = "\n".join(rendered)
    assert "Sun, Z." in text  # first listing paper's first author
    assert "Aligning Large Multimodal Models with Factually Augmented RLHF" in text
    assert "SqueezeLLM: Dense-and-Sparse Quantization" in text
    assert "Inference-Friendly Models With MixAttention" in text  # authorless search result
    assert "Müller, Z." in text
    assert "van Beethoven, L." in text
    assert "Journal of ML Research, 3(2), pp. 1–10" in text
    assert "(2023)" in text
