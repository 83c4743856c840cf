"""Format detection, parse_text dispatch, and decoding file bytes."""

from __future__ import annotations

import codecs
from datetime import date
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist.errors import ReadlistError
from readlist.importers import (
    FORMATS,
    ImportFormatError,
    ImportResult,
    decode_bytes,
    detect_format,
    parse_text,
)
from readlist.importers.detect import _first_content_lines, split_lines

ABSTRACT = "We propose a thing that does things well. " * 8
LISTING = f"CVSep 25, 2023Code\nA TitleAnn Lee\n{ABSTRACT}\n"
SEARCH = f"Get trending papers in your email inbox!\nSubscribeA Paper\n{ABSTRACT}\n"
BIBTEX = "@article{k1, title={A Paper}, year=2020}\n"


def sample(name: str) -> str:
    return resources.files("readlist.data").joinpath(name).read_text("utf-8")


def test_formats() -> None:
    assert FORMATS == ("listing", "search", "bibtex")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LISTING, "listing"),
        ("\n\n  \n" + LISTING, "listing"),
        ("\ufeff" + LISTING.replace("\n", "\r\n"), "listing"),
        ("My list\n" + LISTING, "listing"),
        ("CLMar 4\nA TitleAnn Lee\nabstract", "listing"),
        (SEARCH, "search"),
        ("SubscribeA Paper\n" + ABSTRACT, "search"),
        (f"A Paper\n{ABSTRACT}\nB Paper\n{ABSTRACT}\n", "search"),
        (BIBTEX, "bibtex"),
        ("% header comment\n\n  @Article {k1, title={T}}", "bibtex"),
        ("Some preamble text\n@misc(k1, title={T})", "bibtex"),
        ("@comment{x}\n" + BIBTEX, "bibtex"),
    ],
)
def test_detect_format(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_detect_bundled_samples() -> None:
    assert detect_format(sample("sample_listing.txt")) == "listing"
    assert detect_format(sample("sample_search_results.txt")) == "search"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t\n",
        "hello",
        "one line\nanother line\nand a third.",
        "user@example.org wrote:",
        "Only a title\n",
        '{\n  "json": true\n}',
    ],
)
def test_detect_nothing_fits(text: str) -> None:
    with pytest.raises(ImportFormatError):
        detect_format(text)


def test_format_error_is_a_value_error_and_a_readlist_error() -> None:
    with pytest.raises(ValueError):
        detect_format("hello")
    with pytest.raises(ReadlistError):
        detect_format("hello")


def test_parse_text_sets_the_source_and_format() -> None:
    result = parse_text(LISTING, source_name="a.txt", today=date(2024, 1, 1))
    assert isinstance(result, ImportResult)
    assert result.format == "listing"
    source = result.papers[0].source
    assert source is not None and (source.file, source.format) == ("a.txt", "listing")

    result = parse_text(SEARCH, source_name="b.txt")
    assert result.format == "search"
    assert result.papers[0].source is not None
    assert result.papers[0].source.to_dict() == {"file": "b.txt", "format": "search"}

    result = parse_text(BIBTEX, source_name="c.bib")
    assert result.format == "bibtex"
    assert result.papers[0].source is not None
    source_dict = result.papers[0].source.to_dict()
    assert len(source_dict.pop("derived").split()) == 5  # a digest per derived value
    assert source_dict == {
        "file": "c.bib",
        "format": "bibtex",
        "entry_type": "article",
        "key": "k1",
        "raw": {"title": "{A Paper}", "year": "2020"},
    }


def test_explicit_format_wins() -> None:
    # Detection would say "listing"; forced as search it is title/abstract lines.
    result = parse_text(LISTING, format="search")
    assert result.format == "search"
    assert [p.title for p in result.papers] == ["CVSep 25, 2023Code", "A TitleAnn Lee"]
    assert result.warnings == ["line 1: paper 'CVSep 25, 2023Code' has no abstract"]
    with pytest.raises(ImportFormatError, match="no BibTeX entries found"):
        parse_text(LISTING, format="bibtex")
    with pytest.raises(ImportFormatError, match="no listing records found"):
        parse_text(SEARCH, format="listing")


@pytest.mark.parametrize("format", ["listing", "search"])
def test_bibtex_forced_into_another_format_is_refused(format: str) -> None:
    bibtex = "@article{k1,\n  title = {A Title},\n  author = {Lee, Ann},\n  year = {2023}\n}\n"
    with pytest.raises(ImportFormatError, match=f"this is BibTeX, not the {format} format"):
        parse_text(bibtex, format=format)
    assert parse_text(bibtex, format="bibtex").papers[0].title == "A Title"


def test_today_defaults_to_the_current_date() -> None:
    result = parse_text("CLJan 1\nA TitleAnn Lee\nabstract\n")
    assert result.papers[0].published == f"{date.today().year}-01-01"


@pytest.mark.parametrize("bad", ["csv", "LISTING", ""])
def test_unknown_format_name(bad: str) -> None:
    with pytest.raises(ImportFormatError, match="unknown format"):
        parse_text(LISTING, format=bad)


@pytest.mark.parametrize("text", ["", "\ufeff", " \n\r\n\t"])
def test_empty_text(text: str) -> None:
    with pytest.raises(ImportFormatError, match="the file is empty"):
        parse_text(text)


# -- decode_bytes ----------------------------------------------------------------


def test_decode_utf8_with_and_without_bom() -> None:
    text = "Zoë Müller · Łukasz"
    assert decode_bytes(text.encode()) == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode()) == text


def test_decode_utf16_with_bom() -> None:
    text = "CVSep 25, 2023\nZoë"
    assert decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text
    assert decode_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == text


def test_decode_utf32_with_bom() -> None:
    text = "@misc{k, title={Zoë}}"
    assert decode_bytes(codecs.BOM_UTF32_LE + text.encode("utf-32-le")) == text


def test_decode_refuses_binary() -> None:
    with pytest.raises(ImportFormatError, match="looks like a binary file"):
        decode_bytes(b"%PDF-1.7\n\x00\x01\x02")
    with pytest.raises(ImportFormatError, match="looks like a binary file"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_decode_refuses_other_encodings_with_the_offset() -> None:
    with pytest.raises(
        ImportFormatError, match=r"not UTF-8 text \(invalid byte 0xe9 at offset 3\)"
    ):
        decode_bytes("Café".encode("latin-1"))


def test_decode_only_probes_the_start_for_nul() -> None:
    data = b"a" * 9000 + b"\x00"
    assert decode_bytes(data) == "a" * 9000 + "\x00"


def test_decode_then_parse_the_samples() -> None:
    for name, count in (("sample_listing.txt", 50), ("sample_search_results.txt", 35)):
        raw = resources.files("readlist.data").joinpath(name).read_bytes()
        assert len(parse_text(decode_bytes(raw), source_name=name).papers) == count


@given(st.text(alphabet=st.sampled_from(["a", " ", "\t", "\n", "\r", "\ufeff", "@", "é"])))
def test_the_first_lines_are_found_without_splitting_the_whole_text(text: str) -> None:
    every = [line.strip() for line in split_lines(text)]
    assert _first_content_lines(text, 8) == [line for line in every if line][:8]
