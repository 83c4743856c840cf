"""BibTeX export: entry shape, escaping, case protection, names, ASCII mode, round trips."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library as BibLibrary

from readlist.exporters import FORMATS, bibtex_entry, export, to_bibtex
from readlist.exporters.bibtex import bibtex_name, iter_bibtex
from readlist.exporters.latex import latex_value, split_math
from readlist.importers import parse_text
from readlist.models import Link, LinkKind, Paper, Source, Status
from tests.sample_papers import rlhf_links, rlhf_paper
from tests.unit.latex_decoding import latex_decoder

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def hard_cases() -> list[Paper]:
    cases = json.loads((DATA / "export_hard_cases.json").read_text(encoding="utf-8"))
    return [Paper.from_dict(case) for case in cases]


def sample_papers() -> list[Paper]:
    papers: list[Paper] = []
    for name in ("sample_listing.txt", "sample_search_results.txt"):
        text = (ROOT / "readlist" / "data" / name).read_text(encoding="utf-8")
        papers += parse_text(text, source_name=name, today=date(2026, 1, 15)).papers
    for number, paper in enumerate(papers, start=1):
        paper.key = f"p{number:03d}"
    return papers


# -- decoding what we wrote -----------------------------------------------------

_DECODER = latex_decoder("readlist-export-test")


def decode(latex: str) -> str:
    """What LaTeX prints for ``latex``, as text; math kept verbatim as ``$…$``."""
    return unicodedata.normalize("NFC", _DECODER.latex_to_text(latex))


def parse(bib: str) -> BibLibrary:
    library = parse_string(
        bib, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library


def field(entry: Any, name: str) -> str:
    return str(entry.fields_dict[name].value)


def display_name(parts: Any) -> str:
    """A parsed BibTeX name back in display order, decoded."""
    words = [*parts.first, *parts.von, *parts.last]
    text = decode(" ".join(words))
    if parts.jr:
        text += " " + decode(" ".join(parts.jr))
    return text


def normalised(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def expected_text(text: str, *, ascii: bool) -> str:
    """What should come back: normalised; in ASCII mode guillemets (no OT1-safe macro)
    are transliterated."""
    text = normalised(text)
    return text.replace("«", "<<").replace("»", ">>") if ascii else text


# -- the shape of an entry ----------------------------------------------------------


def listing_paper(**changes: Any) -> Paper:
    paper = rlhf_paper(
        key="sun2023aligning",
        abstract="We adapt RLHF to vision-language alignment.",
        links=rlhf_links(),
        tags=["rlhf", "multimodal"],
        status=Status.READING,
        notes="Secret reading note",
        added="2024-01-01T00:00:00+00:00",
        updated="2024-01-02T00:00:00+00:00",
        read_at="2024-01-03T00:00:00+00:00",
    )
    for name, value in changes.items():
        setattr(paper, name, value)
    return paper


def test_listing_entry_exact_text() -> None:
    assert bibtex_entry(listing_paper()) == (
        "@misc{sun2023aligning,\n"
        "  author = {Sun, Zhiqing and Shen, Sheng and Cao, Shengcao and others},\n"
        "  title = {Aligning Large Multimodal Models with Factually Augmented {RLHF}},\n"
        "  year = {2023},\n"
        "  month = sep,\n"
        "  date = {2023-09-25},\n"
        "  eprinttype = {arXiv},\n"
        "  archiveprefix = {arXiv},\n"
        "  primaryclass = {cs.CV},\n"
        "  url = {https://github.com/llava-rlhf/LLaVA-RLHF},\n"
        "  keywords = {rlhf, multimodal},\n"
        "  abstract = {We adapt RLHF to vision-language alignment.}\n"
        "}\n"
    )


def test_listing_entry_fields_in_order() -> None:
    entry = bibtex_entry(listing_paper())
    assert entry.startswith("@misc{sun2023aligning,\n")
    assert entry.endswith("\n}\n")
    names = re.findall(r"^  (\w+) = ", entry, re.MULTILINE)
    assert names == [
        "author",
        "title",
        "year",
        "month",
        "date",
        "eprinttype",
        "archiveprefix",
        "primaryclass",
        "url",
        "keywords",
        "abstract",
    ]
    assert "  author = {Sun, Zhiqing and Shen, Sheng and Cao, Shengcao and others},\n" in entry
    assert (
        "  title = {Aligning Large Multimodal Models with Factually Augmented {RLHF}},\n" in entry
    )
    assert "  month = sep,\n" in entry  # a bare macro
    assert "  year = {2023},\n" in entry
    assert "  primaryclass = {cs.CV},\n" in entry
    assert "  url = {https://github.com/llava-rlhf/LLaVA-RLHF},\n" in entry  # code link first
    assert "  keywords = {rlhf, multimodal},\n" in entry
    assert "  abstract = {We adapt RLHF to vision-language alignment.}\n}" in entry


def test_no_readlist_internal_data() -> None:
    entry = bibtex_entry(listing_paper())
    for internal in ("Secret reading note", "reading", "2024-01-0", "berkeley", "note"):
        assert internal not in entry


def test_url_falls_back_to_first_link_and_is_omitted_without_links() -> None:
    paper = listing_paper(links=[Link("https://a.example/x"), Link("https://b.example/y")])
    assert "  url = {https://a.example/x},\n" in bibtex_entry(paper)
    assert "url =" not in bibtex_entry(listing_paper(links=[]))


def test_partial_dates() -> None:
    assert "month" not in bibtex_entry(listing_paper(published="2021"))
    assert "  month = feb,\n" in bibtex_entry(listing_paper(published="2021-02"))
    assert "date =" not in bibtex_entry(listing_paper(published="2021-02"))
    entry = bibtex_entry(listing_paper(published=None))
    assert "year" not in entry and "month" not in entry


def test_category_mapping() -> None:
    assert "primaryclass = {cs.CL}" in bibtex_entry(listing_paper(category="CL"))
    assert "primaryclass = {eess.AS}" in bibtex_entry(listing_paper(category="AS"))
    entry = bibtex_entry(listing_paper(category="Biology"))
    assert "eprinttype" not in entry and "primaryclass" not in entry


def test_authorless_entry_gets_a_sort_key_and_no_author() -> None:
    paper = Paper(key="p1", title="Inference-Friendly Models With MixAttention & More")
    entry = bibtex_entry(paper)
    assert "author" not in entry
    assert "  key = {Inference-Friendly Models With MixAttention \\& More}" in entry


def test_empty_title_falls_back_to_the_key() -> None:
    entry = bibtex_entry(Paper(key="x_1", title=" \u200f\n "))
    assert "  title = {x\\_1},\n" in entry
    assert "  key = {x\\_1}\n" in entry


def test_imported_bibtex_entry_keeps_type_and_fields_without_clashes() -> None:
    (paper,) = [case for case in hard_cases() if case.key == "h06"]
    assert paper.source is not None
    paper.source.fields["date"] = "2021-05-01"
    paper.source.fields["title"] = "Imported Title Must Not Win"
    paper.source.fields["Bad Name"] = "x"
    entry = bibtex_entry(paper)
    assert entry.startswith("@article{h06,\n")
    assert "  journal = {Journal of {ML} Research},\n" in entry
    assert "  pages = {1--10},\n" in entry
    assert "  doi = {10.1000/a_b},\n" in entry
    assert "  publisher = {Foo \\& Bar},\n" in entry
    assert "  note = {Original note from the .bib},\n" in entry
    for once in ("archiveprefix", "primaryclass", "url", "title", "year"):
        assert entry.count(f"  {once} = ") == 1, once
    assert "date =" not in entry  # would clash with year/month in Biber
    assert "Must Not Win" not in entry
    assert "Bad Name" not in entry
    parse(entry)


def test_unbalanced_imported_field_is_escaped() -> None:
    source = Source(file="a.bib", format="bibtex", entry_type="misc", fields={"note": "a {b"})
    entry = bibtex_entry(Paper(key="k", title="T", source=source))
    assert "  note = {a {\\textbraceleft}b},\n" in entry
    parse(entry)


def test_file_layout_and_unique_keys() -> None:
    papers = [Paper(key="same", title="One"), Paper(key="same", title="Two"), Paper(title="Three")]
    bib = to_bibtex(papers)
    assert bib.startswith("@misc{same,\n") and bib.endswith("}\n") and not bib.endswith("\n\n")
    assert bib.count("\n\n@") == 2
    assert re.findall(r"^@misc\{([^,]*),", bib, re.MULTILINE) == ["same", "samea", "paper"]
    assert to_bibtex([]) == ""


@pytest.mark.parametrize("entry_type", ["string", "preamble", "comment", "in-proceedings", " "])
def test_imported_entry_types_bibtex_would_misread_become_misc(entry_type: str) -> None:
    source = Source(file="a.bib", format="bibtex", entry_type=entry_type, fields={})
    assert bibtex_entry(Paper(key="k", title="T", source=source)).startswith("@misc{k,\n")


def test_an_imported_field_repeated_in_another_case_is_written_once() -> None:
    fields = {"Journal": "First", " journal ": "Second", "JOURNAL": "Third"}
    source = Source(file="a.bib", format="bibtex", entry_type="article", fields=fields)
    entry = bibtex_entry(Paper(key="k", title="T", source=source))
    assert "  journal = {First},\n" in entry
    assert entry.count("journal = ") == 1


def test_utf8_is_the_default_of_every_entry_point() -> None:
    paper = Paper(key="k", title="Über Straße", authors=["Zoë Müller"])
    for bib in (bibtex_entry(paper), to_bibtex([paper]), "".join(iter_bibtex([paper]))):
        assert "Über Straße" in bib and "Müller, Zoë" in bib


def test_export_dispatch() -> None:
    papers = [listing_paper()]
    assert FORMATS == ("bibtex", "csl-json", "markdown")
    assert export(papers, "bibtex") == to_bibtex(papers)
    assert export(papers, "bibtex", ascii=True) == to_bibtex(papers, ascii=True)
    with pytest.raises(ValueError, match="unknown export format 'ris'"):
        export(papers, "ris")


# -- capitalisation protection --------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Factually Augmented RLHF", "Factually Augmented {RLHF}"),
        (
            "SqueezeLLM: Dense-and-Sparse Quantization",
            "{SqueezeLLM}: Dense-and-Sparse Quantization",
        ),
        ("NeRF-Det: Learning Geometry", "{NeRF-Det}: Learning Geometry"),
        (
            "S-LoRA: Serving Concurrent LoRA Adapters",
            "{S-LoRA}: Serving Concurrent {LoRA} Adapters",
        ),
        ("Flash-KMeans: Exact K-Means", "{Flash-KMeans}: Exact {K-Means}"),
        ("Multi-View 3D Object Detection", "Multi-View {3D} Object Detection"),
        ("A Baseline for Llama2 and GPT-4", "A Baseline for {Llama2} and {GPT-4}"),
        ("What I Need", "What {I} Need"),
        ("X-ray Vision", "{X-ray} Vision"),
        ("Ordinary Capitalised Words Stay", "Ordinary Capitalised Words Stay"),
        ("LLaMA's Weights", "{LLaMA's} Weights"),
    ],
)
def test_case_protection(title: str, expected: str) -> None:
    assert latex_value(title, protect_case=True) == expected


def test_title_is_not_double_braced() -> None:
    entry = bibtex_entry(listing_paper(title="Staged Training for Transformer Language Models"))
    assert "  title = {Staged Training for Transformer Language Models},\n" in entry


# -- escaping and math -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q&A", "Q\\&A"),
        ("100% sure", "100\\% sure"),
        ("costs $5 and $6", "costs \\$5 and \\$6"),
        ("C# and F#", "C\\# and F\\#"),
        ("snake_case", "snake\\_case"),
        ("a~b", "a{\\textasciitilde}b"),
        ("a^b", "a{\\textasciicircum}b"),
        ("back\\slash", "back{\\textbackslash}slash"),
        ("{braces}", "{\\textbraceleft}braces{\\textbraceright}"),
        ("<a|b>", "{\\textless}a{\\textbar}b{\\textgreater}"),
        ("$V_1$: Unifying", "{$V_1$}: Unifying"),
        ("to $\\infty$ and beyond", "to {$\\infty$} and beyond"),
        ("$N \\times K$", "{$N \\times K$}"),
        ("$10%$ more", "\\$10\\%\\$ more"),
        ("$\\href{https://x}{here}$", "\\${\\textbackslash}href{\\textbraceleft}https://x"
         "{\\textbraceright}{\\textbraceleft}here{\\textbraceright}\\$"),
        ("$x^2^3$", "\\$x{\\textasciicircum}2{\\textasciicircum}3\\$"),
        ("$ x $", "\\$ x \\$"),
        ("$x$2", "\\$x\\$2"),
        ("$$", "\\$\\$"),
        ("lone $", "lone \\$"),
        ("  many   spaces\n\tand lines  ", "many spaces and lines"),
    ],
)  # fmt: skip
def test_escaping(text: str, expected: str) -> None:
    assert latex_value(text) == expected


@pytest.mark.parametrize(
    ("text", "math"),
    [
        ("$V_1$", ["V_1"]),
        ("$\\textbf{UniDG}$ and $\\textit{CCEval}$", ["\\textbf{UniDG}", "\\textit{CCEval}"]),
        ("$\\sim2\\times$", ["\\sim2\\times"]),
        ("$2.4 - 5.6\\%$", ["2.4 - 5.6\\%"]),
        ("$_{7B}$ and $k$", ["_{7B}", "k"]),
        ("$\\frac{1}{2}$ $\\mathcal{O}(n^2)$", ["\\frac{1}{2}", "\\mathcal{O}(n^2)"]),
        ("$x'^2$", ["x'^2"]),
        ("$x^\\sqrt{2}$", []),
        ("$\\textbf{a_b}$", []),
        ("$\\left(x\\right)$", []),
        ("$a & b$", []),
        ("$}{$", []),
    ],
)
def test_which_dollars_are_math(text: str, math: list[str]) -> None:
    assert [piece for is_math, piece in split_math(text) if is_math] == math


# -- names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jan van den Berg", "van den Berg, Jan"),
        ("Juan de la Cruz", "de la Cruz, Juan"),
        ("Colorado J. Reed", "Reed, Colorado J."),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Martin Luther King, Jr.", "King, Jr., Martin Luther"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Plato", "Plato"),
        ("van den Berg, Jan", "van den Berg, Jan"),
        ("Barnes and Noble Research", "Research, Barnes {and} Noble"),
        ("Google, Inc., Research, Team", "{Google{,} Inc.{,} Research{,} Team}"),
        ("Zoë Müller", "Müller, Zoë"),
        ("~~", ""),
        ("José (Pepe) Núñez", "Núñez, José (Pepe)"),  # not simple, still UTF-8
        ("Αλέξανδρος (Alex) Papas", "Papas, Αλέξανδρος (Alex)"),  # Greek kept, not transliterated
        (
            "Google, Inc., Research and Development, Team",
            "{Google{,} Inc.{,} Research {and} Development{,} Team}",
        ),
    ],
)
def test_names(name: str, expected: str) -> None:
    assert bibtex_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë Müller", 'M{\\"u}ller, Zo{\\"e}'),
        ("Łukasz Kaiser", "Kaiser, {\\L}ukasz"),
        ("Søren Straße", "Stra{\\ss}e, S{\\o}ren"),
        ("José Núñez", "N{\\'u}{\\~n}ez, Jos{\\'e}"),
        ("Jiří Erdős", "Erd{\\H{o}}s, Ji{\\v{r}}{\\'i}"),
        ("Αλέξανδρος Papas", "Papas, Alexandros"),
        ("José (Pepe) Núñez", "N{\\'u}{\\~n}ez, Jos{\\'e} (Pepe)"),
        ("Jan van den Berg", "van den Berg, Jan"),
    ],
)
def test_names_in_ascii(name: str, expected: str) -> None:
    assert bibtex_name(name, ascii=True) == expected


def test_truncated_authors_end_with_others() -> None:
    entry = bibtex_entry(listing_paper(authors=["Ann Smith"], authors_truncated=True))
    assert "  author = {Smith, Ann and others},\n" in entry
    entry = bibtex_entry(listing_paper(authors=[], authors_truncated=True))
    assert "author" not in entry


# -- ASCII mode ---------------------------------------------------------------


def test_ascii_mode() -> None:
    paper = Paper(
        key="k",
        title="Über Straße: Søren's Łódź Café — 中文 Models",
        authors=["Zoë Müller"],
        abstract="naïve façade",
    )
    utf8 = bibtex_entry(paper)
    assert "Über" in utf8 and "Müller" in utf8
    ascii_entry = bibtex_entry(paper, ascii=True)
    assert ascii_entry.isascii()
    for latex in ('{\\"U}ber', "Stra{\\ss}e", "S{\\o}ren", "{\\L}{\\'o}d{\\'z}", "Caf{\\'e}"):
        assert latex in ascii_entry, latex
    assert "{\\textemdash}" in ascii_entry
    assert "{ZhongWen}" in ascii_entry  # no LaTeX form: transliterated (and protected)
    assert 'na{\\"i}ve fa{\\c{c}}ade' in ascii_entry


def test_ascii_mode_also_covers_keywords_urls_and_imported_fields() -> None:
    source = Source(
        file="a.bib",
        format="bibtex",
        entry_type="article",
        fields={
            "journal": "Zeitschrift für ML",
            "doi": "10.1/ü",
            "pdf": "https://x.org/é.pdf",
            "note": "中文 {unbalanced",
        },
    )
    paper = Paper(
        key="k",
        title="T",
        tags=["über", "naïve"],
        links=[Link("https://example.org/ü?q=é", LinkKind.CODE)],
        source=source,
    )
    entry = bibtex_entry(paper, ascii=True)
    assert entry.isascii()
    for line in (
        '  journal = {Zeitschrift f{\\"u}r ML},\n',
        "  doi = {10.1/%C3%BC},\n",
        "  pdf = {https://x.org/%C3%A9.pdf},\n",
        "  note = {ZhongWen {\\textbraceleft}unbalanced},\n",
        "  url = {https://example.org/%C3%BC?q=%C3%A9},\n",
        '  keywords = {{\\"u}ber, na{\\"i}ve},\n',
    ):
        assert line in entry, line
    utf8 = bibtex_entry(paper)
    for text in ("für", "10.1/ü", "x.org/é.pdf", "中文", "example.org/ü?q=é", "über, naïve"):
        assert text in utf8, text


def test_ascii_mode_sort_key_of_an_authorless_paper() -> None:
    entry = bibtex_entry(Paper(key="k", title="Über Straße"), ascii=True)
    assert entry.isascii()
    assert '  key = {{\\"U}ber Stra{\\ss}e}\n' in entry


# -- round trips through bibtexparser and pylatexenc ----------------------------


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_round_trip_hard_cases(ascii: bool) -> None:
    papers = hard_cases()
    library = parse(to_bibtex(papers, ascii=ascii))
    assert [entry.key for entry in library.entries] == [paper.key for paper in papers]
    for paper, entry in zip(papers, library.entries, strict=True):
        if ascii:
            assert field(entry, "title").isascii()
        assert decode(field(entry, "title")) == expected_text(paper.title, ascii=ascii)
        if paper.abstract:
            assert decode(field(entry, "abstract")) == expected_text(paper.abstract, ascii=ascii)
        if paper.authors:
            names = entry.fields_dict["author"].value
            decoded = [display_name(name) for name in names]
            expected = [normalised(name).replace(",", "") for name in paper.authors]
            if paper.authors_truncated:
                expected.append("others")
            assert decoded == expected
        else:
            assert "author" not in entry.fields_dict


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_round_trip_samples(ascii: bool) -> None:
    papers = sample_papers()
    assert len(papers) == 85
    library = parse(to_bibtex(papers, ascii=ascii))
    assert len(library.entries) == 85
    for paper, entry in zip(papers, library.entries, strict=True):
        assert decode(field(entry, "title")) == normalised(paper.title)
        if paper.authors:
            decoded = [display_name(name) for name in entry.fields_dict["author"].value]
            assert decoded[: len(paper.authors)] == [normalised(a) for a in paper.authors]
        else:
            assert decode(field(entry, "key")) == normalised(paper.title)


def test_an_imported_entry_with_no_field_left_keeps_the_comma_biber_needs() -> None:
    # BibTeX reads "@book{k\n}", Biber stops the whole file at it ("expected ','").
    papers = parse_text("@book{empty,\n%  author = {x}\n}\n", source_name="e.bib").papers
    assert to_bibtex(papers) == "@book{empty,\n}\n"
