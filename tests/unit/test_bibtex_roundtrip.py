"""A researcher's own .bib survives import → store → export: fields as written, keys kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.exporters import bibtex_entry, to_bibtex
from readlist.exporters.bibtex import export_key
from readlist.importers import parse_text
from readlist.importers.bibtex import parse_bibtex
from readlist.models import Paper

ORIGINAL = r"""
@preamble{ "\newcommand{\noopsort}[1]{}" }
@string{STOC = "Symposium on Theory of Computing"}
@inproceedings{CorneilOS??,
  title = {{Program-Adaptive Mutational Fuzzing}: {H}amiltonian Plots in {\LaTeX}},
  author = {Da Costa, Lancelot and Van den Broeck, Guy and {The CGAL Project}},
  booktitle = "Proc. Fifteenth Annual ACM " # STOC,
  month = jun # "\slash " # sep,
  year = {{\noopsort{1973b}}1973},
  keywords = {Machine Learning, AI},
  key = {orig},
  abstract = {An abstract.},
}
@book{o'brien:tex,
  title = "The {\TeX book}",
  author = "\Thanh",
  year = 1984,
}
"""


def stored(papers: list[Paper]) -> list[Paper]:
    """``papers`` as the library gives them back: through their JSON form."""
    return [Paper.from_dict(paper.to_dict()) for paper in papers]


def entry_fields(exported: str, key: str) -> str:
    """The text of the entry ``key`` in ``exported``."""
    start = exported.index("{" + key + ",")
    return exported[start : exported.index("\n}\n", start)]


@pytest.fixture
def imported() -> list[Paper]:
    papers, _ = parse_bibtex(ORIGINAL, source_name="mine.bib")
    return stored(papers)


def test_every_field_is_written_back_as_written(imported: list[Paper]) -> None:
    exported = to_bibtex(imported)
    entry = entry_fields(exported, "CorneilOS??")
    for line in (
        "title = {{Program-Adaptive Mutational Fuzzing}: {H}amiltonian Plots in {\\LaTeX}}",
        "author = {Da Costa, Lancelot and Van den Broeck, Guy and {The CGAL Project}}",
        'booktitle = "Proc. Fifteenth Annual ACM " # STOC',
        'month = jun # "\\slash " # sep',
        "year = {{\\noopsort{1973b}}1973}",
        "keywords = {Machine Learning, AI}",
        "key = {orig}",
    ):
        assert f"  {line}," in entry or entry.endswith(f"  {line}")
    assert '  title = "The {\\TeX book}"' in entry_fields(exported, "o'brien:tex")
    assert '  author = "\\Thanh"' in exported


def test_preamble_and_used_strings_come_first(imported: list[Paper]) -> None:
    exported = to_bibtex(imported)
    assert exported.startswith(
        '@preamble{"\\newcommand{\\noopsort}[1]{}"}\n'
        "@string{stoc = {Symposium on Theory of Computing}}\n\n"
    )
    assert exported.count("@preamble") == 1  # once, though both entries come from the file


def test_imported_keys_are_kept_exactly(imported: list[Paper]) -> None:
    assert [export_key(paper) for paper in imported] == ["CorneilOS??", "o'brien:tex"]
    assert "@inproceedings{CorneilOS??," in to_bibtex(imported)
    assert "@book{o'brien:tex," in to_bibtex(imported)


def test_a_key_latex_cannot_cite_is_replaced_with_a_warning() -> None:
    papers, warnings = parse_bibtex("@misc{a%b, title = {T}}")
    assert warnings == [
        "line 1 (a%b): citation key 'a%b' cannot be cited in LaTeX as written; "
        "the export gives it a key of its own"
    ]
    assert "@misc{ab," in to_bibtex(papers)


def test_readable_values_are_derived_from_the_text(imported: list[Paper]) -> None:
    paper = imported[0]
    assert paper.title == "Program-Adaptive Mutational Fuzzing: Hamiltonian Plots in LaTeX"
    assert paper.authors == ["Lancelot Da Costa", "Guy Van den Broeck", "The CGAL Project"]
    assert paper.tags == ["ai", "machine-learning"]
    assert imported[1].title == "The TeXbook"
    assert imported[1].authors == ["Thanh"]  # a macro from the preamble, not nothing


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Plots in {\\LaTeX}: a guide", "Plots in LaTeX: a guide"),
        ("Bib\\TeX ing made easy", "BibTeXing made easy"),
        ("The {\\MF book}", "The METAFONTbook"),
        ("\\AmS-\\TeX{} and \\LaTeXe", "AMS-TeX and LaTeX2e"),
    ],
)
def test_tex_logos_read_as_their_names(title: str, shown: str) -> None:
    papers, _ = parse_bibtex(f"@misc{{k, title = {{{title}}}}}")
    assert papers[0].title == shown


def test_a_changed_title_is_written_from_the_new_value_and_the_rest_as_written(
    imported: list[Paper],
) -> None:
    paper = imported[0]
    paper.title = "Fuzzing with LLMs & 100% coverage"
    exported = to_bibtex(stored(imported))
    entry = entry_fields(exported, "CorneilOS??")
    assert "  title = {Fuzzing with {LLMs} \\& 100\\% coverage}," in entry
    assert 'booktitle = "Proc. Fifteenth Annual ACM " # STOC' in entry
    assert "author = {Da Costa, Lancelot and" in entry  # authors untouched: as written
    assert entry.index("title =") < entry.index("author =")  # in the title's place


def test_changed_tags_and_authors_are_written_from_the_paper(imported: list[Paper]) -> None:
    paper = imported[0]
    paper.tags = ["ai", "fuzzing"]
    paper.authors = ["Ada Lovelace"]
    entry = entry_fields(to_bibtex(stored(imported)), "CorneilOS??")
    assert "  keywords = {ai, fuzzing}," in entry
    assert "  author = {Lovelace, Ada}," in entry
    assert "Machine Learning" not in entry


def test_a_changed_date_replaces_every_date_field(imported: list[Paper]) -> None:
    paper = imported[0]
    paper.published = "2020-05"
    entry = entry_fields(to_bibtex(stored(imported)), "CorneilOS??")
    assert "  year = {2020}," in entry
    assert "  month = may," in entry
    assert "noopsort" not in entry
    assert "\\slash" not in entry


def test_a_single_entry_writes_its_macros_as_their_text(imported: list[Paper]) -> None:
    entry = bibtex_entry(imported[0])
    assert "  booktitle = {Proc. Fifteenth Annual ACM Symposium on Theory of Computing}," in entry
    assert 'month = jun # "\\slash " # sep' in entry  # month macros are every style's


def test_a_macro_defined_differently_by_two_files_is_resolved_for_the_second() -> None:
    first, _ = parse_bibtex('@string{conf = "First"}\n@misc{a, title = {A}, note = conf}')
    second, _ = parse_bibtex('@string{conf = "Second"}\n@misc{b, title = {B}, note = conf}')
    exported = to_bibtex(stored(first + second))
    assert "@string{conf = {First}}" in exported
    assert "  note = conf" in entry_fields(exported, "a")
    assert "  note = {Second}" in entry_fields(exported, "b")


def test_ascii_mode_resolves_non_ascii_values() -> None:
    papers, _ = parse_bibtex("@misc{k, title = {Café}, publisher = {Zoë}}")
    exported = to_bibtex(stored(papers), ascii=True)
    assert exported.isascii()
    assert 'publisher = {Zo{\\"e}}' in exported


def test_listing_titles_still_get_readlists_acronym_braces() -> None:
    text = "@misc{k, title = {An LLM for RLHF}}"
    papers, _ = parse_bibtex(text)
    assert "title = {An LLM for RLHF}" in to_bibtex(papers)  # the author's text, unbraced
    papers[0].title = "An LLM for RLHF"  # the same text: still the author's
    assert "title = {An LLM for RLHF}" in to_bibtex(papers)


def test_older_libraries_without_raw_fields_export_as_before() -> None:
    papers, _ = parse_bibtex("@article{k, title = {Deep RL}, journal = {J}}")
    data = papers[0].to_dict()
    for member in ("raw", "strings", "preamble", "derived"):
        data["source"].pop(member, None)
    exported = to_bibtex([Paper.from_dict(data)])
    assert "title = {Deep {RL}}" in exported
    assert "journal = {J}" in exported


# -- property: what goes in comes out ---------------------------------------------

WORD = st.sampled_from(["Deep", "RL", "{GAN}", "{H}amiltonian", "{\\LaTeX}", "of", "x"])
BRACED = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
MACRO = st.sampled_from(["stoc", "jacm", "STOC"])
PIECE = st.one_of(
    BRACED.map(lambda t: "{" + t + "}"),
    BRACED.map(lambda t: '"' + t + '"'),
    MACRO,
)
NAME = st.sampled_from(
    [
        "Da Costa, Lancelot",
        "Guy Van den Broeck",
        "{The CGAL Project}",
        "van der Berg, Jan",
        'M{\\"u}ller, Hans',
        "King, Jr., Martin Luther",
        "Ann {de la} Cruz",
    ]
)
HEADER = '@string{stoc = "STOC"}\n@string{jacm = {J. {ACM}}}\n'


@st.composite
def generated_entry(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(PIECE, min_size=1, max_size=3))
    title = draw(BRACED)
    names = draw(st.lists(NAME, min_size=1, max_size=3, unique=True))
    year = draw(st.sampled_from(["1999", "{2001}", '"1955--58"', "{{\\noopsort{a}}1973}"]))
    return (
        "@inproceedings{key:1,\n"
        f"  title = {{{title}}},\n"
        f"  author = {{{' and '.join(names)}}},\n"
        f"  booktitle = {' # '.join(pieces)},\n"
        f"  year = {year},\n"
        "}\n"
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_entry())
def test_generated_entries_come_back_as_written(entry: str) -> None:
    original = HEADER + entry
    papers = stored(parse_text(original, source_name="g.bib").papers)
    exported = to_bibtex(papers)
    for line in entry.splitlines()[1:-1]:
        assert line.rstrip(",") in exported
    again = stored(parse_text(exported, source_name="g.bib").papers)
    assert [paper.to_dict() for paper in again] == [paper.to_dict() for paper in papers]
    assert re.search(r"^@inproceedings\{key:1,$", exported, re.MULTILINE)


def test_names_left_in_a_changed_author_list_stay_as_bibtex_read_them(
    imported: list[Paper],
) -> None:
    paper = imported[0]
    paper.authors = ["Guy Van den Broeck", "The CGAL Project", "Lancelot Da Costa", "Ada Lovelace"]
    entry = entry_fields(to_bibtex(stored(imported)), "CorneilOS??")
    assert (
        "  author = {Van den Broeck, Guy and {The CGAL Project} and Da Costa, Lancelot"
        " and Lovelace, Ada},"
    ) in entry


def test_a_value_bibtex_sees_unbalanced_is_written_as_plain_text() -> None:
    # bibtexparser skips the escaped brace; BibTeX counts it and would read on past the entry.
    papers, _ = parse_bibtex("@misc{k, title = {T}, note = {a \\{ b}}\n@misc{j, title = {U}}")
    exported = to_bibtex(stored(papers))
    assert "  note = {a {\\textbackslash}{\\textbraceleft} b}" in entry_fields(exported, "k")
    assert "@misc{j," in exported


def test_ascii_mode_converts_the_macros_and_preambles_too() -> None:
    text = '@preamble{"% Zoë"}\n@string{pub = {Zoë Verlag}}\n@misc{k, title = {T}, publisher = pub}'
    exported = to_bibtex(stored(parse_bibtex(text)[0]), ascii=True)
    assert exported.isascii()
    assert '@string{pub = {Zo{\\"e} Verlag}}' in exported


def test_entries_without_a_title_are_kept_so_their_keys_resolve() -> None:
    text = (
        "@set{set1, entryset = {a,b}}\n"
        "@xdata{hup, publisher = {Harvard University Press}}\n"
        "@book{a, title = {A}, xdata = {hup}}\n"
        "@book{b, title = {B}}\n"
    )
    papers, warnings = parse_bibtex(text)
    assert [paper.title for paper in papers] == ["a,b (@set set1)", "(@xdata hup)", "A", "B"]
    assert len(warnings) == 2 and "@set entry has no title" in warnings[0]
    exported = to_bibtex(stored(papers))
    assert "@set{set1,\n  entryset = {a,b}\n}" in exported
    assert "@xdata{hup,\n  publisher = {Harvard University Press}\n}" in exported
    assert "title" not in entry_fields(exported, "set1")
