r"""Property: a generated BibTeX entry prints the same through BibTeX after a round trip.

Titles are ``#`` joins of braced, quoted and ``@string`` pieces, with braces nested
at random, TeX macros and accents (``{\LaTeX}``, ``{\"u}``, ``\noopsort``) and
capitals to protect; names are built from BibTeX's four parts (First von Last, Jr),
with braces, accents and corporate names, in all three of BibTeX's name forms.
Whether or not the user changes a field readlist writes (the tags), BibTeX must
print every title (``"t" change.case$``) and every ``{vv }{ll}`` name part as it
prints the original's.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.exporters import to_bibtex
from readlist.importers import parse_text
from tests.unit.bibtex_probe import bibtex_print
from tests.unit.test_bibtex_real_files import require_bibtex
from tests.unit.test_bibtex_roundtrip import stored

pytestmark = pytest.mark.tex

STRINGS = '@string{stoc = "STOC"}\n@string{acm = {{ACM} Press}}\n@string{tex = "{\\TeX}"}\n'
PREAMBLE = "@preamble{{\\providecommand{\\noopsort}[1]{}}}\n"

WORD = st.sampled_from(
    [
        "Deep", "learning", "of", "RL", "GANs", "a", "Hamiltonian", "Riemann", "x-ray",
        "{\\LaTeX}", "{\\TeX}", "Bib{\\TeX}", "M{\\\"u}ller", "{\\'e}t{\\'e}", "na\\\"ive",
        "{\\noopsort{b}}Zeta", "$O(n^2)$", "{$\\Omega(n^k)$}", "\\&", "50\\%", "--", "I",
    ]
)  # fmt: skip


@st.composite
def braced_text(draw: st.DrawFn, depth: int = 0) -> str:
    """Words, some wrapped in braces (nested up to three deep)."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            parts.append("{" + draw(braced_text(depth + 1)) + "}")
        else:
            parts.append(draw(WORD))
    return " ".join(parts)


PIECE = st.one_of(
    braced_text().map(lambda text: "{" + text + "}"),
    braced_text().map(lambda text: '"' + text + '"'),
    st.sampled_from(["stoc", "acm", "tex", "STOC"]),
)
FIRST = st.sampled_from(["Jan", "Ada", "J. R.", "Jean-Paul", "{\\'E}mile", "{Ch}arles", "Guy"])
VON = st.sampled_from(["", "", "van", "de la", "von", "van den", "{de} la", "d'"])
LAST = st.sampled_from(
    ["Berg", "Cruz", 'M{\\"u}ller', "{Van Rossum}", "Da Costa", "Broeck", "{\\O}stergaard"]
)
JR = st.sampled_from(["", "", "Jr.", "III"])


@st.composite
def name(draw: st.DrawFn) -> str:
    """One name in one of BibTeX's three forms, or a braced corporate name."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from(["{The CGAL Project}", "{World Health Organization}"]))
    first, von, last, jr = draw(FIRST), draw(VON), draw(LAST), draw(JR)
    von_last = f"{von} {last}".strip()
    if jr:
        return f"{von_last}, {jr}, {first}"
    if draw(st.booleans()):
        return f"{von_last}, {first}"
    return f"{first} {von_last}"


@st.composite
def entry(draw: st.DrawFn) -> str:
    title = " # ".join(draw(st.lists(PIECE, min_size=1, max_size=3)))
    names = draw(st.lists(name(), min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 4)) == 0:
        names.append("others")
    return (
        "@article{gen:1,\n"
        f"  title = {title},\n"
        f"  author = {{{' and '.join(names)}}},\n"
        "  journal = acm # { Journal},\n"
        "  year = 2001,\n"
        "}\n"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry(), st.booleans())
def test_a_generated_entry_prints_the_same_after_a_round_trip(text: str, retag: bool) -> None:
    require_bibtex()
    original = STRINGS + PREAMBLE + text
    papers = stored(parse_text(original, source_name="g.bib").papers)
    if retag:  # a field readlist writes changed: the others still come back as written
        papers[0].tags = ["changed"]
    before = bibtex_print(original)
    after = bibtex_print(to_bibtex(papers), cited=["gen:1"])
    assert before.titles["gen:1"], before.log
    assert after.titles == before.titles
    assert after.names == before.names
