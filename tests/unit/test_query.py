from __future__ import annotations

import pytest

from readlist.errors import QueryError
from readlist.models import Link, LinkKind, Paper, Status
from readlist.query import parse_query, search_text, sort_name, sort_papers

PAPERS = [
    Paper(
        key="sun2023aligning",
        title="Aligning Large Multimodal Models with Factually Augmented RLHF",
        authors=["Zhiqing Sun", "Sheng Shen"],
        published="2023-09-25",
        category="cs.CV",
        tags=["llm", "rlhf"],
        status=Status.READING,
        has_code=True,
        links=[Link("https://github.com/x/y", LinkKind.CODE)],
    ),
    Paper(
        key="kim2023squeezellm",
        title="SqueezeLLM: Dense-and-Sparse Quantization",
        authors=["Sehoon Kim"],
        published="2023-06-13",
        category="cs.CL",
        tags=["quantization"],
        abstract="We introduce a post-training quantization framework",
        notes="Read with Zoë",
    ),
    Paper(
        key="muller2020efficient",
        title="Efficient Décodage",
        authors=["Zoë Müller"],
        published="2020-01-02",
        category="LG",
    ),
    Paper(key="inference", title="Inference-Friendly Models With MixAttention"),
]


def keys(query: str) -> list[str]:
    return [p.key for p in parse_query(query).filter(PAPERS)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["sun2023aligning", "kim2023squeezellm", "muller2020efficient", "inference"]),
        ("aligning", ["sun2023aligning"]),
        ("ALIGNING rlhf", ["sun2023aligning"]),
        ("aligning squeeze", []),
        ("decodage", ["muller2020efficient"]),
        ("muller", ["muller2020efficient"]),
        ("zoe", ["kim2023squeezellm", "muller2020efficient"]),
        ('"dense-and-sparse quantization"', ["kim2023squeezellm"]),
        ('"sparse dense"', []),
        ("tag:llm", ["sun2023aligning"]),
        ("tag:LLM", ["sun2023aligning"]),
        ("-tag:llm", ["kim2023squeezellm", "muller2020efficient", "inference"]),
        ("status:unread", ["kim2023squeezellm", "muller2020efficient", "inference"]),
        ("status:reading", ["sun2023aligning"]),
        ("status:read", []),
        ("author:kim", ["kim2023squeezellm"]),
        ("author:muller", ["muller2020efficient"]),
        ("year:2023", ["sun2023aligning", "kim2023squeezellm"]),
        ("year:>=2023", ["sun2023aligning", "kim2023squeezellm"]),
        ("year:<2023", ["muller2020efficient"]),
        ("year:2019..2020", ["muller2020efficient"]),
        ("cat:cs.CV", ["sun2023aligning"]),
        ("cat:cl", ["kim2023squeezellm"]),
        ("cat:LG", ["muller2020efficient"]),
        ("code:yes", ["sun2023aligning"]),
        ("code:no", ["kim2023squeezellm", "muller2020efficient", "inference"]),
        ("title:mixattention", ["inference"]),
        ("key:kim", ["kim2023squeezellm"]),
        ("-quantization", ["sun2023aligning", "muller2020efficient", "inference"]),
        ("RLHF:", ["sun2023aligning"]),
    ],
)
def test_query_language(query: str, expected: list[str]) -> None:
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "colour:red",
            "unknown filter 'colour:' at position 1 (filters: tag, status, author, title, key, "
            "year, cat, code, has, added, read, sort; to look for the text, put it in quotes)",
        ),
        ("year:soon", "bad year 'soon' at position 1 (use 2023, >=2023, <2020 or 2020..2023)"),
        ("llm year:20", "bad year '20' at position 5 (use 2023, >=2023, <2020 or 2020..2023)"),
        ("status:done", "unknown status 'done' at position 1 (use unread, reading, read)"),
        ("code:maybe", "bad value for code: 'maybe' at position 1 (use yes or no)"),
    ],
)
def test_bad_queries_raise_one_clear_error(query: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert str(info.value) == message


SUN, KIM, MULLER, INFERENCE = (p.key for p in PAPERS)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("published", [SUN, KIM, MULLER, INFERENCE]),  # newest first, undated last
        ("date", [SUN, KIM, MULLER, INFERENCE]),
        ("year", [SUN, KIM, MULLER, INFERENCE]),
        ("title", [SUN, MULLER, INFERENCE, KIM]),  # accents folded: "Efficient Décodage"
        ("author", [KIM, SUN, MULLER, INFERENCE]),  # no authors last
        ("authors", [KIM, SUN, MULLER, INFERENCE]),
        ("status", [INFERENCE, KIM, MULLER, SUN]),  # unread, then reading; ties by key
        ("key", [INFERENCE, KIM, MULLER, SUN]),
    ],
)
def test_sorts(by: str, expected: list[str]) -> None:
    assert [p.key for p in sort_papers(PAPERS, by)] == expected


def test_sort_by_added_is_newest_first_and_published_is_the_default() -> None:
    papers = [
        Paper(key=key, title=key, added=f"2024-01-0{day}T00:00:00+00:00", published=published)
        for key, day, published in (("a", 2, "2021"), ("b", 3, "2020"), ("c", 1, "2022"))
    ]
    assert [p.key for p in sort_papers(papers, "added")] == ["b", "a", "c"]
    assert [p.key for p in sort_papers(papers)] == ["c", "a", "b"]


def test_unknown_sort_names_the_choices() -> None:
    with pytest.raises(QueryError) as info:
        sort_papers(PAPERS, "colour")
    assert str(info.value) == (
        "unknown sort 'colour' (use published, added, title, author, status, key)"
    )
    assert sort_name("year") == "published" and sort_name("authors") == "author"


YEARS = [Paper(key=f"y{year}", title=f"Paper of {year}", published=f"{year}-05-01") for year in
         range(2019, 2024)] + [Paper(key="undated", title="No date")]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year:2021", ["y2021"]),
        ("year:=2021", ["y2021"]),
        ("year:>2021", ["y2022", "y2023"]),
        ("year:>=2021", ["y2021", "y2022", "y2023"]),
        ("year:<2021", ["y2019", "y2020"]),
        ("year:<=2021", ["y2019", "y2020", "y2021"]),
        ("year:2020..2022", ["y2020", "y2021", "y2022"]),
        ("year:2021..2021", ["y2021"]),
        ("year:2022..2020", []),
        ("-year:2020..2022", ["y2019", "y2023", "undated"]),
    ],
)
def test_year_bounds_are_exact(query: str, expected: list[str]) -> None:
    # Each bound is tested on both sides: an off-by-one anywhere changes the answer.
    assert [p.key for p in parse_query(query).filter(YEARS)] == expected


CODE = [
    Paper(key="flag", title="Flag only", has_code=True),
    Paper(key="link", title="Link only", links=[Link("https://github.com/a/b", LinkKind.CODE)]),
    Paper(
        key="both",
        title="Both",
        has_code=True,
        links=[Link("https://github.com/c/d", LinkKind.CODE)],
    ),
    Paper(key="none", title="Neither", links=[Link("https://a.github.io", LinkKind.PROJECT)]),
]


@pytest.mark.parametrize("answer", ["yes", "YES", "y", "Y", "true", "True", "1"])
def test_code_yes_needs_the_flag_or_a_code_link(answer: str) -> None:
    assert [p.key for p in parse_query(f"code:{answer}").filter(CODE)] == ["flag", "link", "both"]


@pytest.mark.parametrize("answer", ["no", "NO", "n", "N", "false", "False", "0"])
def test_code_no_needs_neither_the_flag_nor_a_code_link(answer: str) -> None:
    assert [p.key for p in parse_query(f"code:{answer}").filter(CODE)] == ["none"]


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("is:reading", "status:reading"),
        ("IS:unread", "status:unread"),
        ("has:code", "code:yes"),
        ("-has:code", "code:no"),
        ("tags:llm", "tag:llm"),
        ("category:cl", "cat:cl"),
        ("authors:kim", "author:kim"),
    ],
)
def test_filter_aliases_mean_their_filter(alias: str, canonical: str) -> None:
    expected = keys(canonical)
    assert expected and expected != keys("")  # the filter really selects something
    assert keys(alias) == expected


def test_a_url_in_the_query_is_a_word_to_look_for() -> None:
    papers = [
        Paper(key="repo", title="A", abstract="code at https://github.com/x/y today"),
        Paper(key="word", title="B", abstract="https is a protocol; github.com is a host"),
    ]
    assert [p.key for p in parse_query("https://github.com/x").filter(papers)] == ["repo"]
    assert [p.key for p in parse_query("-https://github.com/x").filter(papers)] == ["word"]


def test_search_text_is_each_field_and_author_on_its_own_line() -> None:
    paper = Paper(
        title="Über Title", authors=["Zoë Müller", "Bo Li"], abstract="Abstract", notes="Note"
    )
    assert search_text(paper) == " uber title \n zoe muller \n bo li \n abstract \n note "


def test_a_parsed_query_keeps_its_text() -> None:
    query = parse_query("tag:llm  attention")
    assert query.text == "tag:llm  attention"
    assert not query.is_empty and parse_query("  ").is_empty


SAME_DAY = [
    Paper(key="k1", title="Zeta", published="2024-05-01"),
    Paper(key="k2", title="alpha", published="2024-05-01"),
    Paper(key="k3", title="Older", published="2023"),
    Paper(key="k4", title="Undated B"),
    Paper(key="k5", title="undated a"),
    Paper(key="k6", title="Beta", published="2024-05-01"),
]


def test_published_puts_undated_last_and_equals_by_title_a_to_z() -> None:
    assert [p.title for p in sort_papers(SAME_DAY, "published")] == [
        "alpha", "Beta", "Zeta", "Older", "undated a", "Undated B",
    ]  # fmt: skip


def test_a_reversed_sort_turns_the_values_round_but_not_ties_or_the_unknown() -> None:
    assert [p.title for p in sort_papers(SAME_DAY, "published", reverse=True)] == [
        "Older", "alpha", "Beta", "Zeta", "undated a", "Undated B",
    ]  # fmt: skip
    assert [p.key for p in sort_papers(PAPERS, "author", reverse=True)] == [
        MULLER, SUN, KIM, INFERENCE,  # no authors stays last
    ]  # fmt: skip
    assert [p.key for p in sort_papers(PAPERS, "key", reverse=True)] == [
        SUN,
        MULLER,
        KIM,
        INFERENCE,
    ]
