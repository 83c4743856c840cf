"""The BibTeX importer's shortcuts give what the long way gives: LaTeX decoding, names.

The long ways are kept here as references: the LaTeX fast path as it was before
its steps were skipped when pointless, and bibtexparser's name splitter.
"""

from __future__ import annotations

import re
import unicodedata

from bibtexparser.middlewares.names import split_multiple_persons_names
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.bib.bibtex_names import split_names
from readlist.bib.latex import (
    _BARE_PERCENT,
    _INLINE_MATH,
    _LETTER_MACRO,
    _LETTERS,
    _SIMPLE_ESCAPE,
    _SYMBOL_ACCENT,
    _WORD_ACCENT,
    _accented,
    _fast_latex_to_text,
    latex_to_text,
)
from readlist.importers.bibtex import _date_part
from readlist.text import one_line

_NEEDS_DECODER = re.compile(r"[\\$~%]|--|``|''|!`|\?`")


def reference_fast_latex_to_text(value: str) -> str | None:
    """``_fast_latex_to_text`` doing every step on every piece."""
    pieces = _INLINE_MATH.split(value)
    for index in range(0, len(pieces), 2):
        text = _SYMBOL_ACCENT.sub(_accented, pieces[index])
        text = _WORD_ACCENT.sub(_accented, text)
        text = _LETTER_MACRO.sub(lambda m: _LETTERS[m.group(1)], text)
        if _NEEDS_DECODER.search(_SIMPLE_ESCAPE.sub("", text)):
            return None
        text = _SIMPLE_ESCAPE.sub(r"\1", text).replace("{", "").replace("}", "")
        pieces[index] = unicodedata.normalize("NFC", text)
    return "".join(pieces)


LATEX = st.lists(
    st.sampled_from(
        [
            "plain", "Words", " ", "-", "--", "---", "'", "''", "`", "``", "!`", "?`", "!", "?",
            "{", "}", "{NeRF}", "%", "50%", r"\%", r"\\%", r"\&", r"\_", r"\#", r"\$", "\\",
            r"\"u", r"{\"u}", r"\'{\i}", r"\c{c}", r"\v s", r"{\ss}", r"\o ", r"\aa{}",
            "$V_1$", "$", r"\emph{x}", "~", "\ue000", "\ue001", "é", "e\u0301", "Å", "\n",
        ]
    ),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(LATEX)
def test_fast_path_skips_only_steps_that_change_nothing(value: str) -> None:
    assert _fast_latex_to_text(value) == reference_fast_latex_to_text(value)


@settings(max_examples=1000, deadline=None)
@given(LATEX)
def test_plain_text_shortcut_changes_nothing(value: str) -> None:
    prepared = _BARE_PERCENT.sub(r"\\%", value.replace("\ue000", "").replace("\ue001", ""))
    expected = reference_fast_latex_to_text(prepared)
    if expected is not None:
        assert latex_to_text(value) == expected


NAME_PIECES = st.sampled_from(
    [" and ", " AND ", " aNd ", "and", " an", "d ", "{", "}", "x", "Lee, Ann", " ", "\n", "\t",
     "\r", "others", "\\", "{\\'u}", "\\{", "\\}", "\\ ", "~", "Jr.", "\xa0"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(NAME_PIECES, max_size=14).map("".join))
def test_names_split_as_bibtexparser_splits_them(names: str) -> None:
    assert split_names(names) == split_multiple_persons_names(names)


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=12))
def test_plain_date_parts_skip_decoding_without_changing_them(value: str) -> None:
    assert _date_part(value) == one_line(latex_to_text(value))
