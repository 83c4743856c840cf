"""Library.import_papers on real files: which papers are one, and what a merge keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist import merge
from readlist.importers import parse_text
from readlist.models import Link, Paper, Source
from readlist.store import Library


@pytest.fixture(autouse=True)
def cold_merge_caches() -> None:
    """Each test computes its keys afresh, so it checks the code, not an earlier test's cache."""
    for cached in (merge.title_key, merge.author_key, merge._field_ids, merge._is_latin):
        cached.cache_clear()


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.json")


def paper(title: str, author: str = "Ann Lee", **facts: object) -> Paper:
    return Paper(title=title, authors=[author], published="2023-01-02", **facts)  # type: ignore[arg-type]


def bib_paper(title: str, citation: str, file: str = "refs.bib", **fields: str) -> Paper:
    return Paper(
        title=title,
        key=citation,
        authors=["Ann Lee"],
        source=Source(file, "bibtex", "article", citation, dict(fields)),
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("C++ for Machine Learning", "C# for Machine Learning"),
        (r"$\alpha$-Nets", "A-Nets"),
        ("α-Nets", "A-Nets"),
        ("语言模型的研究", "预言模型的研究"),
    ],
)
def test_papers_whose_titles_differ_in_meaning_stay_apart(
    library: Library, one: str, other: str
) -> None:
    report = library.import_papers([paper(one, abstract="first"), paper(other, abstract="second")])
    assert len(report.added) == 2 and not report.unchanged
    first_key = report.added[0]
    library.set_note(first_key, "my note")
    again = library.import_papers([paper(other, abstract="second, revised")])
    assert again.updated == [report.added[1]]
    kept = Library(library.path).get(first_key)
    assert (kept.title, kept.abstract, kept.notes) == (one, "first", "my note")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"eprint": "2301.00001", "archiveprefix": "arXiv"}, {"eprint": "2301.00002"}),
        ({"doi": "10.1000/one"}, {"doi": "https://doi.org/10.1000/two"}),
    ],
)
def test_same_title_and_author_with_different_identifiers_stay_apart(
    library: Library, one: dict[str, str], other: dict[str, str]
) -> None:
    first = library.import_papers([bib_paper("Attention", "a", **one)])
    second = library.import_papers([bib_paper("Attention", "b", "other.bib", **other)])
    assert (first.added, second.added) == (["a"], ["b"])
    assert len(Library(library.path)) == 2


def test_equal_identifiers_merge_across_titles(library: Library) -> None:
    library.import_papers([bib_paper("A Preprint", "pre", eprint="2306.07629v1")])
    report = library.import_papers(
        [bib_paper("The Published Title", "pub", "journal.bib", doi="10.48550/arXiv.2306.07629")]
    )
    assert report.updated == ["pre"] and len(library) == 1
    assert library.get("pre").title == "The Published Title"


def test_a_paper_repeated_within_one_import_does_not_stop_the_rest(library: Library) -> None:
    a, b, c = paper("A Paper"), paper("B Paper"), paper("C Paper")
    report = library.import_papers([a, a.copy(), b, c])
    assert [p.title for p in library.papers()] == ["A Paper", "B Paper", "C Paper"]
    assert len(report.added) == 3 and len(report.unchanged) == 1


def test_a_paper_twice_in_one_import_is_one_paper_with_both_sources_facts(
    library: Library,
) -> None:
    first = paper("A Paper")
    second = paper("a paper!", abstract="the abstract")
    second.published = "2023"
    report = library.import_papers([first, second])
    (only,) = Library(library.path).papers()
    assert report.added == [only.key] and not report.updated
    assert (only.abstract, only.published) == ("the abstract", "2023-01-02")


def test_distinct_citation_keys_in_one_bib_are_never_merged(library: Library) -> None:
    tugboat = (
        "@journal{tb2, title = {TUGboat}, editor = {Robert Welland}, volume = 2, year = 1981}\n"
        "@journal{tb3, title = {TUGboat}, editor = {Robert Welland}, volume = 3, year = 1982}\n"
    )
    papers = parse_text(tugboat, source_name="tugboat.bib").papers
    report = library.import_papers(papers)
    assert report.added == ["tb2", "tb3"]
    again = library.import_papers(parse_text(tugboat, source_name="tugboat.bib").papers)
    assert again.unchanged == ["tb2", "tb3"] and not again.updated
    volumes = {p.key: p.source.fields["volume"] for p in library.papers() if p.source}
    assert volumes == {"tb2": "2", "tb3": "3"}


def test_a_keyless_entry_and_a_keyed_one_of_one_bib_stay_two(library: Library) -> None:
    # JabRef's ModsExportFormatTestMultipleEntries.bib: the keyed entry's key was lost
    # when it merged into the keyless one before it.
    text = (
        "@article{, author = {Shruthi, Basavaradhya}, title = {Proteomics}, year = 2016}\n"
        "@inproceedings{Shruthi2016, author = {Shruthi, Basavaradhya},"
        " title = {Proteomics}, year = 2016}\n"
    )
    report = library.import_papers(parse_text(text, source_name="mods.bib").papers)
    assert len(report.added) == 2 and "Shruthi2016" in report.added
    assert {p.key for p in library.papers()} == set(report.added)


def test_a_new_entry_of_the_same_bib_does_not_merge_into_a_known_one(library: Library) -> None:
    library.import_papers([bib_paper("TUGboat", "tb2", "tugboat.bib", volume="2")])
    report = library.import_papers([bib_paper("TUGboat", "tb3", "tugboat.bib", volume="3")])
    assert report.added == ["tb3"]


def test_same_content_from_a_renamed_file_is_unchanged(library: Library) -> None:
    text = "@article{k, title = {A Title}, author = {Lee, Ann}, year = 2023}\n"
    library.import_papers(parse_text(text, source_name="refs.bib").papers)
    report = library.import_papers(parse_text(text, source_name="copy of refs.bib").papers)
    assert (report.updated, report.unchanged) == ([], ["k"])
    source = library.get("k").source
    assert source is not None
    assert (source.file, source.format, source.entry_type, source.key) == (
        "refs.bib",
        "bibtex",
        "article",
        "k",
    )


def test_dry_run_reports_the_import_and_writes_nothing(library: Library) -> None:
    library.import_papers([paper("A Paper")])
    before = library.path.read_bytes()
    report = library.import_papers(
        [paper("A Paper", abstract="new"), paper("B Paper")], dry_run=True
    )
    assert (report.added, report.updated) == (["lee2023b"], ["lee2023paper"])
    assert [(s.action, s.key, s.fields) for s in report.steps] == [
        ("updated", "lee2023paper", ("abstract",)),
        ("added", "lee2023b", ()),
    ]
    assert library.path.read_bytes() == before
    assert [p.key for p in Library(library.path).papers()] == ["lee2023paper"]


def test_batches_see_each_other_and_save_once(library: Library) -> None:
    reports = library.import_batches([[paper("A Paper")], [paper("A Paper", abstract="x")]])
    assert [r.added for r in reports] == [["lee2023paper"], []]
    assert library.get("lee2023paper").abstract == "x"


EDITED_BEFORE = r"""@article{k1, title = {A {NASA} Study}, author = {Doe, Jane}, year = 2020,
  journal = {J}}"""
EDITED_AFTER = r"""@article{k1, title = {A {NASA} Study of {M}ars}, author = {Doe, Jane},
  year = 2020, journal = {The {J}ournal}, note = {The {ESA} view}}"""


def test_an_edited_bib_entry_reimported_updates_its_paper_as_now_written(
    library: Library,
) -> None:
    from readlist.exporters import to_bibtex

    first = library.import_papers(parse_text(EDITED_BEFORE, source_name="mine.bib").papers)
    (key,) = first.added
    library.add_tags([key], ["keep"])
    again = library.import_papers(parse_text(EDITED_AFTER, source_name="mine.bib").papers)
    assert again.updated == [key] and not again.added  # a fixed title is not a new paper
    reread = Library(library.path)
    assert len(reread) == 1 and reread.get(key).tags == ["keep"]
    exported = to_bibtex(reread.papers())
    # Every field as the file now writes it, braces included, not as first imported.
    assert "title = {A {NASA} Study of {M}ars}" in exported
    assert "journal = {The {J}ournal}" in exported
    assert "note = {The {ESA} view}" in exported


def test_an_edited_bib_entry_whose_doi_changed_is_another_paper(library: Library) -> None:
    before = EDITED_BEFORE.replace("journal", "doi = {10.1/one}, journal")
    after = EDITED_AFTER.replace("journal", "doi = {10.1/two}, journal")
    first = library.import_papers(parse_text(before, source_name="mine.bib").papers)
    again = library.import_papers(parse_text(after, source_name="mine.bib").papers)
    assert len(first.added) == 1 and len(again.added) == 1


TUGBOAT = "".join(
    f"@journal{{tb{n}, title = {{TUGboat}}, editor = {{Robert Welland}}, volume = {n}}}\n"
    for n in (2, 3, 4)
)


def test_a_bib_imported_again_under_another_name_keeps_its_entries_apart(
    library: Library,
) -> None:
    library.import_papers(parse_text(TUGBOAT, source_name="tugboat.bib").papers[:1])
    copy = parse_text(TUGBOAT, source_name="tugboat copy.bib").papers
    report = library.import_papers(copy[:2])
    assert (report.unchanged, report.added, report.updated) == (["tb2"], ["tb3"], [])
    again = library.import_papers(parse_text(TUGBOAT, source_name="tugboat 3.bib").papers)
    assert (again.unchanged, again.added, again.updated) == (["tb2", "tb3"], ["tb4"], [])
    volumes = {p.key: p.source.fields["volume"] for p in library.papers() if p.source}
    assert volumes == {"tb2": "2", "tb3": "3", "tb4": "4"}


def test_an_entry_finds_its_paper_after_a_candidate_that_is_another_paper(
    library: Library,
) -> None:
    library.import_papers([paper("Attention", "Bob Ray"), paper("Attention", "Ann Lee")])
    (bob, ann) = [p.key for p in library.papers()]
    report = library.import_papers([paper("Attention", "A. Lee", abstract="new")])
    assert report.updated == [ann] and not report.added
    assert library.get(bob).abstract == ""


def test_an_edited_bib_entry_that_gains_a_doi_updates_its_paper(library: Library) -> None:
    first = library.import_papers(parse_text(EDITED_BEFORE, source_name="mine.bib").papers)
    after = EDITED_AFTER.replace("journal", "doi = {10.1/new}, journal")
    again = library.import_papers(parse_text(after, source_name="mine.bib").papers)
    assert again.updated == first.added and not again.added


def test_a_new_key_of_a_known_bib_still_matches_a_paper_from_elsewhere(
    library: Library,
) -> None:
    with_doi = TUGBOAT.replace("volume = 2", "volume = 2, doi = {10.1/two}")
    library.import_papers(parse_text(with_doi, source_name="tugboat.bib").papers[:1])
    listed = Paper(title="TUGboat", links=[Link("https://doi.org/10.1/other")])
    (listed_key,) = library.import_papers([listed]).added
    report = library.import_papers(parse_text(TUGBOAT, source_name="tugboat.bib").papers[2:])
    assert report.updated == [listed_key] and not report.added


@pytest.mark.parametrize("incoming_format", ["arxiv", "crossref", "csl-json", "listing"])
def test_enriching_a_paper_of_the_users_bib_keeps_it_theirs(incoming_format: str) -> None:
    """arXiv or a DOI record adds facts to a .bib paper; its key stays pinned and its file named."""
    from readlist.keys import is_pinned

    current = bib_paper("Attention Is All You Need", "Vaswani:2017", doi="10.5555/x")
    incoming = Paper(
        title="Attention Is All You Need",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        published="2017-06-12",
        abstract="The dominant sequence transduction models.",
        source=Source("arXiv:1706.03762", incoming_format, "misc", "", {"eprint": "1706.03762"}),
    )
    merged = merge.merge_papers(current, incoming)
    assert merged.abstract  # the merge did teach the paper something
    assert merged.source is not None
    assert (merged.source.format, merged.source.file, merged.source.key) == (
        "bibtex",
        "refs.bib",
        "Vaswani:2017",
    )
    assert merged.source.fields["eprint"] == "1706.03762"
    assert is_pinned(merged)


def test_a_listing_paper_enriched_by_arxiv_names_arxiv_as_its_source() -> None:
    """Only a .bib source is kept over a later one; a listing paper's source moves on."""
    current = paper("Attention Is All You Need", source=Source("listing.txt", "listing"))
    incoming = paper(
        "Attention Is All You Need",
        abstract="The dominant sequence transduction models.",
        source=Source("arXiv:1706.03762", "arxiv", "misc", "", {"eprint": "1706.03762"}),
    )
    merged = merge.merge_papers(current, incoming)
    assert merged.source is not None
    assert (merged.source.format, merged.source.file) == ("arxiv", "arXiv:1706.03762")
