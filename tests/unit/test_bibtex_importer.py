"""BibTeX import: LaTeX decoding, names, dates, identifiers, and broken input."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.bib.bibtex_values import MacroTable
from readlist.bib.latex import latex_to_text
from readlist.importers import ImportFormatError, parse_text
from readlist.importers.bibtex import parse_bibtex
from readlist.models import Link, LinkKind, Paper

DATA = Path(__file__).parent / "data"


def parse_one(body: str) -> tuple[Paper, list[str]]:
    papers, warnings = parse_bibtex(body)
    assert len(papers) == 1
    return papers[0], warnings


@pytest.fixture(scope="module")
def entries() -> dict[str, Paper]:
    result = parse_text((DATA / "bibtex_entries.bib").read_text("utf-8"), source_name="e.bib")
    assert result.format == "bibtex"
    assert result.warnings == []
    return {paper.key: paper for paper in result.papers}


def test_all_entries_read(entries: dict[str, Paper]) -> None:
    assert list(entries) == ["Mueller2023Bert", "de_la_cruz2020", "Numeric1999", "YearOnly"]


def test_article_fields(entries: dict[str, Paper]) -> None:
    paper = entries["Mueller2023Bert"]
    assert paper.title == "BERT: Pre–training of Deep Transformers for Café Lovers"
    assert paper.authors == ["Hans Müller", "Jan van den Berg", "Zoë Straße"]
    assert paper.authors_truncated is True
    assert paper.published == "2023-09"
    assert paper.category == "cs.CL"
    assert paper.tags == ["deep-learning", "nlp", "transformers"]
    assert paper.abstract == (
        "We present X. Code at https://github.com/a/b_c and our page (https://x.github.io/p)."
    )
    assert paper.links == [
        Link("https://doi.org/10.1000/xyz", LinkKind.OTHER),
        Link("https://arxiv.org/abs/2301.00001", LinkKind.OTHER),
        Link("https://github.com/a/b_c", LinkKind.CODE),
        Link("https://x.github.io/p", LinkKind.PROJECT),
    ]
    assert paper.has_code is True


def test_source_keeps_type_key_and_unmapped_raw_fields(entries: dict[str, Paper]) -> None:
    source = entries["Mueller2023Bert"].source
    assert source is not None
    assert (source.file, source.format, source.entry_type, source.key) == (
        "e.bib",
        "bibtex",
        "article",
        "Mueller2023Bert",
    )
    assert source.fields == {
        "journal": "Proceedings of the ACL",  # the @string macro resolved
        "pages": "1--10",  # raw, not decoded
        "doi": "10.1000/xyz",
        "eprint": "2301.00001",
        "archiveprefix": "arXiv",
    }


def test_url_field_is_kept_raw_only_when_it_is_not_all_links() -> None:
    paper, _ = parse_one("@misc{k, title={T}, url={https://a.org/x https://b.org/y}}")
    assert [link.url for link in paper.links] == ["https://a.org/x", "https://b.org/y"]
    assert paper.source is not None and "url" not in paper.source.fields
    paper, _ = parse_one("@misc{k, title={T}, url={www.example.org/x}}")
    assert paper.links == []
    assert paper.source is not None and paper.source.fields == {"url": "www.example.org/x"}


def test_names_particles_suffix_and_braced_letters(entries: dict[str, Paper]) -> None:
    paper = entries["de_la_cruz2020"]
    assert paper.authors == ["Maria de la Cruz", "John Smith Jr.", "Łukasz Kaiser"]
    assert paper.authors_truncated is False
    assert paper.published == "2020-09-05"
    assert paper.title == "Long Month Names"
    assert paper.source is not None and paper.source.entry_type == "inproceedings"


def test_numeric_month_and_url(entries: dict[str, Paper]) -> None:
    paper = entries["Numeric1999"]
    assert paper.published == "1999-09"
    assert paper.authors == ["Jean-Paul Sartre"]
    assert paper.links == [Link("https://www.youtube.com/watch?v=abc", LinkKind.VIDEO)]
    assert paper.has_code is False


def test_year_only_and_em_dash(entries: dict[str, Paper]) -> None:
    paper = entries["YearOnly"]
    assert paper.published == "1984"
    assert paper.title == "Only a Year — and a dash"
    assert paper.authors == []


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"\"{u}ber", "über"),
        (r"Caf\'e", "Café"),
        (r"Stra{\ss}e", "Straße"),
        (r"{\L}ukasz", "Łukasz"),
        (r"\v{S}koda", "Škoda"),
        (r"Gar\c{c}on", "Garçon"),
        ("1--10", "1–10"),
        ("a---b", "a—b"),
        ("{BERT}: {Pre}-training", "BERT: Pre-training"),
        ("{{Nested {Braces}}}", "Nested Braces"),
        ("$V_1$: math kept", "$V_1$: math kept"),
        (r"50\% \& more", "50% & more"),
        (r"\url{https://x.org/a%20b}", "https://x.org/a%20b"),
        (r"\href{https://x.org}{here}", "here (https://x.org)"),
        ("{unbalanced", "unbalanced"),
        ("{" * 3000 + "deep" + "}" * 3000, "deep"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("month", "published"),
    [
        ("sep", "2021-09"),
        ("SEP", "2021-09"),
        ("{September}", "2021-09"),
        ('"sept"', "2021-09"),
        ("9", "2021-09"),
        ("{09}", "2021-09"),
        ("{Dec.}", "2021-12"),
        ("jan", "2021-01"),
    ],
)
def test_months(month: str, published: str) -> None:
    paper, warnings = parse_one(f"@misc{{k, title={{T}}, year=2021, month={month}}}")
    assert paper.published == published
    assert warnings == []


@pytest.mark.parametrize(
    ("fields", "published", "warning"),
    [
        ("year={2021}, month={13}", "2021", "month '13' is not a month"),
        ("year={2021}, month={Smarch}", "2021", "month 'Smarch' is not a month"),
        ("year={n.d.}", None, "year 'n.d.' is not a year"),
        ("year={2021}, month=feb, day={30}", "2021-02", "day '30' is not a day"),
        ("year={2024}, month=feb, day={29}", "2024-02-29", None),
        ("date={2019-07-04}", "2019-07-04", None),
        ("date={2019-07}", "2019-07", None),
        # biblatex reads date before year/month when both are there.
        ("year={2018}, month=jan, date={2019-07-04}", "2019-07-04", None),
        ("year={2018}, date={2019/2020}", "2019", None),
        ("year={2018}, month=mar, date={circa 2019}", "2018-03", None),
        ("note={no date}", None, None),
    ],
)
def test_dates(fields: str, published: str | None, warning: str | None) -> None:
    paper, warnings = parse_one(f"@misc{{k, title={{T}}, {fields}}}")
    assert paper.published == published
    if warning is None:
        assert warnings == []
    else:
        assert (
            len(warnings) == 1 and warning in warnings[0] and warnings[0].startswith("line 1 (k)")
        )


def test_and_others_and_corporate_authors() -> None:
    paper, _ = parse_one(
        "@misc{k, title={T}, author={{Barnes and Noble} and Doe, Jane and others}}"
    )
    assert paper.authors == ["Barnes and Noble", "Jane Doe"]
    assert paper.authors_truncated is True


def test_braces_in_titles_and_whitespace() -> None:
    paper, _ = parse_one("@misc{k, title = {The {GAN}   Zoo:\n   {A} {S}urvey}}")
    assert paper.title == "The GAN Zoo: A Survey"


def test_abstract_keeps_paragraphs() -> None:
    paper, _ = parse_one("@misc{k, title={T}, abstract={First  line\nwrapped.\n\nSecond.}}")
    assert paper.abstract == "First line wrapped.\n\nSecond."


def test_doi_and_arxiv_variants() -> None:
    paper, _ = parse_one(
        "@misc{k, title={T}, doi={https://doi.org/10.1/ABC}, eprint={arXiv:2101.00001v2}}"
    )
    assert [link.url for link in paper.links] == [
        "https://doi.org/10.1/ABC",
        "https://arxiv.org/abs/2101.00001v2",
    ]
    paper, _ = parse_one("@misc{k, title={T}, doi={doi:10.1/x\\_y}, eprint={1234}}")
    assert [link.url for link in paper.links] == ["https://doi.org/10.1/x_y"]


def test_keywords_become_sorted_lowercase_tags() -> None:
    paper, _ = parse_one("@misc{k, title={T}, keywords={Zeta, alpha;  Machine Learning ,,Alpha}}")
    assert paper.tags == ["alpha", "machine-learning", "zeta"]


def test_code_url_sets_has_code() -> None:
    paper, _ = parse_one("@software{k, title={T}, url={https://github.com/a/b}}")
    assert paper.has_code is True
    assert paper.source is not None and paper.source.entry_type == "software"


def test_entry_type_is_lowercased_and_key_kept_as_written() -> None:
    paper, _ = parse_one("@InProceedings{MixedCase:2020, title={T}}")
    assert paper.key == "MixedCase:2020"
    assert paper.source is not None
    assert (paper.source.entry_type, paper.source.key) == ("inproceedings", "MixedCase:2020")


def test_control_characters_are_removed() -> None:
    paper, _ = parse_one("@misc{k, title={A \x1b[31mTitle\u202e}, author={Lee, \x07Ann}}")
    assert paper.title == "A Title"
    assert paper.authors == ["Ann Lee"]


def test_malformed_entries_become_warnings() -> None:
    papers, warnings = parse_bibtex((DATA / "malformed.bib").read_text("utf-8"))
    assert [p.key for p in papers] == ["good1", "good2", "dupfield", "notitle", "badmonth"]
    assert papers[2].title == "First title"
    assert papers[3].title == "(@misc notitle)"
    assert len(warnings) == 5
    assert warnings[0].startswith("line 6: cannot read this BibTeX entry (")
    assert warnings[1] == "line 11: citation key 'good2' used again; this entry is skipped"
    assert warnings[2] == (
        "line 12 (dupfield): field(s) title given more than once; the first value is kept"
    )
    assert warnings[3] == (
        "line 13 (notitle): @misc entry has no title; kept as '(@misc notitle)' "
        "so that its key still resolves"
    )
    assert warnings[4].startswith("line 14 (badmonth): month 'Smarch'")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just some text, no entries",
        "@comment{only a comment}",
        "% only a TeX comment\n",
    ],
)
def test_no_entries_is_a_format_error(text: str) -> None:
    with pytest.raises(ImportFormatError, match="no BibTeX entries found"):
        parse_bibtex(text)


@pytest.mark.parametrize(
    "text", ['@string{x = "y"}', "@preamble{\\newcommand{\\x}{y}}", "@string(x = {y})"]
)
def test_a_file_of_definitions_only_is_for_the_files_after_it(text: str) -> None:
    macros = MacroTable()
    papers, warnings = parse_bibtex(text, macros=macros)
    assert papers == []
    assert len(warnings) == 1 and "definition(s) for the files after it" in warnings[0]
    later, _ = parse_bibtex("@misc{k, title = {T}, note = x}", macros=macros)
    assert later[0].source is not None
    assert later[0].source.fields["note"] == ("y" if "string" in text else "x")
    assert later[0].source.preamble == macros.preambles


@pytest.mark.parametrize("text", ["@article{broken, title = {never closed", "@misc{, year=2020}"])
def test_nothing_readable_is_a_format_error(text: str) -> None:
    with pytest.raises(ImportFormatError, match="no BibTeX entry could be read"):
        parse_bibtex(text)


def test_garbage_forced_as_bibtex_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError):
        parse_text("\x00\x01 binary-ish @@@ {{{", format="bibtex")


def test_a_string_without_a_name_is_no_definition() -> None:
    with pytest.raises(ImportFormatError, match="no BibTeX entries found"):
        parse_bibtex("@STRING{=}")


def test_biber_comments_between_fields_are_left_out_and_the_entry_kept() -> None:
    # As in biber's t/tdata/xdata.bib: bibtexparser lost the whole entry at the first `%`.
    text = (
        "@book{first, title = {Kept}, year = 2001}\n"
        "@BOOK{gxd1g,\n"
        "  AUTHOR = {Simon Smith and Ann Lee}, % Picks all names, no position\n"
        '  TITLE  = {With 50{\\%} off, "quoted" % not a comment},\n'
        '  NOTE = "a {%} b",             % malformed (missing field) - output literally\n'
        "  NAMEA = {xdata=lxd1-author-1}         % malformed - output literally\n"
        "}\n"
        "@book{last, title = {Also kept}, year = 2003}\n"
    )
    papers, warnings = parse_bibtex(text, source_name="xdata.bib")
    assert [paper.key for paper in papers] == ["first", "gxd1g", "last"]
    comments = papers[1]
    assert comments.authors == ["Simon Smith", "Ann Lee"]
    assert comments.title == 'With 50% off, "quoted" % not a comment'
    assert comments.source is not None
    assert comments.source.fields["note"] == "a {%} b"
    assert comments.source.fields["namea"] == "xdata=lxd1-author-1"
    assert warnings == [
        "lines 3, 5, 6: % comments between fields (biber's syntax) left out;"
        " BibTeX itself stops reading an entry at the first"
    ]


def test_a_percent_in_a_broken_entry_is_no_reason_to_read_it() -> None:
    papers, warnings = parse_bibtex(
        "@book{ok, title = {Fine}}\n@book{bad, title = {x}, % c, d\n  year = {1}\n",
        source_name="x.bib",
    )
    assert [paper.key for paper in papers] == ["ok"]
    assert len(warnings) == 1 and "cannot read this BibTeX entry" in warnings[0]


def test_quotes_in_braces_in_a_quoted_value_are_text_as_for_bibtex() -> None:
    # As in TeX Live's texbook2.bib (Greene:1982:MAA); bibtexparser lost the entry.
    text = (
        "%%% BibTeX-file{ a header in braces, outside any entry\n"
        '@comment{ a "quote" and % no comment }\n'
        "@book{Greene:1982:MAA,\n"
        '  title = "Mathematics for the Analysis of Algorithms",\n'
        '  remark = "{Teil der \n "optionalen" Kapitel aus "the Art, Band 3"}.",\n'
        '  year = "1982",\n'
        "}\n"
        '@misc{after, title = "Still {"} read"}\n'
    )
    papers, warnings = parse_bibtex(text, source_name="texbook2.bib")
    assert [paper.key for paper in papers] == ["Greene:1982:MAA", "after"]
    greene = papers[0]
    assert greene.source is not None
    assert (
        greene.source.fields["remark"]
        == '{Teil der \n "optionalen" Kapitel aus "the Art, Band 3"}.'
    )
    assert greene.published == "1982"
    assert warnings == [
        "lines 5, 9: a quoted value holding quotes in braces is written with braces instead"
        " of quotes (BibTeX reads both the same)"
    ]
