"""The three-lines-a-paper listing format: the seed papers, splitting, dates and tolerance."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from readlist.importers import ImportFormatError, parse_text
from readlist.importers.listing import (
    infer_date,
    parse_byline,
    parse_listing,
    split_title_authors,
)
from readlist.models import Paper

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 25)
ABSTRACT = "We study things. " * 10


def sample_text() -> str:
    return resources.files("readlist.data").joinpath("sample_listing.txt").read_text("utf-8")


EXPECTED: list[dict[str, Any]] = json.loads(
    (DATA / "expected_sample_listing.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def sample_papers() -> list[Paper]:
    result = parse_text(sample_text(), source_name="sample_listing.txt", today=TODAY)
    assert result.format == "listing"
    assert result.warnings == []
    return result.papers


def test_sample_has_fifty_papers(sample_papers: list[Paper]) -> None:
    assert len(sample_papers) == len(EXPECTED) == 50


@pytest.mark.parametrize("index", range(len(EXPECTED)), ids=[e["title"][:40] for e in EXPECTED])
def test_sample_paper_matches_expected(sample_papers: list[Paper], index: int) -> None:
    paper, expected = sample_papers[index], EXPECTED[index]
    assert paper.title == expected["title"]
    assert paper.authors == expected["authors"]
    assert paper.authors_truncated == expected["authors_truncated"]
    assert paper.affiliations == expected["affiliations"]
    assert paper.category == expected["category"]
    assert paper.published == expected["published"]
    assert paper.has_code == expected["has_code"]
    assert [link.to_dict() for link in paper.links] == expected["links"]
    assert paper.abstract.startswith(expected["abstract_start"])
    assert paper.abstract.endswith(expected["abstract_end"])
    assert paper.source is not None
    assert (paper.source.file, paper.source.format) == ("sample_listing.txt", "listing")


def test_sample_with_crlf_bom_blank_lines_and_trailing_spaces(sample_papers: list[Paper]) -> None:
    messy = "\ufeff\r\n\r\n" + "\r\n\r\n".join(line + "  \t" for line in sample_text().split("\n"))
    result = parse_text(messy, today=TODAY)
    assert result.warnings == []
    assert [p.to_dict() for p in result.papers] == [
        {**p.to_dict(), "source": {"file": "", "format": "listing"}} for p in sample_papers
    ]


# -- splitting title and authors -------------------------------------------------

SPLITS = [
    # Titles ending in acronyms, digits, ?, ), inner capitals, commas.
    ("Factually Augmented RLHF", ["Zhiqing Sun", "Sheng Shen"]),
    ("SqueezeLLM: Dense-and-Sparse Quantization", ["Sehoon Kim"]),
    ("NeRF-Det: Learning Geometry for Multi-View 3D Object Detection", ["Chenfeng Xu", "Ji Hou"]),
    ("Flash-KMeans: Fast and Memory-Efficient Exact K-Means", ["Shuo Yang", "Haocheng Xi"]),
    ("Scaling Laws for GPT-4", ["Ann Lee", "Bo Li"]),
    ("Reasoning in 2024", ["Ann Lee"]),
    ("UnrealNAS: Can We Search with Unreal Data?", ["Zhen Dong", "Kaicheng Zhou"]),
    ("Learning from Human Feedback (RLHF)", ["Ann Lee", "Bo Li"]),
    ("OTOV2: Automatic, Generic, User-Friendly", ["Tianyi Chen", "Luming Liang"]),
    ("Quadric Representations for LiDAR Odometry, Mapping and Localization", ["Chao Xia"]),
    ("$V_1$: Unifying Generation and Self-Verification", ["Harman Singh"]),
    ("QD-BEV : Quantization-aware View-guided Distillation", ["Yifan Zhang"]),
    ("HallE-Control: Controlling Object Hallucination", ["Bohan Zhai"]),
    ("CVPR 2023 Text Guided Video Editing Competition", ["Jay Zhangjie Wu", "Xiuyu Li"]),
    # Initials with and without a period.
    ("Scale-MAE: A Scale-Aware Masked Autoencoder", ["Colorado J. Reed", "Ritwik Gupta"]),
    ("A Survey", ["John K Smith", "Ann B Lee"]),
    ("Pruning Transformers", ["Woosuk Kwon", "Michael W. Mahoney"]),
    ("Deep Nets", ["J. Smith", "J.-P. Martin", "J.K. Rowling", "A B Cole"]),
    ("Data?", ["J Smith"]),
    # Hyphens, apostrophes (straight and typographic), Mc/Mac names.
    ("Multi-Sensor 3D Object Detection", ["Yichen Xie", "Marie-Julie Rakotosaona"]),
    ("Graph Models", ["Sean O'Brien", "Aoife O’Connor", "Luca D'Angelo"]),
    ("Language Models", ["John McCarthy", "Ann MacDonald", "Kim Fitzgerald"]),
    ("Language Models", ["DeShawn Jones", "Ann Lee"]),
    ("Vision Transformers", ["McKenzie Smith", "Bo Li"]),
    ("Speech Recognition", ["Yann LeCun", "Leonardo DiCaprio"]),
    ("Efficient LLMs", ["Jin-woo Park", "Jean-Luc Picard"]),
    # Accents and letters outside ASCII.
    ("Multilingual Models", ["Zoë Müller", "Łukasz Kaiser", "Søren Ørsted", "José Núñez"]),
    ("Attention", ["Élodie Durand", "Ömer Çelik"]),
    # Particles.
    ("Particles Everywhere", ["Jan van den Berg", "Maria de la Cruz", "John von Neumann"]),
    ("More Particles", ["Ana da Silva", "Luca di Stefano", "Marc du Pont", "Anne le Roux"]),
    ("Even More", ["Ahmad bin Salleh", "Omar al-Rashid", "Ludwig van Beethoven"]),
    # Suffixes.
    ("Old Tricks", ["Martin Luther King Jr.", "John Smith III"]),
    # One author.
    ("Residual Context Diffusion Language Models", ["John Smith"]),
    ("A Title", ["Lutfi Eren Erdogan"]),
]


@pytest.mark.parametrize(("title", "authors"), SPLITS, ids=[t for t, _ in SPLITS])
def test_split_title_authors(title: str, authors: list[str]) -> None:
    assert split_title_authors(title + ", ".join(authors)) == (title, authors)


def test_split_title_authors_joins_a_suffix_after_a_comma() -> None:
    assert split_title_authors("Old TricksJohn Smith, Jr., Ann Lee") == (
        "Old Tricks",
        ["John Smith Jr.", "Ann Lee"],
    )


@pytest.mark.parametrize(
    "glued",
    [
        "Deep NetsAnn Lee and Bo Li",
        "Deep NetsAnn Lee, Cy Ho, and Bo Li",
        "Deep NetsAnn Lee & Bo Li",
    ],
)
def test_split_title_authors_reads_and_as_a_separator(glued: str) -> None:
    split = split_title_authors(glued)
    assert split is not None
    assert split[0] == "Deep Nets"
    assert split[1][0] == "Ann Lee" and split[1][-1] == "Bo Li"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "just a lowercase line",
        "A Title With No Authors At All.",
        "TitleAnn",  # a one-word name is not a name
        "Title123",
        "Some Titlezhang san, li si",
        "We propose a method. Code is at https://github.com/a/b.",
    ],
)
def test_split_title_authors_gives_up(line: str) -> None:
    assert split_title_authors(line) is None


def test_parse_byline_reads_et_al_and_affiliations() -> None:
    byline = parse_byline(
        "Aligning Large Multimodal Models with Factually Augmented RLHFZhiqing Sun, "
        "Sheng Shen, Shengcao Cao et al. · berkeley, cmu"
    )
    assert byline is not None
    assert byline.title == "Aligning Large Multimodal Models with Factually Augmented RLHF"
    assert byline.authors == ["Zhiqing Sun", "Sheng Shen", "Shengcao Cao"]
    assert byline.authors_truncated is True
    assert byline.affiliations == ["berkeley", "cmu"]


def test_parse_byline_without_et_al_or_affiliations() -> None:
    byline = parse_byline("Simple and Effective Input ReformulationsBrian Yu, Kurt Keutzer")
    assert byline is not None
    assert (byline.authors_truncated, byline.affiliations) == (False, [])
    assert byline.authors == ["Brian Yu", "Kurt Keutzer"]


def test_parse_byline_with_a_middle_dot_in_the_title() -> None:
    byline = parse_byline("Less · More: A StudyAnn Lee et al. · mit")
    assert byline is not None
    assert (byline.title, byline.authors, byline.affiliations) == (
        "Less · More: A Study",
        ["Ann Lee"],
        ["mit"],
    )
    byline = parse_byline("Less · More: A StudyAnn Lee")
    assert byline is not None
    assert (byline.title, byline.affiliations) == ("Less · More: A Study", [])


# -- records ---------------------------------------------------------------------


def listing(*records: tuple[str, str, str]) -> str:
    return "\n".join(line for record in records for line in record) + "\n"


def test_record_fields() -> None:
    text = listing(("CVSep 25, 2023Code", "A TitleAnn Lee, Bo Li et al. · mit", ABSTRACT))
    (paper,), warnings = parse_listing(text, today=TODAY, source_name="x.txt")
    assert warnings == []
    assert paper.title == "A Title"
    assert paper.authors == ["Ann Lee", "Bo Li"]
    assert paper.authors_truncated
    assert paper.affiliations == ["mit"]
    assert paper.category == "cs.CV"
    assert paper.published == "2023-09-25"
    assert paper.has_code
    assert paper.abstract == ABSTRACT.strip()
    assert paper.source is not None and paper.source.file == "x.txt"


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("CV", "cs.CV"), ("CL", "cs.CL"), ("LG", "cs.LG"), ("AI", "cs.AI"), ("AR", "cs.AR"),
        ("DC", "cs.DC"), ("RO", "cs.RO"), ("IR", "cs.IR"), ("NE", "cs.NE"), ("CR", "cs.CR"),
        ("SE", "cs.SE"), ("HC", "cs.HC"), ("GR", "cs.GR"), ("MA", "cs.MA"), ("SD", "cs.SD"),
        ("AS", "eess.AS"), ("IV", "eess.IV"), ("SP", "eess.SP"), ("SY", "eess.SY"),
        ("ML", "stat.ML"), ("XQ", "XQ"), ("ZZ", "ZZ"),
    ],
)  # fmt: skip
def test_category_codes(code: str, category: str) -> None:
    text = listing((f"{code}Mar 4, 2024", "A TitleAnn Lee", ABSTRACT))
    (paper,), warnings = parse_listing(text, today=TODAY)
    assert paper.category == category
    assert warnings == []


def test_header_without_code_flag_and_with_spaced_flag() -> None:
    text = listing(
        ("CVMar 4, 2024", "A TitleAnn Lee", ABSTRACT),
        ("CVMar 4, 2024 Code", "B TitleAnn Lee", ABSTRACT),
        ("CVSeptember 4, 2024", "C TitleAnn Lee", ABSTRACT),
    )
    papers, warnings = parse_listing(text, today=TODAY)
    assert [p.has_code for p in papers] == [False, True, False]
    assert papers[2].published == "2024-09-04"
    assert warnings == []


def test_header_without_category_is_warned() -> None:
    text = listing(("Mar 4, 2024", "A TitleAnn Lee", ABSTRACT))
    (paper,), warnings = parse_listing(text, today=TODAY)
    assert paper.category is None
    assert warnings == ["line 1: no category before the date in 'Mar 4, 2024'"]


@pytest.mark.parametrize(
    ("header", "today", "published"),
    [
        ("CLMar 4", date(2026, 3, 3), "2025-03-04"),  # not after today: last year
        ("CLMar 4", date(2026, 3, 4), "2026-03-04"),  # today itself counts
        ("CLMar 4", date(2026, 3, 5), "2026-03-04"),
        ("CLDec 31", date(2026, 1, 1), "2025-12-31"),
        ("CLJan 1", date(2026, 1, 1), "2026-01-01"),
        ("CLFeb 29", date(2026, 11, 25), "2024-02-29"),  # latest leap year
        ("CLFeb 29", date(2028, 2, 28), "2024-02-29"),
        ("CLFeb 29", date(2028, 2, 29), "2028-02-29"),
        ("CLFeb 29", date(2101, 3, 1), "2096-02-29"),  # 2100 is no leap year
        ("CLFeb 28, 2023", date(2020, 1, 1), "2023-02-28"),  # a given year is kept
    ],
)
def test_year_inference(header: str, today: date, published: str) -> None:
    text = listing((header, "A TitleAnn Lee", ABSTRACT))
    (paper,), warnings = parse_listing(text, today=today)
    assert paper.published == published
    assert warnings == []


def test_infer_date_directly() -> None:
    assert infer_date(2, 29, None, date(2024, 2, 29)) == date(2024, 2, 29)
    assert infer_date(2, 29, 2023, date(2024, 1, 1)) is None
    assert infer_date(4, 31, None, date(2024, 1, 1)) is None
    assert infer_date(13, 1, None, date(2024, 1, 1)) is None


@pytest.mark.parametrize("header", ["CVFeb 30, 2023", "CVApr 31", "CVFeb 29, 2023", "CVSep 0"])
def test_invalid_date_is_warned_and_left_empty(header: str) -> None:
    text = listing((header, "A TitleAnn Lee", ABSTRACT))
    (paper,), warnings = parse_listing(text, today=TODAY)
    assert paper.published is None
    assert warnings == [f"line 1: invalid date in {header!r}; publication date left empty"]


def test_unsplittable_byline_is_kept_with_a_warning_naming_its_line() -> None:
    text = listing(
        ("CVSep 25, 2023", "A TitleAnn Lee", ABSTRACT),
        ("CVSep 26, 2023", "a title with nobody after it", ABSTRACT),
    )
    papers, warnings = parse_listing(text, today=TODAY)
    assert len(papers) == 2
    assert papers[1].title == "a title with nobody after it"
    assert papers[1].authors == []
    assert warnings == [
        "line 5: cannot tell the title from the authors; the whole line is kept as the title"
    ]


def test_line_numbers_count_blank_lines_and_crlf() -> None:
    text = "\ufeff\r\n\r\nCVSep 26, 2023\r\n\r\nunsplittable title\r\n" + ABSTRACT
    (paper,), warnings = parse_listing(text, today=TODAY)
    assert paper.title == "unsplittable title"
    assert warnings == [
        "line 5: cannot tell the title from the authors; the whole line is kept as the title"
    ]


def test_missing_abstract_shifts_nothing() -> None:
    text = listing(
        ("CVSep 25, 2023", "A TitleAnn Lee", ""),
        ("CLSep 26, 2023Code", "B TitleBo Li", ABSTRACT),
    )
    papers, warnings = parse_listing(text, today=TODAY)
    assert [(p.title, p.abstract, p.has_code) for p in papers] == [
        ("A Title", "", False),
        ("B Title", ABSTRACT.strip(), True),
    ]
    assert warnings == ["line 1: record has no abstract"]


def test_missing_title_line_skips_the_record_with_a_warning() -> None:
    text = "CVSep 25, 2023\nCLSep 26, 2023\nB TitleBo Li\n" + ABSTRACT
    papers, warnings = parse_listing(text, today=TODAY)
    assert [p.title for p in papers] == ["B Title"]
    assert warnings == ["line 1: record has no title line; skipped"]


def test_an_abstract_where_the_title_line_should_be_is_not_a_title() -> None:
    text = "CVSep 25, 2023\n" + ABSTRACT * 3 + "\nCLSep 26, 2023\nB TitleBo Li\n" + ABSTRACT
    papers, warnings = parse_listing(text, today=TODAY)
    assert [p.title for p in papers] == ["B Title"]
    assert warnings == ["line 1: record has no title line (line 2 looks like an abstract); skipped"]


def test_text_before_the_first_record_is_reported() -> None:
    text = "My reading list\n\n" + listing(("CVSep 25, 2023", "A TitleAnn Lee", ABSTRACT))
    papers, warnings = parse_listing(text, today=TODAY)
    assert len(papers) == 1
    assert warnings == ["line 1: text before the first record skipped: 'My reading list'"]


def test_a_bad_header_is_never_dropped_silently() -> None:
    text = listing(
        ("CVSep 25, 2023", "A TitleAnn Lee", ABSTRACT),
        ("CV 25 Sept", "B TitleBo Li", ABSTRACT),
        ("CVSep 27, 2023", "C TitleCy Ho", ABSTRACT),
    )
    papers, warnings = parse_listing(text, today=TODAY)
    assert [(p.title, p.authors, p.category, p.published) for p in papers] == [
        ("A Title", ["Ann Lee"], "cs.CV", "2023-09-25"),
        ("B Title", ["Bo Li"], None, None),
        ("C Title", ["Cy Ho"], "cs.CV", "2023-09-27"),
    ]
    assert all(p.abstract == ABSTRACT.strip() for p in papers)
    assert warnings == [
        "line 4: 'CV 25 Sept' is not a record header (like 'CVSep 25, 2023Code'); "
        "the record it starts has no category or date"
    ]


def test_a_missing_header_is_never_dropped_silently() -> None:
    text = listing(("CVSep 25, 2023", "A TitleAnn Lee", ABSTRACT)) + "B TitleBo Li\n" + ABSTRACT
    papers, warnings = parse_listing(text, today=TODAY)
    assert [(p.title, p.authors, p.category) for p in papers] == [
        ("A Title", ["Ann Lee"], "cs.CV"),
        ("B Title", ["Bo Li"], None),
    ]
    assert warnings == [
        "line 4: title and authors with no header line before them; "
        "the record has no category or date"
    ]


def test_a_wrapped_abstract_is_joined_with_a_warning() -> None:
    text = listing(("CVSep 25, 2023", "A TitleAnn Lee", "First half of the abstract,"))
    text += "second half of it.\n"
    (paper,), warnings = parse_listing(text, today=TODAY)
    assert paper.abstract == "First half of the abstract,\nsecond half of it."
    assert warnings == [
        "line 4: extra line after the abstract of the record at line 1; added to that abstract"
    ]


def test_control_characters_are_removed() -> None:
    text = listing(
        ("CVSep 25, 2023", "A \x1b[31mTitle\x07Ann Lee", "Abstract\x1b]0;evil\x07 text \u202e.")
    )
    (paper,), _ = parse_listing(text, today=TODAY)
    assert paper.title == "A Title"
    assert paper.authors == ["Ann Lee"]
    assert paper.abstract == "Abstract text ."


@pytest.mark.parametrize("text", ["", "\n\n", "hello\nworld\n", "Some TitleAnn Lee\nabstract\n"])
def test_no_records_is_a_format_error(text: str) -> None:
    with pytest.raises(ImportFormatError, match="no listing records found"):
        parse_listing(text, today=TODAY)


@pytest.mark.parametrize(
    ("glued", "split"),
    [
        ("Learning DaAnn Lee", ("Learning Da", ["Ann Lee"])),
        ("FooDeShawn Lee", ("Foo", ["DeShawn Lee"])),
    ],
)
def test_ambiguous_name_prefix_takes_the_leftmost_reading(
    glued: str, split: tuple[str, list[str]]
) -> None:
    # "FooDe" + "Shawn Lee" reads just as well as "Foo" + "DeShawn Lee": the
    # documented rule is the leftmost glue point that leaves a list of names.
    assert split_title_authors(glued) == split
