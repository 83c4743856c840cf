"""The incrementally kept order equals a full sort, whatever changes in between."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.models import Paper, Status
from readlist.query import sort_papers
from readlist.query.kept_order import KeptOrder

# Few distinct values, so that ties (and papers without the value) are common.
titles = st.sampled_from(["Alpha", "alpha", "Beta", "Émile", "zeta", "", "Ångström"])
dates = st.sampled_from([None, "", "2023", "2023-05", "2023-05-01", "2021-12-31", "2024"])
authors = st.lists(st.sampled_from(["Zoë Müller", "Anna Kim", "anna kim", "Bo Xu"]), max_size=2)
statuses = st.sampled_from(list(Status))
orders = st.sampled_from(["published", "added", "title", "author", "status", "key"])


@st.composite
def paper(draw: st.DrawFn, key: str) -> Paper:
    return Paper(
        title=draw(titles),
        key=key,
        authors=draw(authors),
        published=draw(dates),
        added=draw(dates),
        status=draw(statuses),
    )


@st.composite
def library(draw: st.DrawFn, keys: list[str]) -> dict[str, Paper]:
    return {key: draw(paper(key)) for key in keys}


KEYS = [f"k{n:02d}" for n in range(40)]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), by=orders, reverse=st.booleans())
def test_kept_order_equals_a_full_sort_after_random_changes(
    data: st.DataObject, by: str, reverse: bool
) -> None:
    first_keys = data.draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=30))
    papers = data.draw(library(first_keys))
    kept = KeptOrder(papers.values(), by, reverse)
    assert kept.papers == sort_papers(list(papers.values()), by, reverse=reverse)
    for _ in range(data.draw(st.integers(1, 4))):
        now = dict(papers)
        for key in data.draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6)):
            action = data.draw(st.sampled_from(["change", "same values", "remove", "add"]))
            if action == "remove":
                now.pop(key, None)
            elif action == "same values" and key in now:  # rebuilt, equal: still moved right
                now[key] = replace(now[key])
            else:
                now[key] = data.draw(paper(key))
        kept.update(now)
        expected = sort_papers(list(now.values()), by, reverse=reverse)
        assert [p.key for p in kept.papers] == [p.key for p in expected]
        assert all(a is b for a, b in zip(kept.papers, expected, strict=True))
        assert kept.keys == frozenset(now)
        papers = now


def test_nothing_changed_moves_nothing() -> None:
    papers = {k: Paper(title=k.upper(), key=k, published="2020") for k in ("a", "b", "c")}
    kept = KeptOrder(papers.values(), "published")
    before = kept.papers
    assert kept.update(dict(papers)) == 0
    assert kept.papers is before


def test_one_changed_paper_moves_alone() -> None:
    papers = {f"k{n}": Paper(title=f"T{n:03d}", key=f"k{n}", published="2020") for n in range(100)}
    kept = KeptOrder(papers.values(), "title")
    papers["k5"] = replace(papers["k5"], title="zzz")
    assert kept.update(papers) == 1
    assert kept.papers[-1].key == "k5"
    del papers["k7"]
    assert kept.update(papers) == 1
    assert "k7" not in kept.keys
    expected = sort_papers(list(papers.values()), "title")
    assert [p.key for p in kept.papers] == [p.key for p in expected]
