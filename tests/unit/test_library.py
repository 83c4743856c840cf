from __future__ import annotations

from pathlib import Path

import pytest

from readlist.errors import KeyLookupError
from readlist.models import Link, LinkKind, Paper, Status
from readlist.store import Library


def listing_paper(title: str, author: str = "Zhiqing Sun", **facts: object) -> Paper:
    return Paper(title=title, authors=[author, "Sheng Shen"], published="2023-09-25", **facts)  # type: ignore[arg-type]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.json")


def test_new_library_is_empty_and_creates_no_file(library: Library) -> None:
    assert library.papers() == []
    assert not library.path.exists()


def test_import_assigns_stable_unique_keys(library: Library) -> None:
    report = library.import_papers(
        [listing_paper("Aligning Models"), listing_paper("Aligning Vision")]
    )
    assert report.added == ["sun2023aligning", "sun2023aligninga"]
    reopened = Library(library.path)
    assert [p.key for p in reopened.papers()] == ["sun2023aligning", "sun2023aligninga"]
    assert all(p.added and p.status is Status.UNREAD for p in reopened.papers())


def test_reimport_keeps_user_data_and_refreshes_facts(library: Library) -> None:
    library.import_papers([listing_paper("Aligning Models", abstract="old")])
    library.set_status(["sun2023aligning"], Status.READ)
    library.add_tags(["sun2023aligning"], ["RLHF", "to read"])
    library.set_note("sun2023aligning", "my **note**")
    same = listing_paper(
        "Aligning  models!", abstract="new", links=[Link("https://github.com/a/b", LinkKind.CODE)]
    )
    report = library.import_papers([same])
    assert (report.added, report.updated, report.unchanged) == ([], ["sun2023aligning"], [])
    paper = Library(library.path).get("sun2023aligning")
    assert paper.abstract == "new"
    assert paper.code_url == "https://github.com/a/b"
    assert paper.status is Status.READ and paper.read_at
    assert paper.tags == ["rlhf", "to-read"]
    assert paper.notes == "my **note**"
    assert paper.title == "Aligning  models!"
    again = library.import_papers([same])
    assert again.unchanged == ["sun2023aligning"] and not again.updated


def test_identity_uses_first_author_unless_source_has_none(library: Library) -> None:
    library.import_papers([listing_paper("Same Title", author="Ann Lee")])
    report = library.import_papers([listing_paper("Same Title", author="Bob Ray")])
    assert len(report.added) == 1
    report = library.import_papers([Paper(title="same title", abstract="from search")])
    lee, ray = Library(library.path).papers()
    assert report.updated == [lee.key] and not report.added and len(library) == 2
    assert (lee.abstract, ray.abstract) == ("from search", "")  # merged into the first only
    assert (lee.authors, ray.authors) == (["Ann Lee", "Sheng Shen"], ["Bob Ray", "Sheng Shen"])
    assert lee.authors_truncated is False and lee.published == "2023-09-25"


def test_import_tags_apply_to_new_and_known(library: Library) -> None:
    library.import_papers([listing_paper("A Paper")])
    library.import_papers([listing_paper("A Paper"), listing_paper("B Paper")], tags=["Week 1"])
    assert [p.tags for p in library.papers()] == [["week-1"], ["week-1"]]


def test_prefix_resolution(library: Library) -> None:
    library.import_papers(
        [
            listing_paper("Aligning Models"),
            listing_paper("Aligning Vision"),
            listing_paper("Boosting", author="Sehoon Kim"),
        ]
    )
    assert library.resolve("kim").key == "kim2023boosting"
    assert library.resolve("sun2023aligning").key == "sun2023aligning"
    with pytest.raises(KeyLookupError, match=r"ambiguous.*sun2023aligning, sun2023aligninga"):
        library.resolve("sun")
    with pytest.raises(KeyLookupError, match="no paper"):
        library.resolve("nobody")


def test_status_tags_notes_remove(library: Library) -> None:
    library.import_papers([listing_paper("A Paper"), listing_paper("B Paper")])
    keys = [p.key for p in library.papers()]
    library.set_status(keys, Status.READING)
    library.set_status(keys[:1], Status.READ)
    library.add_tags(keys, ["x", "y"])
    library.remove_tags(keys[1:], ["x", "absent"])
    library.set_note(keys[0], "first")
    library.set_note(keys[0], "second", append=True)
    fresh = Library(library.path)
    a, b = fresh.papers()
    assert (a.status, b.status) == (Status.READ, Status.READING)
    assert a.read_at and not b.read_at
    assert (a.tags, b.tags) == (["x", "y"], ["y"])
    assert a.notes == "first\n\nsecond"
    fresh.remove([b.key])
    assert [p.key for p in Library(library.path).papers()] == [a.key]


def test_unchanged_write_does_not_touch_file(library: Library) -> None:
    library.import_papers([listing_paper("A Paper")])
    before = library.path.stat().st_ino
    assert library.set_status([library.papers()[0].key], Status.UNREAD) == []
    assert library.path.stat().st_ino == before


def test_two_handles_see_each_others_changes(library: Library) -> None:
    library.import_papers([listing_paper("A Paper"), listing_paper("B Paper")])
    other = Library(library.path)
    a, b = (p.key for p in other.papers())
    other.add_tags([a], ["from-cli"])
    assert library.changed_on_disk()
    library.set_status([b], Status.READ)  # must not lose the other handle's tag
    final = Library(library.path)
    assert final.get(a).tags == ["from-cli"]
    assert final.get(b).status is Status.READ
    assert library.refresh() is False


def test_search_uses_fresh_notes(library: Library) -> None:
    library.import_papers([listing_paper("A Paper")])
    key = library.papers()[0].key
    assert library.search("banana") == []
    library.set_note(key, "banana bread")
    assert [p.key for p in library.search("banana")] == [key]
    assert library.status_counts()[Status.UNREAD] == 1
    assert library.tag_counts() == {}


def test_index_follows_external_changes(library: Library) -> None:
    library.import_papers([listing_paper("A Paper"), listing_paper("B Paper")])
    library.build_index()
    other = Library(library.path)
    a, b = (p.key for p in other.papers())
    other.set_note(a, "banana bread")
    other.set_status([b], Status.READ)
    assert [p.key for p in library.search("banana")] == [a]
    assert [p.key for p in library.search("b paper status:read")] == [b]


def test_reload_after_another_process_saved_rebuilds_only_changed_papers(
    library: Library,
) -> None:
    library.import_papers(
        [listing_paper("Aligning Models", abstract="About models."), listing_paper("Vision")]
    )
    mine = Library(library.path)
    before = {paper.key: paper for paper in mine.papers()}
    tagged, untouched = before
    library.add_tags([tagged], ["elsewhere"])
    assert mine.refresh()
    after = {paper.key: paper for paper in mine.papers()}
    assert after[untouched] is before[untouched]  # kept, not rebuilt
    assert after[tagged] is not before[tagged]
    assert after[tagged].tags == ["elsewhere"]
    assert after[tagged].abstract == "About models."
    library.remove([untouched])
    assert mine.refresh()
    assert [paper.key for paper in mine.papers()] == [tagged]
