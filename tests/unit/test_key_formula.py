"""Key formulas (readlist/keyformula.py) and which keys readlist keeps (readlist/keys.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readlist.importers import decode_text, parse_text
from readlist.keyformula import KeyFormula, KeyFormulaError
from readlist.keys import assign_key, base_key, is_valid_key, unique_key
from readlist.models import Paper

REAL = Path(__file__).parent / "data" / "real_bib"

VASWANI = Paper(
    title="Attention Is All You Need",
    authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
    published="2017-06-12",
)
TWO = Paper(title="The Élan of Łódź", authors=["Zoë Müller", "Jan van den Berg"], published="2020")


@pytest.mark.parametrize(
    ("formula", "paper", "expected"),
    [
        ("auth.lower + year + shorttitle(1,1)", VASWANI, "vaswani2017Attention"),
        ("auth + year", VASWANI, "Vaswani2017"),
        ("auth(3) + year", VASWANI, "Vas2017"),
        ("auth(0,2).upper", VASWANI, "SHAZEER"),
        ("auth(0,9) + year", VASWANI, "2017"),
        ("authors", VASWANI, "VaswaniShazeerParmar"),
        ("authors(2)", VASWANI, "VaswaniShazeerEtAl"),
        ("authEtAl", VASWANI, "VaswaniEtAl"),
        ("authEtAl", TWO, "MullervandenBerg"),
        ("authors(1).lower", TWO, "mulleretal"),
        ("year + ':' + auth.lower", TWO, "2020:muller"),
        ("shorttitle", VASWANI, "AttentionNeed"),
        ("shorttitle(3,3)", TWO, "ElanLodz"),
        ("shorttitle(2,1).lower", TWO, "elanlodz"),
        ("veryshorttitle", TWO, "Elan"),
        ("title", VASWANI, "AttentionNeed"),
        ("auth.lower + '-' + year", TWO, "muller-2020"),
        ("auth.lower + '- x'.clean + year", TWO, "mullerx2020"),
        ('"Ünï" + year', TWO, "Uni2020"),
        ("auth.ascii.lower + year", TWO, "muller2020"),
    ],
)
def test_formula_parts(formula: str, paper: Paper, expected: str) -> None:
    assert KeyFormula.parse(formula).key(paper) == expected


@pytest.mark.parametrize(
    ("formula", "named"),
    [
        ("auth.lower + yeer", "'yeer'"),
        ("auth.lowr + year", "'.lowr'"),
        ("auth + + year", "empty part"),
        ("auth + 'year", "quote is not closed"),
        ("year(2)", "'year(2)'"),
        ("shorttitle(1,2,3)", "'shorttitle(1,2,3)'"),
        ("auth(1,0)", "counted from 1"),
        ("", "empty"),
        ("auth - year", "'auth - year'"),
    ],
)
def test_a_bad_formula_names_the_bad_part(formula: str, named: str) -> None:
    with pytest.raises(KeyFormulaError) as error:
        KeyFormula.parse(formula)
    message = str(error.value)
    assert named in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("title", "published", "expected"),
    [
        ("Attention Is All You Need", "2017", "attention2017"),
        ("You Only Look Once: Unified, Real-Time Object Detection", "2016", "only2016"),
        ("Find Your Way in the Dark", None, "way"),
        ("Do You Even Need Attention?", "2021", "even2021"),
        ("The", "2020", "2020"),
    ],
)
def test_papers_without_authors_take_the_first_significant_title_word(
    title: str, published: str | None, expected: str
) -> None:
    paper = Paper(title=title, published=published)
    assert base_key(paper) == expected
    # Whatever the formula, the title's word stands in for the authors, once.
    assert KeyFormula.parse("auth + year + shorttitle(3,3)").key(paper) == (
        expected[:1].upper() + expected[1:] if not expected[:1].isdigit() else expected
    )


def test_without_an_author_part_the_title_stays() -> None:
    paper = Paper(title="Attention Is All You Need", published="2017")
    assert KeyFormula.parse("shorttitle(2,2) + year").key(paper) == "AttentionNeed2017"


def test_default_formula_is_readlists_own_and_clashes_get_one_suffix_series() -> None:
    assert base_key(VASWANI) == "vaswani2017attention"
    taken = {"vaswani2017attention", "vaswani2017attentiona"}
    assert unique_key(base_key(VASWANI), taken) == "vaswani2017attentionb"
    formula = KeyFormula.parse("auth.lower + year")
    assert assign_key(VASWANI, {"vaswani2017"}, formula.key) == "vaswani2017a"


def test_keys_are_always_safe_even_from_odd_literals() -> None:
    key = KeyFormula.parse("'{a b}%' + auth").key(VASWANI)
    assert key == "abVaswani"
    assert KeyFormula.parse("'%'").key(VASWANI) == "paper"


def _real_keys() -> list[str]:
    keys = []
    for path in sorted(REAL.glob("*.bib")):
        result = parse_text(decode_text(path.read_bytes())[0], source_name=path.name)
        keys += [paper.source.key for paper in result.papers if paper.source and paper.source.key]
    return keys


def test_every_key_of_the_real_files_is_valid_and_kept() -> None:
    keys = _real_keys()
    assert len(keys) > 450
    assert all(is_valid_key(key) for key in keys)
    taken: set[str] = set()
    for key in keys:
        paper = Paper(title="T", key=key)
        if key not in taken:
            assert assign_key(paper, taken) == key
        taken.add(key)


@pytest.mark.parametrize("key", ["CorneilOS??", "o'brien:x", "Knuth!1984", "a&b", "müller2020"])
def test_keys_bibtex_takes_are_valid(key: str) -> None:
    assert is_valid_key(key)


@pytest.mark.parametrize(
    "key", ["", "a b", "a,b", "a{b", "a}b", 'a"b', "a#b", "a%b", "a~b", "a\\b"]
)
def test_keys_bibtex_or_cite_refuse_are_not(key: str) -> None:
    assert not is_valid_key(key)
    assert not re.fullmatch(r"\S+", key) or assign_key(Paper(title="T", key=key), set()) == "t"
