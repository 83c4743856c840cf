"""One copy of each bibliographic fact: what an import reads, an export writes back the same."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist.bib.arxiv import CLASSES, arxiv_class, category_class
from readlist.bib.names import split_name
from readlist.exporters import export
from readlist.importers import parse_text
from readlist.models import Paper

ABSTRACT = "We study controllers for power grids. " * 4


def listing(code: str) -> str:
    """A one-paper listing whose category is ``code``."""
    return f"{code}Sep 25, 2023\nStable Grid ControlAna dos Santos, Maria do Carmo\n{ABSTRACT}\n"


@pytest.mark.parametrize("code", ["SY", "CV", "ML", "ME", "QP", "OC"])
def test_a_listing_category_is_exported_as_the_class_it_was_imported_as(code: str) -> None:
    papers = parse_text(listing(code), source_name="l.txt", today=date(2026, 11, 25)).papers
    assert [paper.category for paper in papers] == [CLASSES[code]]
    assert f"primaryclass = {{{CLASSES[code]}}}" in export(papers, "bibtex")


@pytest.mark.parametrize("code", sorted(CLASSES))
def test_a_short_category_exports_as_the_class_an_import_gives_it(code: str) -> None:
    assert arxiv_class(code) == category_class(code) == CLASSES[code]
    assert arxiv_class(code.lower()) == CLASSES[code]


def test_sy_is_the_eess_class_both_ways() -> None:
    paper = Paper(title="Stable Grid Control", authors=["Ann Lee"], category="SY")
    assert "primaryclass = {eess.SY}" in export([paper], "bibtex")
    assert category_class("SY") == "eess.SY"


def test_a_full_class_is_kept_and_an_unknown_code_is_no_class() -> None:
    assert arxiv_class(" cs.SY ") == "cs.SY"
    assert arxiv_class("hep-th") == "hep-th"
    assert arxiv_class("XX") is None and category_class("XX") == "XX"


def test_a_listing_reads_particle_names_as_split_name_splits_them() -> None:
    papers = parse_text(listing("SY"), source_name="l.txt", today=date(2026, 11, 25)).papers
    assert papers[0].authors == ["Ana dos Santos", "Maria do Carmo"]
    assert [split_name(a).family for a in papers[0].authors] == ["dos Santos", "do Carmo"]
    assert "author = {dos Santos, Ana and do Carmo, Maria}" in export(papers, "bibtex")


@given(st.text(max_size=40))
def test_a_formula_key_and_an_exported_key_are_made_of_the_one_key_character_set(
    text: str,
) -> None:
    from readlist.bib.keys import MADE_KEY, made_key
    from readlist.exporters._common import citation_key
    from readlist.keyformula import KeyFormula

    formula_key = KeyFormula.parse('"x" + title').key(Paper(title=text))
    exported = citation_key(Paper(title="T", key=text))
    for key in (formula_key, exported):
        assert MADE_KEY.fullmatch(key)
    assert exported in (made_key(text.strip()), "paper")


def test_an_export_and_the_library_suffix_clashing_keys_alike() -> None:
    from readlist.exporters._common import unique_keys
    from readlist.keys import unique_key

    papers = [Paper(title="T", key="k") for _ in range(30)]
    exported = unique_keys(papers)
    taken: set[str] = set()
    for _ in papers:
        taken.add(unique_key("k", taken))
    assert exported[:3] == ["k", "ka", "kb"] and exported[26:29] == ["kz", "kaa", "kab"]
    assert set(exported) == taken
