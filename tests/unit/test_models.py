"""The domain model's own behaviour: copies, JSON round trips, status parsing."""

from __future__ import annotations

import dataclasses

from readlist.models import Link, LinkKind, Paper, Source, Status


def every_field_set() -> Paper:
    """A paper in which no field has its default value."""
    return Paper(
        title="Sparse Attention",
        key="lee2024sparse",
        aliases=["Lee24"],
        authors=["Ann Lee"],
        authors_truncated=True,
        affiliations=["mit"],
        category="cs.LG",
        published="2024-03-01",
        abstract="An abstract.",
        has_code=True,
        links=[Link("https://github.com/a/b", LinkKind.CODE)],
        tags=["llm"],
        status=Status.READ,
        notes="A note.",
        added="2026-11-24T09:00:00+00:00",
        updated="2026-11-24T10:00:00+00:00",
        read_at="2026-11-24T10:00:00+00:00",
        conflicts=["notes: both machines changed the same lines"],
        edited=["title"],
        pdf="papers/lee2024sparse.pdf",
        source=Source("x.bib", "bibtex", "article", "Lee24", {"doi": "10.1/x"}),
    )


def test_the_paper_used_here_sets_every_field() -> None:
    paper = every_field_set()
    defaults = Paper(title="")
    for field in dataclasses.fields(Paper):
        assert getattr(paper, field.name) != getattr(defaults, field.name), field.name


def test_a_copy_is_equal_and_shares_nothing_mutable() -> None:
    paper = every_field_set()
    copy = paper.copy()
    assert copy == paper and copy.to_dict() == paper.to_dict()
    for name in ("authors", "affiliations", "links", "tags"):
        assert getattr(copy, name) is not getattr(paper, name)
    assert copy.source is not None and paper.source is not None
    assert copy.source is not paper.source and copy.source.fields is not paper.source.fields


def test_json_round_trip_keeps_every_field() -> None:
    paper = every_field_set()
    assert Paper.from_dict(paper.to_dict()) == paper


def test_unknown_statuses_read_as_unread() -> None:
    assert Status.parse("reading") is Status.READING
    assert [Status.parse(v) for v in ("done", None, 3, ["read"])] == [Status.UNREAD] * 4


def test_a_paper_read_from_a_record_shares_nothing_mutable_with_it() -> None:
    record = every_field_set().to_dict()
    record["source"].update(raw={"title": "{Sparse}"}, strings={"acl": "ACL"}, preamble=["x"])
    paper = Paper.from_dict(record)
    assert paper.to_dict() == record
    source = paper.source
    assert source is not None
    for name in ("fields", "raw", "strings", "preamble"):
        assert getattr(source, name) is not record["source"][name], name
    for name in ("authors", "affiliations", "tags"):
        assert getattr(paper, name) is not record[name], name


def test_links_of_unknown_or_unreadable_kinds_read_as_other() -> None:
    kinds = ["code", "weird", ["code"], None, 3]
    problems: list[str] = []
    paper = Paper.from_dict(
        {
            "title": "t",
            "links": [{"url": f"https://x/{n}", "kind": k} for n, k in enumerate(kinds)],
        },
        problems,
    )
    assert [link.kind for link in paper.links] == [LinkKind.CODE, *[LinkKind.OTHER] * 4]
    assert problems == []
    assert [Link.from_dict({"url": "u", "kind": k}).kind for k in kinds] == [
        LinkKind.CODE,
        *[LinkKind.OTHER] * 4,
    ]
