"""The fast LaTeX decoder agrees with pylatexenc wherever it answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.bib.latex import _fast_latex_to_text, decoder, latex_to_text

_DECODER = decoder()

PIECES = st.sampled_from(
    [
        "plain", "Words", " ", "  ", ", ", ": ", "-", "94", "(x)", "{NeRF}", "{", "}",
        r"\"u", r"{\"u}", r"\"{U}", r"\'e", r"\'{\i}", r"\`a", r"\^o", r"\~n", r"\=a", r"\.z",
        r"\c{c}", r"\c c", r"\v{s}", r"\u{a}", r"\H{o}", r"\k{a}", r"\r{a}",
        r"{\ss}", r"\ss{}", r"\o ", r"{\O}", r"\L ", r"\aa{}", r"{\AE}", r"\oe ",
        r"\&", r"\%", r"\$", r"\_", r"\#",
        r"$V_1$", r"$\mathcal{O}(n)$", r"$x^{2}$", "$", r"\emph{x}", "--", "~", "``q''", r"\url{https://a.b/c}",
    ]
)  # fmt: skip


@settings(max_examples=400)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_fast_path_matches_pylatexenc(value: str) -> None:
    fast = _fast_latex_to_text(value)
    if fast is not None:
        assert fast == _DECODER.latex_to_text(value).replace("\xa0", " ")


def test_fast_path_is_taken_for_common_fields() -> None:
    assert _fast_latex_to_text(r"{SqueezeLLM}: Dense \& Sparse for M\"{u}ller") is not None
    assert _fast_latex_to_text(r"$V_1$: x for $k$-NN") == "$V_1$: x for $k$-NN"
    assert _fast_latex_to_text(r"\emph{x}") is None
    assert latex_to_text(r"$V_1$ and {\"u}") == "$V_1$ and ü"


def test_bare_percent_is_per_cent_not_a_comment() -> None:
    assert latex_to_text("Tool Use with 100% Recall, a new approach") == (
        "Tool Use with 100% Recall, a new approach"
    )
