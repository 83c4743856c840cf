"""The search-result format: banner lines, the Subscribe label, title/abstract pairs."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from readlist.importers import ImportFormatError, parse_text
from readlist.importers.search_results import parse_search_results
from readlist.models import Paper

DATA = Path(__file__).parent / "data"
ABSTRACT = "We propose a thing that does things well. " * 8
BANNER = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
)

EXPECTED: list[dict[str, Any]] = json.loads(
    (DATA / "expected_sample_search.json").read_text("utf-8")
)


def sample_text() -> str:
    return resources.files("readlist.data").joinpath("sample_search_results.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def sample_papers() -> list[Paper]:
    result = parse_text(sample_text(), source_name="sample_search_results.txt")
    assert result.format == "search"
    assert result.warnings == []
    return result.papers


def test_sample_has_35_papers(sample_papers: list[Paper]) -> None:
    assert len(sample_papers) == len(EXPECTED) == 35


@pytest.mark.parametrize("index", range(len(EXPECTED)), ids=[e["title"][:40] for e in EXPECTED])
def test_sample_paper_matches_expected(sample_papers: list[Paper], index: int) -> None:
    paper, expected = sample_papers[index], EXPECTED[index]
    assert paper.title == expected["title"]
    assert paper.authors == expected["authors"] == []
    assert paper.authors_truncated is expected["authors_truncated"] is False
    assert paper.affiliations == expected["affiliations"] == []
    assert paper.category is expected["category"] is None
    assert paper.published is expected["published"] is None
    assert paper.has_code == expected["has_code"]
    assert [link.to_dict() for link in paper.links] == expected["links"]
    assert paper.abstract.startswith(expected["abstract_start"])
    assert paper.abstract.endswith(expected["abstract_end"])
    assert paper.source is not None
    assert (paper.source.file, paper.source.format) == ("sample_search_results.txt", "search")


def test_first_title_loses_the_subscribe_label(sample_papers: list[Paper]) -> None:
    assert sample_papers[0].title == "Inference-Friendly Models With MixAttention"


def test_sample_with_crlf_bom_and_blank_lines(sample_papers: list[Paper]) -> None:
    messy = "\ufeff" + "\r\n\r\n".join(line + "   " for line in sample_text().split("\n"))
    result = parse_text(messy, source_name="sample_search_results.txt")
    assert result.warnings == []
    assert [p.to_dict() for p in result.papers] == [p.to_dict() for p in sample_papers]


@pytest.mark.parametrize(
    ("first", "title"),
    [
        ("SubscribeDeep Nets", "Deep Nets"),
        ("Subscribe Deep Nets", "Subscribe Deep Nets"),  # not glued: part of the title
        ("Subscribers Matter", "Subscribers Matter"),
        ("Subscribe3D Vision", "Subscribe3D Vision"),  # no capital after it: kept
        ("Deep Nets", "Deep Nets"),
    ],
)
def test_subscribe_is_cut_only_when_glued_to_a_capital(first: str, title: str) -> None:
    papers, _ = parse_search_results(f"{BANNER}{first}\n{ABSTRACT}\n")
    assert papers[0].title == title


def test_subscribe_only_at_the_start() -> None:
    text = f"{BANNER}First Paper\n{ABSTRACT}\nSubscribeSecond Paper\n{ABSTRACT}\n"
    papers, _ = parse_search_results(text)
    assert [p.title for p in papers] == ["First Paper", "SubscribeSecond Paper"]


def test_a_lone_subscribe_line_is_dropped() -> None:
    papers, warnings = parse_search_results(f"{BANNER}Subscribe\nDeep Nets\n{ABSTRACT}\n")
    assert [p.title for p in papers] == ["Deep Nets"]
    assert warnings == []


def test_banners_in_the_middle_are_dropped_too() -> None:
    text = f"{BANNER}A Paper\n{ABSTRACT}\n{BANNER}Subscribe\nB Paper\n{ABSTRACT}\n"
    papers, warnings = parse_search_results(text)
    assert [p.title for p in papers] == ["A Paper", "B Paper"]
    assert warnings == []


def test_a_title_about_trending_papers_is_kept() -> None:
    papers, _ = parse_search_results(f"Get Trending Papers Faster\n{ABSTRACT}\n")
    assert [p.title for p in papers] == ["Get Trending Papers Faster"]


def test_without_banner() -> None:
    papers, warnings = parse_search_results(f"Deep Nets\n{ABSTRACT}\nWide Nets\n{ABSTRACT}")
    assert [p.title for p in papers] == ["Deep Nets", "Wide Nets"]
    assert all(p.abstract == ABSTRACT.strip() for p in papers)
    assert warnings == []


def test_missing_abstract_shifts_nothing() -> None:
    text = f"{BANNER}A Paper\nB Paper\n{ABSTRACT}\nC Paper\n{ABSTRACT}\n"
    papers, warnings = parse_search_results(text)
    assert [(p.title, bool(p.abstract)) for p in papers] == [
        ("A Paper", False),
        ("B Paper", True),
        ("C Paper", True),
    ]
    assert warnings == ["line 3: paper 'A Paper' has no abstract"]


def test_last_paper_without_abstract() -> None:
    papers, warnings = parse_search_results(f"A Paper\n{ABSTRACT}\nB Paper\n")
    assert [(p.title, bool(p.abstract)) for p in papers] == [("A Paper", True), ("B Paper", False)]
    assert warnings == ["line 3: paper 'B Paper' has no abstract"]


def test_short_abstracts_still_pair_up() -> None:
    papers, warnings = parse_search_results("A Paper\nShort abstract\nB Paper\nAlso short\n")
    assert [(p.title, p.abstract) for p in papers] == [
        ("A Paper", "Short abstract"),
        ("B Paper", "Also short"),
    ]
    assert warnings == []


def test_a_second_abstract_is_joined_with_a_warning() -> None:
    papers, warnings = parse_search_results(f"A Paper\n{ABSTRACT}\n{ABSTRACT}\nB Paper\n{ABSTRACT}")
    assert [p.title for p in papers] == ["A Paper", "B Paper"]
    assert papers[0].abstract == f"{ABSTRACT.strip()}\n{ABSTRACT.strip()}"
    assert warnings == ["line 3: a second abstract for the paper at line 1; added to its abstract"]


def test_links_and_code_flag_come_from_the_abstract() -> None:
    text = (
        "A Paper\nCode at https://github.com/a/b. Page (https://a.github.io/p/)and more.\n"
        "B Paper\nSee https://a.github.io/only.\n"
    )
    papers, _ = parse_search_results(text)
    assert [link.url for link in papers[0].links] == [
        "https://github.com/a/b",
        "https://a.github.io/p/",
    ]
    assert [p.has_code for p in papers] == [True, False]


@pytest.mark.parametrize("text", ["", "\n \n", BANNER, BANNER + "Subscribe\n"])
def test_nothing_found_is_a_format_error(text: str) -> None:
    with pytest.raises(ImportFormatError, match="no search results found"):
        parse_search_results(text)
