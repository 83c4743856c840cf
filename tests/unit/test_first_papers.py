"""The interface's first page read from the records is the start of the full, sorted library."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.models import Paper, Status
from readlist.query import sort_papers
from readlist.store import Library

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
