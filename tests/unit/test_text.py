from __future__ import annotations

import sys

from hypothesis import example, given
from hypothesis import strategies as st

from readlist.text import _CONTROLS, _ESCAPES, one_line, strip_controls


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


def reference_strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """strip_controls as it was, before its fast path for printable text."""
    if not _CONTROLS.search(text) and "\t" not in text and (keep_newlines or "\n" not in text):
        return text
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROLS.sub("", text)


def reference_one_line(text: str) -> str:
    """one_line as it was, before its fast path for text that is already one clean line."""
    return " ".join(reference_strip_controls(text, keep_newlines=False).split())


MESSY_PIECES = [
    "a", "b c", " ", "  ", "\t", "\n", "\r\n", "\r", "\x00", "\x1b[31m", "\x1b]8;;x\x07", "\x85",
    "\u00a0", "\u2028", "\u200b", "\u202e", "\ufeff", "\ud800", "é", "𝐀",
]  # fmt: skip
messy_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(exclude_categories=())),  # surrogates too
    st.lists(st.sampled_from(MESSY_PIECES), max_size=20).map("".join),
)


@given(messy_text)
@example("a b")
@example(" a b")
@example("a  b")
@example("a\u00a0b")
@example("a\u200bb")
def test_fast_paths_give_what_the_full_cleaning_gives(text: str) -> None:
    assert strip_controls(text) == reference_strip_controls(text)
    assert strip_controls(text, keep_newlines=False) == reference_strip_controls(
        text, keep_newlines=False
    )
    assert one_line(text) == reference_one_line(text)


def test_printable_characters_are_never_cleaned() -> None:
    # The fast paths rest on this: a printable character is no control, bidi mark,
    # tab or newline, and the plain space is the only printable whitespace.
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable():
            assert _CONTROLS.search(char) is None, hex(code)
            assert not char.isspace() or char == " ", hex(code)
