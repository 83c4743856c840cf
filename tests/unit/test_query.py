from __future__ import annotations

import pytest

from readlist.errors import QueryError
from readlist.models import Link, LinkKind, Paper, Status
from readlist.query import parse_query, sort_papers

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
        ("tag:", ["sun2023aligning", "kim2023squeezellm", "muller2020efficient", "inference"]),
        ("RLHF:", ["sun2023aligning"]),
    ],
)
def test_query_language(query: str, expected: list[str]) -> None:
    assert keys(query) == expected


@pytest.mark.parametrize("query", ["colour:red", "year:soon", "status:done", "code:maybe"])
def test_bad_queries_raise_one_clear_error(query: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert "\n" not in str(info.value)


def test_sorts() -> None:
    assert [p.key for p in sort_papers(PAPERS, "published")][:3] == [
        "sun2023aligning",
        "kim2023squeezellm",
        "muller2020efficient",
    ]
    assert sort_papers(PAPERS, "title")[0].key == "sun2023aligning"
    assert [p.key for p in sort_papers(PAPERS, "author")][-1] == "inference"
    assert [p.key for p in sort_papers(PAPERS, "status")][-1] == "sun2023aligning"
    with pytest.raises(QueryError):
        sort_papers(PAPERS, "colour")
