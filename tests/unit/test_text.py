from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from readlist.text import one_line, strip_controls


def test_escape_sequences_and_controls_removed() -> None:
    hostile = (
        "A\x1b[31mred\x1b[0m \x1b]8;;https://evil\x07link\x1b]8;;\x07 \u202eevil\u202c\x00x\x9b2J"
    )
    assert strip_controls(hostile) == "Ared link evilx"


def test_markup_is_left_alone() -> None:
    assert one_line("[bold red]x[/] [@click=app.quit]") == "[bold red]x[/] [@click=app.quit]"


def test_one_line_collapses_newlines_and_tabs() -> None:
    assert one_line("  a\r\nb\tc \n") == "a b c"


@given(st.text())
def test_cleaned_text_has_no_controls(text: str) -> None:
    cleaned = strip_controls(text)
    assert "\x1b" not in cleaned
    assert all(ch in "\n" or ch >= " " for ch in cleaned)
    assert not any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in cleaned)
    assert strip_controls(cleaned) == cleaned
