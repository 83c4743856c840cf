"""The listing importer's shortcuts give what the long way gives, and hostile input stays fast."""

from __future__ import annotations

from datetime import date

import pytest

from readlist.importers.listing import parse_byline, parse_listing
from readlist.text import strip_controls

TODAY = date(2026, 11, 25)
RECORDS = (
    "CVSep 25, 2023Code\n"
    "A TitleAnn Lee, Bo Li et al. · mit\n"
    "We study things at https://github.com/a/b.\n"
    "\n"
    "CLMar 4\n"
    "Another Title (RLHF)Zoë Müller\n"
    "An abstract.\n"
)


@pytest.mark.parametrize(
    "text",
    [
        RECORDS.replace("\n", "\r\n"),
        RECORDS.replace("\n", "\r"),
        "\ufeff" + RECORDS,
        "\ufeff" + RECORDS.replace("\n", "\r\n", 3),
    ],
    ids=["crlf", "cr", "bom", "bom-mixed"],
)
def test_line_endings_and_bom_read_like_plain_newlines(text: str) -> None:
    expected_papers, expected_warnings = parse_listing(RECORDS, today=TODAY)
    papers, warnings = parse_listing(text, today=TODAY)
    assert warnings == expected_warnings == []
    now = {"added": "", "updated": ""}  # the import time, which differs between the reads
    assert [p.to_dict() | now for p in papers] == [p.to_dict() | now for p in expected_papers]


@pytest.mark.parametrize(
    "abstract_lines",
    [
        ["  Tabs\tand trailing spaces.  "],
        ["Escapes \x1b[31mred\x1b[0m and \u202ebidi\u202c."],
        ["Plain one-line abstract."],
        ["First half,  \t", "\tsecond half\x07."],
    ],
)
def test_abstract_is_cleaned_the_same_from_one_line_or_several(abstract_lines: list[str]) -> None:
    text = "CVSep 25, 2023\nA TitleAnn Lee\n" + "\n".join(abstract_lines) + "\n"
    (paper,), _ = parse_listing(text, today=TODAY)
    cleaned = [strip_controls(line).strip() for line in abstract_lines]
    assert paper.abstract == strip_controls("\n".join(cleaned)).strip()


@pytest.mark.parametrize(
    ("line", "title", "truncated"),
    [
        ("A TitleAnn Lee et al.", "A Title", True),
        ("A TitleAnn Lee et al", "A Title", True),
        ("A TitleAnn Lee et. al.", "A Title", True),
        ("A TitleAnn Lee et al. · mit", "A Title", True),
        ("A TitleAnn Lee, Bo Li", "A Title", False),
        ("Totals: et al. StudyAnn Lee", "Totals: et al. Study", False),
    ],
)
def test_et_al_is_read_only_at_the_end(line: str, title: str, truncated: bool) -> None:
    byline = parse_byline(line)
    assert byline is not None
    assert (byline.title, byline.authors_truncated) == (title, truncated)


GLUED = "cannot tell the title from the authors; the whole line is kept as the title"


@pytest.mark.parametrize(
    ("text", "title", "authors", "abstract", "links", "warning"),
    [
        (  # a 10 MB glued title
            "CVSep 25, 2023\n" + "Ab" * 5_000_000 + "\nabstract\n",
            "Ab" * 5_000_000,
            [],
            "abstract",
            [],
            f"line 2: {GLUED}",
        ),
        (  # 10 MB of name starts
            "CVSep 25, 2023\n" + "xAb Cd, " * 1_250_000 + "\nabstract\n",
            ("xAb Cd, " * 1_250_000).strip(),
            [],
            "abstract",
            [],
            f"line 2: {GLUED}",
        ),
        (
            "CVSep 25, 2023\nA TitleAnn Lee\nsee https://a.org/" + "." * 1_000_000 + "\n",
            "A Title",
            ["Ann Lee"],
            "see https://a.org/" + "." * 1_000_000,
            ["https://a.org/"],
            None,
        ),
        (
            "CVSep 25, 2023\nA TitleAnn Lee\n" + "\x00" * 1_000_000 + "\n",
            "A Title",
            ["Ann Lee"],
            "",
            [],
            "line 1: record has no abstract",
        ),
    ],
    ids=["long-title", "long-name-starts", "url-dots", "nul-bytes"],
)
def test_hostile_lines_stay_fast(
    text: str,
    title: str,
    authors: list[str],
    abstract: str,
    links: list[str],
    warning: str | None,
) -> None:
    # Megabytes per line: anything worse than linear would hang the test run.
    papers, warnings = parse_listing(text, today=TODAY)
    assert len(papers) == 1
    (paper,) = papers
    assert (paper.published, paper.category) == ("2023-09-25", "cs.CV")
    assert (paper.title, paper.authors, paper.abstract) == (title, authors, abstract)
    assert [link.url for link in paper.links] == links
    assert warnings == ([warning] if warning else [])
