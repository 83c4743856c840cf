"""The incrementally kept order equals a full sort, whatever changes in between."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.models import Paper, Status
from readlist.query import sort_papers
from readlist.query.kept_order import KeptOrder
from readlist.query.sorting import first_in_order

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


@settings(max_examples=400, deadline=None)
@given(data=st.data(), by=orders, reverse=st.booleans(), limit=st.integers(0, 12))
def test_first_in_order_is_the_start_of_a_full_sort(
    data: st.DataObject, by: str, reverse: bool, limit: int
) -> None:
    keys = data.draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=40))
    papers = list(data.draw(library(keys)).values())
    first = first_in_order(papers, by, reverse, limit)
    expected = sort_papers(papers, by, reverse=reverse)[:limit]
    assert all(a is b for a, b in zip(first, expected, strict=True))


def test_first_in_order_keeps_the_given_order_between_equal_papers() -> None:
    # Same value and same ties (two records claiming one key): the order given decides.
    papers = [Paper(title="Same", key="k", published="2020") for _ in range(30)]
    papers += [Paper(title="Other", key=f"o{n}") for n in range(30)]
    for by in ("published", "title", "key"):
        for reverse in (False, True):
            expected = sort_papers(papers, by, reverse=reverse)[:10]
            first = first_in_order(papers, by, reverse, 10)
            assert all(a is b for a, b in zip(first, expected, strict=True))
