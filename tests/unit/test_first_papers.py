"""The interface's first page read from the records is the start of the full, sorted library."""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.models import Paper, Status
from readlist.query import parse_query, sort_papers
from readlist.store import Library
from readlist.tui.session import library_facets
from readlist.tui.widgets.facet_sidebar import facet_counts

# Few distinct values, so that ties and papers without the value are common; some
# fields edited by hand into the wrong type (read as Paper.from_dict reads them).
titles = st.sampled_from(["Alpha", "alpha", "Beta", "Émile", "zeta", "", 7, None])
dates = st.sampled_from([None, "", "2023", "2023-05", "2023-05-01", "2024", 2023, ["x"]])
authors = st.one_of(
    st.lists(st.sampled_from(["Zoë Müller", "Anna Kim", "anna kim", "Bo Xu"]), max_size=2),
    st.sampled_from([[3, "Anna Kim"], "Bo Xu", None]),
)
statuses = st.sampled_from(["unread", "reading", "read", "Read", 1, None])
keys = st.sampled_from([f"k{n:02d}" for n in range(30)] + [5, None])
orders = st.sampled_from(["published", "added", "title", "author", "status", "key"])


@st.composite
def record(draw: st.DrawFn) -> dict[str, Any]:
    data = Paper(title="T").to_dict()
    del data["abstract"]
    data.update(key=draw(keys), title=draw(titles), authors=draw(authors))
    data.update(published=draw(dates), added=draw(dates), status=draw(statuses))
    data["tags"] = draw(st.sampled_from([[], ["a"], ["b", "a"]]))
    for name in ("key", "title", "authors", "status"):
        if draw(st.integers(0, 9)) == 0:
            del data[name]  # missing: read as its default
    return data


def write_library(path: Path, records: list[dict[str, Any]]) -> None:
    data = {
        "_readlist": {"1": {"schema": 2, "app": "readlist", "kind": "library"}},
        "papers": {str(n): doc for n, doc in enumerate(records, start=1)},
    }
    path.write_bytes(orjson.dumps(data))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(record(), max_size=40),
    by=orders,
    reverse=st.booleans(),
    limit=st.integers(0, 15),
)
def test_first_papers_are_the_first_of_the_sorted_library(
    tmp_path: Path, records: list[dict[str, Any]], by: str, reverse: bool, limit: int
) -> None:
    path = tmp_path / "library.json"
    write_library(path, records)
    fast = Library(path)
    first = fast.first_papers(by, reverse, limit)
    papers = Library(path).papers()
    expected = sort_papers(papers, by, reverse=reverse)[:limit]
    assert [paper.to_dict() for paper in first] == [paper.to_dict() for paper in expected]
    # The header's counts, read from the records too.
    statuses = Counter(dict.fromkeys(Status, 0)) + Counter(paper.status for paper in papers)
    assert fast.status_counts() == statuses
    assert fast.keys() == [paper.key for paper in papers]


def test_first_papers_read_no_abstract(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    library = Library(path)
    library.import_papers(
        [
            Paper(title=f"Paper {n}", abstract=f"About {n}.", published=f"20{n:02d}")
            for n in range(9)
        ]
    )
    fresh = Library(path)
    first = fresh.first_papers("published", False, 3)
    assert [paper.title for paper in first] == ["Paper 8", "Paper 7", "Paper 6"]
    assert [paper.abstract for paper in first] == ["", "", ""]
    assert fresh.keys() == [paper.key for paper in Library(path).papers()]


queries = st.sampled_from(
    ["tag:a", "-tag:a", "tag:b", "status:read", "status:unread OR tag:b", "-has:tag", "key:k01"]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(record(), max_size=40),
    by=orders,
    reverse=st.booleans(),
    limit=st.integers(1, 12),
    budget=st.integers(0, 45),
    text=queries,
)
def test_first_matching_are_the_first_rows_of_the_query(
    tmp_path: Path,
    records: list[dict[str, Any]],
    by: str,
    reverse: bool,
    limit: int,
    budget: int,
    text: str,
) -> None:
    # A remembered filter query opens on its first rows, found from the records:
    # always a start of the query's rows, all of them when every paper was tried.
    path = tmp_path / "library.json"
    write_library(path, records)
    query = parse_query(text)
    found, complete = Library(path).first_matching(
        by, reverse, limit, lambda paper: query.matches(paper, ""), budget
    )
    papers = Library(path).papers()
    rows = [p for p in sort_papers(papers, by, reverse=reverse) if query.matches(p)]
    assert [p.to_dict() for p in found] == [
        dict(p.to_dict(), abstract="") for p in rows[: len(found)]
    ]
    assert len(found) <= limit
    if complete:
        assert len(found) == len(rows)
    elif len(found) < limit:
        assert budget < len(papers)  # stopped by the budget, not by the end
    if budget >= len(papers):  # every paper could be tried: as many rows as there are
        assert len(found) == min(limit, len(rows))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(record(), max_size=40),
    categories=st.lists(
        st.sampled_from(["cs.CL", "cs.LG", "", "  ", None, 5]), min_size=40, max_size=40
    ),
)
def test_the_sidebar_counts_from_the_records_are_those_of_the_papers(
    tmp_path: Path, records: list[dict[str, Any]], categories: list[Any]
) -> None:
    # The sidebar shows these with a large library's first page, before the papers are built.
    for doc, category in zip(records, categories, strict=False):
        doc["category"] = category
    path = tmp_path / "library.json"
    write_library(path, records)
    assert library_facets(Library(path)) == facet_counts(Library(path).papers())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(record(), max_size=30))
def test_shared_values_leave_the_records_as_they_were(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    # The interface shares the repeated texts of its records (less memory): the data,
    # the papers and the file written afterwards must not change.
    for n, doc in enumerate(records):
        doc["source"] = {"file": "listing.txt", "format": "listing"} if n % 3 else 7
        doc["links"] = [{"url": f"https://x.org/{n}", "kind": "code"}, "bad"][: n % 3]
    path = tmp_path / "library.json"
    write_library(path, records)
    shared = Library(path)
    shared.keys()  # read
    before = copy.deepcopy(shared._docs)
    shared.share_repeated_values()
    assert shared._docs == before
    assert [p.to_dict() for p in shared.papers()] == [p.to_dict() for p in Library(path).papers()]
    statuses = [doc["status"] for doc in shared._docs.values() if type(doc.get("status")) is str]
    for one, other in itertools.pairwise(statuses):
        assert one is other or one != other  # one object per text
    files = [d["source"]["file"] for d in shared._docs.values() if type(d.get("source")) is dict]
    assert len({id(name) for name in files}) <= 1
