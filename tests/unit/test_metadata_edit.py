"""The rules of ``readlist edit``: what counts as changed, conflicts, and the user's mark kept."""

from __future__ import annotations

import pytest

from readlist.enriching import enrichment
from readlist.merge import merge_papers
from readlist.metadata_edit import (
    EditConflict,
    MetadataChange,
    apply_edit,
    entry_text,
    read_entry,
)
from readlist.models import Link, LinkKind, Paper, Source


def stored() -> Paper:
    return Paper(
        title="Sparse Attention",
        key="lee2024sparse",
        authors=["Ann Lee"],
        published="2024-03-05",
        links=[Link("https://github.com/a/b", LinkKind.CODE), Link("https://a.org/project")],
        tags=["ml"],
        source=Source("x.bib", "bibtex", "article", "lee2024sparse", {"journal": "J. Sparse"}),
    )


def edit(paper: Paper, *replacements: tuple[str, str]) -> MetadataChange:
    text = entry_text(paper)
    before, errors = read_entry(text)
    assert before is not None, errors
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    after, errors = read_entry(text)
    assert after is not None, errors
    return MetadataChange.between(before, after)


def test_an_untouched_entry_changes_nothing_even_what_bibtex_cannot_carry() -> None:
    paper = stored()
    assert edit(paper).names == ()
    saved = apply_edit(paper, paper, edit(paper, ("J. Sparse", "Sparse Letters")))
    assert saved.published == "2024-03-05"  # the day, which year/month alone would lose
    assert saved.links == paper.links  # the second link, which the entry does not show
    assert saved.edited == ["journal"]


def test_a_field_changed_on_both_sides_is_a_conflict_and_others_merge() -> None:
    start = stored()
    change = edit(start, ("{Sparse Attention}", "{Sparse Attention, Mine}"))
    meanwhile = start.copy()
    meanwhile.title = "Sparse Attention, Theirs"
    with pytest.raises(EditConflict, match="title changed in the library"):
        apply_edit(meanwhile, start, change)
    meanwhile = start.copy()
    meanwhile.category = "cs.LG"
    saved = apply_edit(meanwhile, start, change)
    assert (saved.title, saved.category) == ("Sparse Attention, Mine", "cs.LG")


def test_imports_and_enrich_keep_what_the_user_edited() -> None:
    start = stored()
    mine = apply_edit(
        start, start, edit(start, ("{Sparse Attention}", "{Mine}"), ("J. Sparse", "Mine J."))
    )
    incoming = Paper(
        title="Sparse Attention",
        authors=["Ann Lee", "Bo Kim"],
        abstract="New.",
        source=Source("y.bib", "bibtex", "article", "lee2024sparse", {"journal": "Other"}),
    )
    merged = merge_papers(mine, incoming)
    assert (merged.title, merged.source and merged.source.fields["journal"]) == ("Mine", "Mine J.")
    assert merged.authors == ["Ann Lee", "Bo Kim"] and merged.abstract == "New."  # not edited
    by_author = apply_edit(start, start, edit(start, ("{Lee, Ann}", "{Lee, Ann and Roe, Cy}")))
    hit = Paper(title="Sparse Attention", authors=["Ann Lee", "Dee Ng"], published="2024-03-06")
    enriched = merge_papers(by_author, enrichment(by_author, hit))
    assert enriched.authors == ["Ann Lee", "Cy Roe"]
    assert enriched.published == "2024-03-06"


def test_a_paper_without_a_source_gains_one_for_the_fields_added() -> None:
    paper = Paper(title="From a Listing", key="lovelace2024listing", authors=["Ada Lovelace"])
    change = edit(paper, ("@misc{", "@inproceedings{"), ("\n}", ",\n  booktitle = {Proc. X}\n}"))
    saved = apply_edit(paper, paper, change)
    assert saved.source is not None
    assert (saved.source.entry_type, saved.source.fields) == (
        "inproceedings",
        {"booktitle": "Proc. X"},
    )
    assert saved.edited == ["booktitle", "entrytype"]


def test_a_record_from_before_edited_and_pdf_journals_only_what_changed() -> None:
    from readlist.store.journal import diff_records

    old = Paper(title="Old", key="old2020").to_dict()
    del old["edited"], old["pdf"], old["abstract"]
    new = {**Paper(title="Old", key="old2020", tags=["x"]).to_dict()}
    del new["abstract"]
    change = diff_records(old, new)
    assert change is not None and change.fields == ("tags",)
    marked = {**new, "edited": ["title"], "pdf": "papers/old2020.pdf"}
    change = diff_records(old, marked)
    assert change is not None and change.fields == ("edited", "pdf", "tags")


def test_a_field_added_to_a_paper_not_from_a_bib_file_exports_with_all_the_others() -> None:
    from readlist.exporters.bibtex import bibtex_entry

    fields = {"eprint": "1605.08386", "archiveprefix": "arXiv", "primaryclass": "math.CO"}
    paper = Paper(
        title="Heat-bath",
        key="stanley2016",
        authors=["Caprice Stanley"],
        category="math.CO",
        source=Source("arxiv", "arxiv", "misc", None, fields),
    )
    saved = apply_edit(paper, paper, edit(paper, ("\n}", ",\n  journal = {J. Foo}\n}")))
    exported = bibtex_entry(saved)
    assert "journal = {J. Foo}" in exported and "eprint = {1605.08386}" in exported
    assert exported.replace("  journal = {J. Foo},\n", "") == bibtex_entry(paper)


def test_a_link_or_tag_the_user_removed_is_not_brought_back_by_an_import_or_enrich() -> None:
    start = stored()
    mine = apply_edit(
        start,
        start,
        edit(start, ("  url = {https://github.com/a/b},\n", ""), (",\n  keywords = {ml}", "")),
    )
    assert "https://github.com/a/b" not in {link.url for link in mine.links}
    assert mine.tags == [] and {"url", "keywords"} <= set(mine.edited)
    incoming = Paper(
        title="Sparse Attention",
        authors=["Ann Lee"],
        links=[Link("https://github.com/a/b", LinkKind.CODE), Link("https://arxiv.org/abs/1")],
        has_code=True,
        tags=["ml"],
        source=Source("y.bib", "bibtex", "article", "lee2024sparse", {"keywords": "ml"}),
    )
    merged = merge_papers(mine, incoming, extra_tags=["asked-for"])
    assert merged.links == mine.links and merged.has_code == mine.has_code
    assert merged.tags == ["asked-for"]  # the user's own --tag still applies
    hit = Paper(title="Sparse Attention", authors=["Ann Lee"], links=incoming.links)
    assert merge_papers(mine, enrichment(mine, hit)).links == mine.links
    # Without the edit, the same import unites links and tags as before.
    untouched = merge_papers(start, incoming)
    assert "https://arxiv.org/abs/1" in {link.url for link in untouched.links}
