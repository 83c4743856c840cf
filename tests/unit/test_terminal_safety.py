"""Control characters from data never reach a terminal raw: escaped names, JSON, refused tags."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from readlist.cli.render import to_json
from readlist.errors import ReadlistError
from readlist.models import tag_from_input
from readlist.text import _CONTROLS, escape_controls, strip_controls

HOSTILE = ("\x1b]0;T\x07", "\x1b[31m", "\x9b2J", "\u202e", "a\tb", "a\nb", "\x00", "\x7f")


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_controls_shows_every_control_as_an_escape(text: str) -> None:
    shown = escape_controls(text)
    assert shown.isprintable()
    assert shown.encode().decode("unicode_escape") == text


def test_escape_controls_spells_them_like_python() -> None:
    assert escape_controls("f\x1b]0;T\x07.txt") == "f\\x1b]0;T\\x07.txt"
    assert escape_controls("a\u202eb\nc") == "a\\u202eb\\x0ac"


@given(st.text())
@example("[bold]ordinary é 语 text[/]")
def test_escape_controls_leaves_printable_text_and_prints_safely(text: str) -> None:
    shown = escape_controls(text)
    assert not _CONTROLS.search(shown) and "\n" not in shown and "\t" not in shown
    if text.isprintable():
        assert shown == text


@given(st.text())
@example("title \x9b2J \u202e \x1b[31m")
@example("plain ascii with DEL \x7f")
def test_json_output_has_no_raw_control_and_the_same_value(text: str) -> None:
    printed = to_json({"title": text, "tags": [text]})
    assert not _CONTROLS.search(printed)
    assert json.loads(printed) == {"title": text, "tags": [text]}


@pytest.mark.parametrize("tag", ["x\x1b]0;T\x07y", "a\x1b[31m", "\x9bz", "bidi\u202e", "nul\x00"])
def test_a_tag_with_control_characters_is_refused(tag: str) -> None:
    with pytest.raises(ReadlistError, match="has control characters") as raised:
        tag_from_input(tag)
    assert strip_controls(str(raised.value)) == str(raised.value)  # the message is safe too


def test_an_ordinary_tag_is_normalised() -> None:
    assert tag_from_input("  Machine Learning\t[x] ") == "machine-learning-[x]"


@given(st.text(max_size=40), st.integers(min_value=-1, max_value=30))
@example("Łukasz Kowalski et al.", 10)
@example("東京 大学", 5)
@example("plain ascii", 4)
def test_fit_gives_what_rich_would(text: str, width: int) -> None:
    from rich.cells import cell_len, set_cell_size

    from readlist.view import fit

    for field in (text, escape_controls(text)):
        if width <= 0:
            expected = ""
        elif cell_len(field) > width:
            expected = set_cell_size(field, width - 1) + "…"
        else:
            expected = set_cell_size(field, width)
        assert fit(field, width) == expected
