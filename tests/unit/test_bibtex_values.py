"""BibTeX values as written: ``#`` concatenation and ``@string`` macros resolved at any depth."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.bib.bibtex_values import (
    MAX_MACRO_LENGTH,
    MacroTable,
    Piece,
    PieceKind,
    value_pieces,
)
from readlist.exporters import to_bibtex
from readlist.importers.bibtex import _parse_with_bibtexparser, parse_bibtex


def doubling_chain(depth: int) -> str:
    """``@string``s where each one is the one before, twice: ``a2 = a1 # a1``."""
    lines = ['@string{a1 = "x"}']
    lines += [f"@string{{a{n} = a{n - 1} # a{n - 1}}}" for n in range(2, depth + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("parse", [parse_bibtex, _parse_with_bibtexparser])
def test_string_concatenation_is_resolved_at_any_depth(parse: object) -> None:
    text = doubling_chain(12) + "@misc{k, title = {T}, journal = a12}\n"
    papers, warnings = parse(text)  # type: ignore[operator]
    assert warnings == []
    assert papers[0].source.fields["journal"] == "x" * 2**11


def test_a_string_chain_beyond_the_size_guard_is_a_warning_not_a_memory_error() -> None:
    text = doubling_chain(40) + "@misc{k, title = {T}, journal = a40, note = a20}\n"
    started = time.process_time()
    papers, warnings = parse_bibtex(text)
    assert time.process_time() - started < 30  # a guard, not a benchmark: 2^39 bytes otherwise
    assert any("a22: expands to more than" in warning for warning in warnings)
    source = papers[0].source
    assert source is not None
    assert source.fields["note"] == "x" * 2**19
    assert source.fields["journal"] == "a40"  # too long: stands for its name


@pytest.mark.parametrize("parse", [parse_bibtex, _parse_with_bibtexparser])
def test_concatenated_fields_are_joined_not_kept_as_literals(parse: object) -> None:
    text = (
        '@string{STOC = "Symposium on Theory of Computing"}\n'
        '@inproceedings{k, title = "Lower " # {Bounds}, '
        'booktitle = "Proc. Fifteenth Annual ACM " # STOC, month = jun # "\\slash " # sep}\n'
    )
    papers, _ = parse(text)  # type: ignore[operator]
    paper = papers[0]
    assert paper.title == "Lower Bounds"
    assert (
        paper.source.fields["booktitle"]
        == "Proc. Fifteenth Annual ACM Symposium on Theory of Computing"
    )
    exported = to_bibtex(papers)
    assert '{"' not in exported  # never the `{"…" # STOC}` literal
    again, warnings = parse_bibtex(exported)
    assert warnings == []
    assert again[0].title == paper.title
    assert again[0].source is not None and paper.source is not None
    assert again[0].source.fields["booktitle"] == paper.source.fields["booktitle"]


def test_a_macro_defined_later_replaces_the_earlier_one_for_later_definitions() -> None:
    table = MacroTable()
    assert table.define("a", "{x}") == []
    assert table.define("b", "a # a") == []
    assert table.define("A", '"y"') == []
    assert table.resolve("b # a") == ("xxy", [])


def test_undefined_macros_are_named_and_months_are_not() -> None:
    table = MacroTable()
    assert table.resolve("jun # or # {, } # 1984") == ("junor, 1984", ["or"])
    assert table.define("x", "nope") == ["@string x: macro 'nope' is not defined"]


@pytest.mark.parametrize(
    ("raw", "pieces"),
    [
        ("{a {b} c}", [Piece(PieceKind.BRACED, "a {b} c")]),
        ('"a {"} b"', [Piece(PieceKind.QUOTED, 'a {"} b')]),
        ("1984", [Piece(PieceKind.WORD, "1984")]),
        (
            '{A} #\n "B" # stoc#12',
            [
                Piece(PieceKind.BRACED, "A"),
                Piece(PieceKind.QUOTED, "B"),
                Piece(PieceKind.WORD, "stoc"),
                Piece(PieceKind.WORD, "12"),
            ],
        ),
        ("{a #}", [Piece(PieceKind.BRACED, "a #")]),
    ],
)
def test_value_pieces(raw: str, pieces: list[Piece]) -> None:
    assert value_pieces(raw) == pieces


@pytest.mark.parametrize("raw", ["{a", '"a', "{a} #", "# {a}", "{a} {b}", "{a} # ", "a b"])
def test_not_a_value(raw: str) -> None:
    assert value_pieces(raw.rstrip() if raw.endswith("# ") else raw) is None


PIECE_TEXT = st.text(alphabet="ab {}\\", max_size=6).filter(
    lambda t: value_pieces("{" + t + "}") is not None
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["{}", '""', "macro"]), PIECE_TEXT), min_size=1))
def test_resolving_joins_the_pieces_in_order(parts: list[tuple[str, str]]) -> None:
    table = MacroTable()
    written: list[str] = []
    expected: list[str] = []
    for index, (kind, text) in enumerate(parts):
        if kind == "{}":
            written.append("{" + text + "}")
        elif kind == '""' and '"' not in text and value_pieces('"' + text + '"') is not None:
            written.append('"' + text + '"')
        else:
            table.define(f"m{index}", "{" + text + "}")
            written.append(f"M{index}")
        expected.append(text)
    assert table.resolve(" # ".join(written)) == ("".join(expected), [])


def test_size_guard_is_large_enough_for_real_strings() -> None:
    assert MAX_MACRO_LENGTH >= 100_000
