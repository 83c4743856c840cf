"""OR, groups, negation, has:, dates, sort: and the errors of the query language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.errors import QueryError
from readlist.models import Link, LinkKind, Paper, Source, Status
from readlist.query import parse_query

PAPERS = [
    Paper(key="lora", title="LoRA: Low-Rank Adaptation", tags=["llm"], notes="read it"),
    Paper(key="flash", title="FlashAttention: Fast Exact Attention", tags=["gpu"]),
    Paper(key="diffusion", title="Denoising Diffusion Models", tags=["vision", "gpu"]),
    Paper(key="survey", title="A Survey of Large Language Models", abstract="We survey LLMs."),
]


def keys(query: str, papers: list[Paper] = PAPERS) -> list[str]:
    return [paper.key for paper in parse_query(query).filter(papers)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lora OR flash", ["lora", "flash"]),
        ("lora | flash", ["lora", "flash"]),
        ("lora|flash", ["lora", "flash"]),
        ("lora or flash", []),  # lowercase "or" is a word to look for
        ("tag:gpu diffusion OR lora", ["lora", "diffusion"]),  # AND binds tighter
        ("tag:gpu (diffusion OR lora)", ["diffusion"]),
        ("lora OR tag:gpu diffusion", ["lora", "diffusion"]),
        ("tag:gpu AND attention", ["flash"]),
        ("-(lora OR flash)", ["diffusion", "survey"]),
        ("-tag:gpu -lora", ["survey"]),
        ("--lora", ["lora"]),
        ("(((lora)))", ["lora"]),
        ("tag:gpu -(attention)", ["diffusion"]),
        ("(tag:llm OR tag:vision) (low OR denoising)", ["lora", "diffusion"]),
    ],
)
def test_or_groups_and_negation(query: str, expected: list[str]) -> None:
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year:", "'year:' at position 1 needs a value (for example year:>=2023)"),
        ("llm tag:", "'tag:' at position 5 needs a value (for example tag:ml)"),
        ("status:", "'status:' at position 1 needs a value (for example status:unread)"),
        ("cat:", "'cat:' at position 1 needs a value (for example cat:cs.CV)"),
        ("title:", "'title:' at position 1 needs a value (for example title:diffusion)"),
        ("author:", "'author:' at position 1 needs a value (for example author:kim)"),
        ('tag:""', "'tag:' at position 1 needs a value (for example tag:ml)"),
        ("has:", "'has:' at position 1 needs a value (for example has:note)"),
        ('llm "flash attn', "the quote at position 5 is not closed"),
        ('title:"flash', "the quote at position 7 is not closed"),
        (
            "foo:bar",
            "unknown filter 'foo:' at position 1 (filters: tag, status, author, title, key, year, "
            "cat, code, has, added, read, sort; to look for the text, put it in quotes)",
        ),
        ("year:>=20x", "bad year '>=20x' at position 1 (use 2023, >=2023, <2020 or 2020..2023)"),
        ("year:..", "bad year '..' at position 1 (use 2023, >=2023, <2020 or 2020..2023)"),
        ("status:done", "unknown status 'done' at position 1 (use unread, reading, read)"),
        (
            "has:video",
            (
                "unknown has:video at position 1"
                " (use note, code, abstract, doi, arxiv, tag, category, conflict, pdf)"
            ),
        ),
        (
            "added:2026-13",
            "bad date '2026-13' for added: at position 1 (use 2026, 2026-11, 2026-11-01, "
            ">=2026-11-01 or 2026-11-01..2026-11-30)",
        ),
        (
            "read:2026-02-30",
            "bad date '2026-02-30' for read: at position 1 (use 2026, 2026-11, 2026-11-01, "
            ">=2026-11-01 or 2026-11-01..2026-11-30)",
        ),
        ("(lora OR flash", "'(' at position 1 is not closed"),
        ("lora)", "')' at position 5 has no '(' before it"),
        ("lora ()", "the parentheses at position 6 hold no term"),
        ("OR lora", "'OR' at position 1 needs a term before it"),
        ("lora OR", "'OR' at position 6 needs a term after it"),
        ("lora | | flash", "'|' at position 6 needs a term after it"),
        ("| lora", "'|' at position 1 needs a term before it"),
        (
            "sort:key | lora",
            "sort: at position 1 orders the whole query: it cannot be a side of '|'",
        ),
        ("(lora OR) flash", "'OR' at position 7 needs a term after it"),
        ("AND lora", "'AND' at position 1 needs a term on each side"),
        ("lora -", "'-' at position 6 needs a term right after it"),
        ("- lora", "'-' at position 1 needs a term right after it"),
        ("(-)", "'-' at position 2 needs a term right after it"),
        ("+++", "'+++' at position 1 has no letters or digits to look for"),
        ('lora ""', "the phrase at position 6 has no letters or digits to look for"),
        ("title:--", "'title:--' at position 1 has no letters or digits to look for"),
        ("sort:", "'sort:' at position 1 needs a value (for example sort:-added)"),
        (
            "sort:colour",
            "unknown sort 'colour' (use published, added, title, author, status, key) "
            "at position 1",
        ),
        ("sort:title sort:key", "a second sort: at position 12 (give one)"),
        (
            "-sort:title",
            "sort: at position 2 orders the whole query: put it outside parentheses and "
            "without '-'",
        ),
        (
            "lora (sort:title)",
            "sort: at position 7 orders the whole query: put it outside parentheses and "
            "without '-'",
        ),
        (
            "lora OR sort:title",
            "sort: at position 9 orders the whole query: it cannot be a side of 'OR'",
        ),
    ],
)
def test_a_malformed_query_is_one_clear_error_that_says_where(query: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RLHF:", ["rlhf"]),  # an unknown name with nothing after is a word
        ("https://example.org/x", ["url"]),  # so is a URL
        ('"foo:bar"', ["colon"]),  # and anything with a colon, in quotes
        ("foo:", ["colon"]),
    ],
)
def test_text_with_a_colon_that_is_not_a_field(query: str, expected: list[str]) -> None:
    papers = [
        Paper(key="rlhf", title="RLHF: A Survey"),
        Paper(key="url", title="Code", abstract="see https://example.org/x/y"),
        Paper(key="colon", title="The foo:bar convention"),
    ]
    assert keys(query, papers) == expected


HAS_PAPERS = [
    Paper(key="plain", title="Plain", notes="  \n"),
    Paper(key="noted", title="Noted", notes="good"),
    Paper(key="flagged", title="Flagged", has_code=True),
    Paper(key="linked", title="Linked", links=[Link("https://github.com/a/b", LinkKind.CODE)]),
    Paper(key="abstract", title="Abstract", abstract="We show things."),
    Paper(
        key="doi",
        title="Doi",
        source=Source(file="a.bib", format="bibtex", fields={"doi": "10.1145/3386569"}),
    ),
    Paper(key="arxiv", title="Arxiv", links=[Link("https://arxiv.org/abs/2106.09685")]),
    Paper(
        key="cited",  # an arXiv link its abstract cites is another paper's
        title="Cited",
        abstract="We build on https://arxiv.org/abs/2106.09685 here.",
        links=[Link("https://arxiv.org/abs/2106.09685")],
    ),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has:note", ["noted"]),
        ("has:notes", ["noted"]),
        ("has:code", ["flagged", "linked"]),
        ("HAS:CODE", ["flagged", "linked"]),
        ("has:abstract", ["abstract", "cited"]),
        ("has:doi", ["doi"]),
        ("has:arxiv", ["arxiv"]),
        ("-has:abstract -has:code", ["plain", "noted", "doi", "arxiv"]),
    ],
)
def test_has_asks_what_a_paper_has(query: str, expected: list[str]) -> None:
    assert keys(query, HAS_PAPERS) == expected


FACETED = [
    Paper(key="bare", title="Bare"),
    Paper(key="tagged", title="Tagged", tags=["ml"]),
    Paper(key="filed", title="Filed", category="cs.CV"),
    Paper(key="blank", title="Blank category", category="  "),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has:tag", ["tagged"]),
        ("has:tags", ["tagged"]),
        ("-has:tag", ["bare", "filed", "blank"]),
        ("has:category", ["filed"]),
        ("has:cat", ["filed"]),
        ("-has:category", ["bare", "tagged", "blank"]),
        ("-has:tag -has:category", ["bare", "blank"]),
    ],
)
def test_has_tag_and_category_find_the_untagged_and_unfiled(
    query: str, expected: list[str]
) -> None:
    assert keys(query, FACETED) == expected


DATED = [
    Paper(key="oct31", title="a", added="2026-10-31T12:00:00+00:00"),
    Paper(key="nov01", title="b", added="2026-11-01T12:00:00+00:00", read_at="2026-11-20T12:00:00"),
    Paper(key="nov30", title="c", added="2026-11-30T12:00:00+00:00", read_at="2026-12-01T12:00:00"),
    Paper(key="dec01", title="d", added="2026-12-01T12:00:00+00:00", status=Status.READ),
    Paper(key="undated", title="e"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("added:2026-11", ["nov01", "nov30"]),
        ("added:2026-11-01", ["nov01"]),
        ("added:2026", ["oct31", "nov01", "nov30", "dec01"]),
        ("added:2025", []),
        ("added:>=2026-11-01", ["nov01", "nov30", "dec01"]),
        ("added:>2026-11-01", ["nov30", "dec01"]),
        ("added:>2026-11", ["dec01"]),
        ("added:<2026-11", ["oct31"]),
        ("added:<=2026-11", ["oct31", "nov01", "nov30"]),
        ("added:=2026-11-30", ["nov30"]),
        ("added:2026-11-01..2026-11-30", ["nov01", "nov30"]),
        ("added:2026-10..2026-11", ["oct31", "nov01", "nov30"]),
        ("added:2026-11-15..", ["nov30", "dec01"]),
        ("added:..2026-10-31", ["oct31"]),
        ("added:2026-1-5..2026-10-31", ["oct31"]),
        ("-added:2026-11", ["oct31", "dec01", "undated"]),
        ("read:2026-11", ["nov01"]),
        ("read:2026", ["nov01", "nov30"]),
        ("-read:2026-11", ["oct31", "nov30", "dec01", "undated"]),
    ],
)
def test_added_and_read_dates(query: str, expected: list[str]) -> None:
    assert keys(query, DATED) == expected


def test_a_date_is_the_local_day_of_the_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    late = [Paper(key="late", title="x", added="2026-11-30T23:30:00+00:00")]
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert keys("added:2026-12-01", late) == ["late"]
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        assert keys("added:2026-11-30", late) == ["late"]
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("query", "name", "reverse"),
    [
        ("sort:title", "title", False),
        ("llm sort:-added", "added", True),
        ("sort:year tag:x", "published", False),  # aliases as in --sort
        ("SORT:Authors", "author", False),
    ],
)
def test_sort_in_a_query_names_an_order(query: str, name: str, reverse: bool) -> None:
    parsed = parse_query(query)
    assert parsed.sort is not None
    assert (parsed.sort.name, parsed.sort.reverse) == (name, reverse)


def test_a_query_of_only_sort_matches_everything() -> None:
    parsed = parse_query("sort:title")
    assert parsed.is_empty and keys("sort:title") == [p.key for p in PAPERS]
    assert parse_query("lora").sort is None


@pytest.mark.parametrize(
    ("query", "standard"),
    [
        ("  lora   flash ", "lora flash"),
        ("lora | flash", "lora OR flash"),
        ("a b OR c", "a b OR c"),
        ("a (b OR c)", "a (b OR c)"),
        ("(a b) c", "a b c"),
        ("(a OR b) OR c", "a OR b OR c"),
        ("-(a OR b) -(c d)", "-(a OR b) -(c d)"),
        ("a AND b", "a b"),
        ('IS:read Tags:"my tag"', 'status:read tag:"my tag"'),
        ('"two  words"', '"two  words"'),
        ("sort:-added llm", "llm sort:-added"),
        ("sort:date", "sort:published"),
        ("RLHF: https://x.org", "RLHF: https://x.org"),
        ("", ""),
    ],
)
def test_a_query_prints_in_a_standard_form(query: str, standard: str) -> None:
    assert str(parse_query(query)) == standard


def test_what_a_query_reads() -> None:
    fields_only = parse_query("tag:x -status:read year:2020 has:note (key:a OR title:b) sort:title")
    assert not fields_only.reads_abstract and not fields_only.uses_text
    for text in ("tag:x OR lora", '-"a phrase"', "-(tag:x lora)"):
        assert parse_query(text).reads_abstract and parse_query(text).uses_text
    for text in ("has:abstract", "-has:doi", "tag:x OR has:arxiv"):
        assert parse_query(text).reads_abstract and not parse_query(text).uses_text
    assert not parse_query("").reads_abstract and not parse_query("").uses_text


PIECES = ["OR", "AND", "|", "(", ")", "-", '"', " ", ":", "..", ">=", "tag:", "year:",
          "sort:", "has:", "added:", "lora", "LLaMA-2", "2023", "-added", "é", "学"]  # fmt: skip
QUERY_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=12).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(QUERY_TEXT)
def test_parsing_raises_only_query_errors_and_printing_is_stable(text: str) -> None:
    try:
        parsed = parse_query(text)
    except QueryError:
        return
    standard = str(parsed)
    again = parse_query(standard)
    assert str(again) == standard
    assert again.sort == parsed.sort
    assert keys(standard) == keys(text)


@pytest.mark.parametrize(
    ("value", "term"),
    [("ml", "tag:ml"), ("c(x)", 'tag:"c(x)"'), ("a|b", 'tag:"a|b"')],
)
def test_a_term_built_from_a_value_means_that_value(value: str, term: str) -> None:
    from readlist.query import term_text

    assert term_text("tag", value) == term
    tagged = [Paper(key="hit", title="x", tags=[value]), Paper(key="miss", title="y", tags=["a"])]
    assert keys(term, tagged) == ["hit"]
