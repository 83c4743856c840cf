"""The BibTeX integrity check (readlist/bibcheck.py): each problem found, none on good entries."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from readlist.bibcheck import check_papers, isbn_ok
from readlist.importers import parse_text
from readlist.models import Paper
from tests.tex_tools import require_tex

REAL = Path(__file__).parent / "data" / "real_bib"


def papers_of(text: str, name: str = "t.bib") -> list[Paper]:
    papers = parse_text(text, source_name=name).papers
    for paper in papers:  # as the library keys them
        paper.key = paper.source.key if paper.source and paper.source.key else paper.key
    return papers


def lines(text: str) -> list[str]:
    return [problem.line() for problem in check_papers(papers_of(text))]


GOOD = """
@string{acm = "ACM"}
@article{good, author = {A. Writer}, title = {T}, journal = acm, year = 2001,
  doi = {10.1145/1234567.890}, isbn = {0-201-13448-9}, month = jun}
@book{edited, editor = {E. Ditor}, title = {B}, publisher = {P}, year = 1999,
  isbn = {978-0-306-40615-7}}
@inproceedings{child, author = {C. Hild}, title = {Paper}, crossref = {proc}}
@proceedings{proc, title = {Proceedings}, booktitle = {Proceedings}, year = 2000}
@article{modern, author = {M. Odern}, title = {T}, journaltitle = {J}, date = {2020-05}}
@online{web, title = {A page}, url = {https://example.org}}
"""


def test_well_formed_entries_have_no_problem() -> None:
    assert lines(GOOD) == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "@article{a, author = {X}, title = {T}, year = 2000}",
            "a: journal: @article needs it; it is missing",
        ),
        (
            "@book{b, title = {T}, publisher = {P}, year = 2000}",
            "b: author/editor: @book needs it; one of author, editor is missing",
        ),
        (
            "@phdthesis{c, author = {X}, title = {T}, year = 2000, school = {}}",
            "c: school: @phdthesis needs it; it is missing",
        ),
        (
            "@inproceedings{d, author = {X}, title = {T}, booktitle = {B}}",
            "d: year: @inproceedings needs it; it is missing",
        ),
        (
            "@misc{e, title = {T}, doi = {10.12/x}}",
            "e: doi: '10.12/x' is not a DOI (10.NNNN/…)",
        ),
        (
            "@misc{f, title = {T}, doi = {https://doi.org/10.1145/3.4}}",
            "f: doi: 'https://doi.org/10.1145/3.4': write the DOI alone, '10.1145/3.4'",
        ),
        (
            "@misc{g, title = {T}, isbn = {0-201-13448-8}}",
            "g: isbn: '0-201-13448-8' is not a valid ISBN",
        ),
        (
            "@misc{h, title = {T}, isbn = {978-0-306-40615-8}}",
            "h: isbn: '978-0-306-40615-8' is not a valid ISBN",
        ),
        ('@misc{i, title = "a { b"}', "i: title: braces do not balance"),
        (
            "@misc{j, title = {T}, note = undefinedmacro}",
            "j: note: @string 'undefinedmacro' is not defined",
        ),
        (
            "@misc{k, title = {T}, crossref = {nowhere}}",
            "k: crossref: names 'nowhere', which is no entry",
        ),
        ("@misc{l, title = {T}, xdata = {gone}}", "l: xdata: names 'gone', which is no entry"),
    ],
)
def test_each_problem_is_one_line_naming_key_and_field(entry: str, expected: str) -> None:
    assert lines(entry) == [expected]


def test_isbn_checksums() -> None:
    assert isbn_ok("020113448X") is False
    assert isbn_ok("080442957X")
    assert isbn_ok("9780306406157")
    assert not isbn_ok("9780306406158")
    assert not isbn_ok("12345")
    assert lines("@misc{m, title = {T}, isbn = {0-520-03278-0 (paperback)}}") == []


def test_duplicate_keys_without_case_and_alias_clashes() -> None:
    papers = [Paper(title="A", key="Smith2020"), Paper(title="B", key="smith2020")]
    papers.append(Paper(title="C", key="c", aliases=["SMITH2020", "free"]))
    found = [problem.line() for problem in check_papers(papers)]
    assert found == [
        "Smith2020: key: key 'Smith2020' is also a key of 'smith2020', 'c' "
        "(BibTeX compares keys without case)",
        "smith2020: key: key 'smith2020' is also a key of 'Smith2020', 'c' "
        "(BibTeX compares keys without case)",
        "c: key: alias 'SMITH2020' is also a key of 'Smith2020', 'smith2020' "
        "(BibTeX compares keys without case)",
    ]


def test_a_selection_is_checked_against_the_whole_library() -> None:
    papers = papers_of(GOOD)
    child = [paper for paper in papers if paper.key == "child"]
    assert check_papers(child, papers) == []
    assert [p.line() for p in check_papers(child)] == [
        "child: booktitle: @inproceedings needs it; it is missing",
        "child: year: @inproceedings needs it; it is missing",
        "child: crossref: names 'proc', which is no entry",
    ]


def test_papers_not_from_bibtex_are_only_checked_for_keys() -> None:
    assert check_papers([Paper(title="From a listing", key="x")]) == []


#: The files written for plain BibTeX (the others are biblatex's or test Biber's own rules).
BIBTEX_FILES = ["serif.bib", "texnique.bib", "type.bib", "xampl.bib"]


@pytest.mark.parametrize("name", BIBTEX_FILES)
def test_the_real_files_say_what_bibtex_says(name: str, tmp_path: Path) -> None:
    """Missing fields and undefined macros are exactly what BibTeX (plain.bst) warns about."""
    require_tex("bibtex")
    text = (REAL / name).read_text("utf-8")
    problems = check_papers(papers_of(text, name))
    shutil.copy(REAL / name, tmp_path / name)
    (tmp_path / "t.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{name[:-4]}}}\n", "utf-8"
    )
    run = subprocess.run(
        ["bibtex", "t"], cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120
    )
    undefined = set(re.findall(r'string name "([^"]+)" is undefined', run.stdout))
    assert {p.message.split("'")[1] for p in problems if "@string" in p.message} == undefined
    empty = set(re.findall(r"Warning--empty (\w+) in (\S+)", run.stdout))
    missing = {(p.field, p.key) for p in problems if "needs it" in p.message}
    # An undefined macro leaves its field empty for BibTeX: reported as the macro.
    macro_fields = {(p.field, p.key) for p in problems if "@string" in p.message}
    assert missing <= empty <= missing | macro_fields
    assert all("@string" in p.message or "needs it" in p.message for p in problems)


def test_biblatex_examples_has_one_entry_short_of_a_required_field() -> None:
    """biblatex's date and journaltitle count; only a @book naming no author or editor is left."""
    text = (REAL / "biblatex-examples.bib").read_text("utf-8")
    problems = check_papers(papers_of(text, "biblatex-examples.bib"))
    assert [p.line() for p in problems] == [
        "vizedom:related: author/editor: @book needs it; one of author, editor is missing"
    ]


def test_a_crossref_may_name_a_biblatex_ids_alias() -> None:
    text = """@book{parent, ids = {old1, old2}, title = {B}, author = {A}, publisher = {P},
      year = 2000}
    @inbook{child, crossref = {old2}, title = {C}, author = {A}, chapter = 1}"""
    assert lines(text) == []
