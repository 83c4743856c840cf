"""Aliases: the other keys of a paper (a merge of two keys, a rekey), kept, found and exported."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.errors import KeyLookupError
from readlist.exporters import to_bibtex
from readlist.importers import parse_text
from readlist.keyformula import KeyFormula
from readlist.keys import plan_rekey
from readlist.models import Paper
from readlist.store import Library
from tests.tex_tools import require_tex
from tests.unit.test_tex_compile import (
    BIBER_PROBLEMS,
    BIBTEX_PROBLEMS,
    assert_clean_log,
    latex_passes,
    read,
    run,
)

FIRST = """@article{smith2020,
  author = {Ann Smith}, title = {Graphs and {TeX}}, journal = {J. Graphs},
  year = 2020, doi = {10.1000/graphs.1}}
@inproceedings{child, author = {Carl Hild}, title = {A Child Paper}, crossref = {proc}}
@proceedings{proc, title = {Proceedings of Things}, booktitle = {Proceedings of Things},
  year = 2019, editor = {Ed Itor}, publisher = {P}}
"""
SECOND = """@article{Smith:Graphs,
  author = {Smith, Ann}, title = {Graphs and TeX}, journal = {J. Graphs},
  year = 2020, doi = {https://doi.org/10.1000/GRAPHS.1}}
"""


def bib_papers(text: str, name: str) -> list[Paper]:
    return parse_text(text, source_name=name).papers


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "library.json")
    lib.import_batches([bib_papers(FIRST, "first.bib"), bib_papers(SECOND, "second.bib")])
    return lib


def test_a_merge_keeps_the_other_key_as_an_alias(library: Library) -> None:
    assert [p.key for p in library.papers()] == ["smith2020", "child", "proc"]
    paper = library.get("smith2020")
    assert paper.aliases == ["Smith:Graphs"]
    assert library.resolve("Smith:Graphs").key == "smith2020"
    assert library.alias_of("Smith:Graphs") == "smith2020"
    assert library.alias_of("smith2020") is None
    # The same files again add no paper and no alias.
    reports = library.import_batches(
        [bib_papers(FIRST, "first.bib"), bib_papers(SECOND, "second.bib")]
    )
    assert [r.added for r in reports] == [[], []]
    assert all("aliases" not in step.fields for r in reports for step in r.steps)
    assert library.get("smith2020").aliases == ["Smith:Graphs"]


def test_an_alias_is_reported_as_a_changed_field(tmp_path: Path) -> None:
    lib = Library(tmp_path / "library.json")
    lib.import_papers(bib_papers(FIRST, "first.bib"))
    report = lib.import_papers(bib_papers(SECOND, "second.bib"), dry_run=True)
    assert report.updated == ["smith2020"]
    assert "aliases" in report.steps[0].fields


def test_new_papers_never_take_an_alias_as_their_key(library: Library) -> None:
    text = "@misc{Smith:Graphs, title = {Another Paper Entirely}, author = {Bo Other}}"
    report = library.import_papers(bib_papers(text, "third.bib"))
    assert report.added == ["other2020another"] or report.added[0] != "Smith:Graphs"


def test_old_records_without_aliases_still_load() -> None:
    record = Paper(title="T", key="k").to_dict()
    del record["aliases"]
    problems: list[str] = []
    assert Paper.from_dict(record, problems).aliases == []
    assert problems == []
    bad: list[str] = []
    assert Paper.from_dict({**record, "aliases": "x"}, bad).aliases == []
    assert bad == ["'aliases' should be a list of strings, not str"]


def test_rename_keeps_the_old_key_as_an_alias(library: Library) -> None:
    library.rename({"smith2020": "smith2020graphs"})
    paper = library.get("smith2020graphs")
    assert paper.aliases == ["Smith:Graphs", "smith2020"]
    assert library.resolve("smith2020").key == "smith2020graphs"
    assert [p.key for p in library.papers()] == ["smith2020graphs", "child", "proc"]
    # Back to the old key: it is its own alias, so it is free for it.
    library.rename({"smith2020graphs": "smith2020"})
    assert library.get("smith2020").aliases == ["Smith:Graphs", "smith2020graphs"]
    with pytest.raises(KeyLookupError, match="'proc' is taken"):
        library.rename({"child": "proc"})
    with pytest.raises(KeyLookupError, match="'Smith:Graphs' is taken"):
        library.rename({"child": "Smith:Graphs"})
    reopened = Library(library.path)
    assert reopened.resolve("smith2020graphs").key == "smith2020"


def test_rekey_plan_pins_bib_keys_and_is_stable() -> None:
    formula = KeyFormula.parse("auth.lower + year")
    listing = [Paper(title="A", authors=["Ann Smith"], published="2020", key="x1")]
    listing.append(Paper(title="B", authors=["Ann Smith"], published="2020", key="x2"))
    imported = bib_papers(FIRST, "first.bib")
    for paper in imported:
        paper.key = paper.source.key or paper.key  # type: ignore[union-attr]
    everything = listing + imported
    renames, pinned = plan_rekey(everything, everything, formula.key)
    assert renames == {"x1": "smith2020a", "x2": "smith2020b"}
    assert pinned == ["smith2020", "child", "proc"]
    forced, none_pinned = plan_rekey(everything, everything, formula.key, force=True)
    assert none_pinned == []
    assert forced["child"] == "hild" and forced["proc"] == "proceedings2019"
    assert "smith2020" not in forced  # already what the formula gives
    # Once renamed, the plan is empty: the same library gives the same keys.
    for paper in listing:
        paper.aliases.append(paper.key)
        paper.key = renames[paper.key]
    assert plan_rekey(everything, everything, formula.key) == ({}, pinned)


def exported(library: Library, dialect: str) -> str:
    return to_bibtex(library.papers(), dialect=dialect)


def test_biblatex_gets_ids_and_bibtex_a_copy_per_alias(library: Library) -> None:
    biblatex = exported(library, "biblatex")
    assert "  ids = {Smith:Graphs}\n" in biblatex
    assert "@article{Smith:Graphs," not in biblatex
    bibtex = exported(library, "bibtex")
    assert "ids =" not in bibtex
    first = bibtex[bibtex.index("@article{smith2020,") :].split("\n\n")[0]
    copy = bibtex[bibtex.index("@article{Smith:Graphs,") :].split("\n\n")[0]
    assert copy.replace("Smith:Graphs", "smith2020", 1) == first


def test_an_alias_another_entry_is_cited_by_is_left_out(library: Library) -> None:
    library.rename({"smith2020": "smith2020graphs"})
    papers = library.papers()
    papers.append(Paper(title="Other", key="SMITH2020"))  # BibTeX: the same key as smith2020
    text = to_bibtex(papers, dialect="biblatex")
    assert "ids = {Smith:Graphs}" in text
    assert to_bibtex(papers).count("{smith2020,") == 0


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="dialect"):
        to_bibtex([Paper(title="T", key="k")], dialect="amsrefs")


CITED = ["smith2020", "Smith:Graphs", "child", "child-old", "proc"]


def _cite_document(tmp_path: Path, bib: str, preamble: str, back: str) -> None:
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    cites = "".join(f"\\cite{{{key}}}\n" for key in CITED)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n"
        + preamble
        + "\\begin{document}\n"
        + cites
        + back
        + "\\end{document}\n",
        encoding="utf-8",
    )


def _aliased(library: Library) -> list[Paper]:
    library.rename({"child": "hild2019child"})
    library.rename({"hild2019child": "child"})  # "hild2019child" is an alias now too
    papers = library.papers()
    child = next(p for p in papers if p.key == "child")
    child.aliases.append("child-old")  # a crossref child: a copy must keep its crossref
    return papers


BIBLATEX = "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"


def _build(tmp_path: Path, bib: str, backend: str) -> None:
    """Cite every key of CITED; pdflatex, ``backend``, pdflatex ×2; assert no warning."""
    require_tex("pdflatex", backend)
    if backend == "bibtex":
        _cite_document(tmp_path, bib, "", "\\bibliographystyle{plain}\n\\bibliography{refs}\n")
    else:
        _cite_document(tmp_path, bib, BIBLATEX, "\\printbibliography\n")
    latex_passes(tmp_path, 1)
    result = run([backend, "doc"], tmp_path)
    blg = read(tmp_path / "doc.blg")
    assert result.returncode == 0, blg[-3000:]
    problems = (BIBTEX_PROBLEMS if backend == "bibtex" else BIBER_PROBLEMS).findall(blg)
    assert not problems, blg
    assert_clean_log(latex_passes(tmp_path, 2))


def test_every_alias_resolves_with_pdflatex_and_bibtex(library: Library, tmp_path: Path) -> None:
    _build(tmp_path, to_bibtex(_aliased(library)), "bibtex")
    bbl = read(tmp_path / "doc.bbl")
    for key in CITED:
        assert f"\\bibitem{{{key}}}" in bbl


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_every_alias_resolves_with_pdflatex_and_biber(
    library: Library, tmp_path: Path, dialect: str
) -> None:
    _build(tmp_path, to_bibtex(_aliased(library), dialect=dialect), "biber")
    bbl = read(tmp_path / "doc.bbl")
    for key in ("smith2020", "child", "proc"):
        assert f"\\entry{{{key}}}" in bbl


def test_a_copy_under_an_alias_drops_the_entrys_own_ids() -> None:
    text = "@article{k, title = {T}, author = {A. B}, journal = {J}, year = 2000, ids = {old}}"
    paper = bib_papers(text, "ids.bib")[0]
    paper.key, paper.aliases = "k", ["alias"]
    exported = to_bibtex([paper])
    assert exported.count("ids = {old}") == 1
    assert "ids = {old,alias}" in to_bibtex([paper], dialect="biblatex")
