"""The BibTeX export through the real toolchain: pdflatex + bibtex, pdflatex + biber.

Every build must finish with no error and no warning in the .log or the .blg.
Skipped (with the reason shown) only when a TeX program is not installed.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from readlist.exporters import to_bibtex
from readlist.exporters.latex_math import MATH_ONE_ARG, MATH_SYMBOLS, MATH_TEXT_ARG, MATH_TWO_ARGS
from readlist.importers import parse_text
from readlist.models import Link, Paper
from tests.tex_tools import require_tex
from tests.unit.latex_decoding import latex_decoder

pytestmark = pytest.mark.tex

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
TIMEOUT = 300

LOG_PROBLEMS = re.compile(
    r"^!.*$"  # TeX errors
    r"|^.*(?:LaTeX|Package|Class) [\w-]* ?Warning.*$"
    r"|^.*LaTeX Font Warning.*$"
    r"|^.*Citation .* undefined.*$"
    r"|^.*Missing character.*$",
    re.MULTILINE,
)
BIBTEX_PROBLEMS = re.compile(
    r"^.*(?:Warning--|error message|I was expecting|I'm skipping|I'm ignoring|"
    r"Repeated entry|couldn't open).*$",
    re.MULTILINE,
)
BIBER_PROBLEMS = re.compile(r"^.*(?:WARN|ERROR).*$", re.MULTILINE)


require = require_tex


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        check=False,
    )


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def errors(log: str) -> str:
    """The TeX error messages in ``log`` with the lines that locate them."""
    lines = log.splitlines()
    found = [
        "\n".join(lines[index : index + 4])
        for index, line in enumerate(lines)
        if line.startswith("!")
    ]
    return "\n".join(found) or log[-2000:]


def latex_passes(cwd: Path, runs: int) -> str:
    """Run pdflatex ``runs`` times; fail on a non-zero exit; return the final log."""
    for _ in range(runs):
        result = run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd)
        log = read(cwd / "doc.log")
        assert result.returncode == 0, "pdflatex failed:\n" + errors(log)
    return log


def assert_clean_log(log: str) -> None:
    problems = LOG_PROBLEMS.findall(log)
    assert not problems, "pdflatex reported:\n" + "\n".join(problems[:40])


def document(preamble: str, body: str) -> str:
    return (
        "\\documentclass{article}\n"
        f"{preamble}"
        "\\begin{document}\n"
        "\\nocite{*}\n"
        f"{body}"
        "\\end{document}\n"
    )


def build_bibtex(tmp_path: Path, bib: str, *, style: str = "plain", fontenc: bool = True) -> str:
    """pdflatex, bibtex, pdflatex ×2; asserts a clean .blg and .log; returns the .bbl."""
    require("pdflatex", "bibtex")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    preamble = "\\usepackage[T1]{fontenc}\n" if fontenc else ""
    body = f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n"
    (tmp_path / "doc.tex").write_text(document(preamble, body), encoding="utf-8")
    latex_passes(tmp_path, 1)
    result = run(["bibtex", "doc"], tmp_path)
    blg = read(tmp_path / "doc.blg")
    assert result.returncode == 0, f"bibtex exited {result.returncode}:\n{blg[-3000:]}"
    problems = BIBTEX_PROBLEMS.findall(blg)
    assert not problems, "bibtex reported:\n" + "\n".join(problems[:40])
    assert_clean_log(latex_passes(tmp_path, 2))
    return read(tmp_path / "doc.bbl")


def build_biber(tmp_path: Path, bib: str, *, fontenc: bool = True) -> str:
    """pdflatex, biber, pdflatex ×2; asserts a clean .blg and .log; returns the .bbl.

    The second pdflatex run after biber is biblatex's own bookkeeping for
    ``\\nocite{*}`` (it asks to "rerun LaTeX" otherwise), not about our data.
    """
    require("pdflatex", "biber")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    preamble = ("\\usepackage[T1]{fontenc}\n" if fontenc else "") + (
        "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
    )
    (tmp_path / "doc.tex").write_text(document(preamble, "\\printbibliography\n"), encoding="utf-8")
    latex_passes(tmp_path, 1)
    result = run(["biber", "doc"], tmp_path)
    blg = read(tmp_path / "doc.blg")
    assert result.returncode == 0, f"biber exited {result.returncode}:\n{blg[-3000:]}"
    problems = BIBER_PROBLEMS.findall(blg)
    assert not problems, "biber reported:\n" + "\n".join(problems[:40])
    assert_clean_log(latex_passes(tmp_path, 2))
    return read(tmp_path / "doc.bbl")


def sample_papers() -> list[Paper]:
    """The two bundled samples, imported for real, plus the hand-built hard cases."""
    papers: list[Paper] = []
    for name in ("sample_listing.txt", "sample_search_results.txt"):
        text = (ROOT / "readlist" / "data" / name).read_text(encoding="utf-8")
        result = parse_text(text, source_name=name, today=date(2026, 1, 15))
        papers += result.papers
    assert len(papers) == 85
    for number, paper in enumerate(papers, start=1):
        paper.key = f"p{number:03d}"
        paper.tags = ["sample", "tex_check"]
    cases = json.loads((DATA / "export_hard_cases.json").read_text(encoding="utf-8"))
    return papers + [Paper.from_dict(case) for case in cases]


_DECODER = latex_decoder("readlist-tex-test", ("newblock", " "))


def decode(latex: str) -> str:
    """What LaTeX typesets for ``latex`` as text (``%`` comments are dropped, as TeX does)."""
    text = unicodedata.normalize("NFC", _DECODER.latex_to_text(latex))
    return " ".join(text.replace("\u00a0", " ").split())


def expected_title(paper: Paper, *, ascii: bool) -> str:
    title = unicodedata.normalize("NFC", " ".join(paper.title.split()))
    return title.replace("«", "<<").replace("»", ">>") if ascii else title


def bbl_fields(bbl: str, name: str) -> list[str]:
    """The bodies of Biber's ``\\field{name}{…}`` lines, braces matched."""
    bodies = []
    opener = f"\\field{{{name}}}{{"
    for start in (m.end() for m in re.finditer(re.escape(opener), bbl)):
        depth, end = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(bbl[end], 0)
            end += 1
        bodies.append(bbl[start : end - 1])
    return bodies


def assert_titles_typeset(bbl: str, papers: list[Paper], *, biber: bool, ascii: bool) -> None:
    """Every title reaches the bibliography whole (nothing eaten by a stray ``%``)."""
    if biber:
        titles = {decode(body) for body in bbl_fields(bbl, "title")}
        for paper in papers:
            assert expected_title(paper, ascii=ascii) in titles, paper.title
    else:  # plain.bst lowercases titles, except what is braced
        text = decode(bbl).lower()
        for paper in papers:
            assert expected_title(paper, ascii=ascii).lower() in text, paper.title


def bbl_keys(bbl: str, *, biber: bool) -> set[str]:
    pattern = r"\\entry\{([^}]*)\}" if biber else r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}"
    return set(re.findall(pattern, bbl))


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_samples_with_plain_bibtex(tmp_path: Path, ascii: bool) -> None:
    papers = sample_papers()
    bbl = build_bibtex(tmp_path, to_bibtex(papers, ascii=ascii))
    assert bbl_keys(bbl, biber=False) == {paper.key for paper in papers}
    assert_titles_typeset(bbl, papers, biber=False, ascii=ascii)
    # Case protection survives plain.bst's title lowercasing.
    assert "{SqueezeLLM}" in bbl
    assert "{NeRF-Det}" in bbl
    assert "{$V_1$}" in bbl
    if ascii:
        assert bbl.isascii()
        assert 'M{\\"u}ller' in bbl
    else:
        assert "Müller" in bbl


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_samples_with_biblatex_and_biber(tmp_path: Path, ascii: bool) -> None:
    papers = sample_papers()
    bbl = build_biber(tmp_path, to_bibtex(papers, ascii=ascii))
    assert bbl_keys(bbl, biber=True) == {paper.key for paper in papers}
    assert_titles_typeset(bbl, papers, biber=True, ascii=ascii)
    assert "SqueezeLLM" in bbl
    assert "eprinttype" not in bbl or "arXiv" in bbl


@pytest.mark.parametrize("style", ["abbrv", "alpha", "unsrt"])
def test_ascii_export_with_other_bibtex_styles(tmp_path: Path, style: str) -> None:
    """abbrv/alpha abbreviate first names byte-wise: ASCII mode keeps that safe."""
    papers = sample_papers()
    bbl = build_bibtex(tmp_path, to_bibtex(papers, ascii=True), style=style)
    assert bbl_keys(bbl, biber=False) == {paper.key for paper in papers}


def test_ascii_export_without_fontenc(tmp_path: Path) -> None:
    """ASCII output also works with LaTeX's default OT1 encoding (no fontenc)."""
    papers = sample_papers()
    build_bibtex(tmp_path, to_bibtex(papers, ascii=True), fontenc=False)


def unicode_sweep() -> list[Paper]:
    """One paper per character of the common Latin, Greek and symbol blocks."""
    ranges = [(0xA0, 0x250), (0x370, 0x400), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x2100, 0x2300)]
    papers = []
    for start, stop in ranges:
        for code in range(start, stop):
            char = chr(code)
            if not char.isprintable() or char.isspace():
                continue
            papers.append(
                Paper(
                    key=f"u{code:04X}",
                    title=f"Char x{char}y {char}",
                    authors=[f"Ann {char}Smith"],
                    published="2020",
                )
            )
    return papers


@pytest.mark.parametrize(
    ("backend", "fontenc"),
    [("bibtex", True), ("bibtex", False), ("biber", True), ("biber", False)],
    ids=["bibtex-T1", "bibtex-OT1", "biber-T1", "biber-OT1"],
)
def test_ascii_mode_every_character_compiles(tmp_path: Path, backend: str, fontenc: bool) -> None:
    papers = unicode_sweep()
    bib = to_bibtex(papers, ascii=True)
    assert bib.isascii()
    if backend == "bibtex":
        bbl = build_bibtex(tmp_path, bib, fontenc=fontenc)
    else:
        bbl = build_biber(tmp_path, bib, fontenc=fontenc)
    assert bbl_keys(bbl, biber=backend == "biber") == {paper.key for paper in papers}


def test_every_allowed_math_macro_compiles(tmp_path: Path) -> None:
    bodies = [f"\\{name}" for name in sorted(MATH_SYMBOLS)]
    bodies += [f"\\{name}{{x}}" for name in sorted(MATH_ONE_ARG)]
    bodies += [f"\\{name}{{a}}{{b}}" for name in sorted(MATH_TWO_ARGS)]
    bodies += [f"\\{name}{{Word}}" for name in sorted(MATH_TEXT_ARG)]
    papers = [
        Paper(key=f"m{index:03d}", title=f"Math ${body}$ Here", authors=["Ann Smith"])
        for index, body in enumerate(bodies)
    ]
    bib = to_bibtex(papers)
    for body in bodies:  # every one was kept as math, not escaped
        assert f"{{${body}$}}" in bib
    (tmp_path / "bibtex").mkdir()
    (tmp_path / "biber").mkdir()
    build_bibtex(tmp_path / "bibtex", bib)
    build_biber(tmp_path / "biber", bib)


# Fragments the random titles are made of: LaTeX specials, things that look like
# math and are or are not, accents, Markdown and BibTeX traps.
FRAGMENTS = [
    "&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "<", ">", "|", '"', "'", "`", "--",
    "$x$", "$V_1$", "$\\infty$", "$x^2_i$", "$a^b^c$", "$10%$", "$\\frac{1}{2}$", "$ x $",
    "$\\href{u}{v}$", "$\\textbf{a_b}$", "$}{$", "$\\alpha\\beta$", "$$", "$5", "$x'^2$",
    "Zoë", "Łódź", "straße", "Ærø", "中文", "naïve", "Ωmega", "é", "ı", "\u00a0", "—",
    "and", "others", "RLHF", "NeRF-Det", "K-Means", "I", "A", "3D", "x", "Word", ",", ":",
    "{\\em x}", "\\par", "\\\\", "@misc{", "}\n@misc{x,", "%comment",
]  # fmt: skip


# Characters pdflatex cannot typeset from UTF-8 without extra packages.
NOT_IN_PDFLATEX_UTF8 = ("中文", "Ωmega")


def random_title(rng: random.Random, fragments: list[str]) -> str:
    return " ".join(rng.choice(fragments) for _ in range(rng.randint(1, 10)))


def random_papers(fragments: list[str], count: int = 300) -> list[Paper]:
    rng = random.Random(20240601)
    papers = []
    for index in range(count):
        papers.append(
            Paper(
                key=f"r{index:03d}",
                title=random_title(rng, fragments),
                authors=[random_title(rng, fragments) for _ in range(rng.randint(0, 3))],
                authors_truncated=rng.random() < 0.2,
                abstract=random_title(rng, fragments),
                tags=[random_title(rng, fragments)],
                published=rng.choice([None, "2020", "2021-07", "2022-12-31"]),
                links=[Link(url="https://example.org/" + random_title(rng, fragments))],
            )
        )
    return papers


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
@pytest.mark.parametrize("backend", ["bibtex", "biber"])
def test_random_titles_compile(tmp_path: Path, ascii: bool, backend: str) -> None:
    fragments = FRAGMENTS if ascii else [f for f in FRAGMENTS if f not in NOT_IN_PDFLATEX_UTF8]
    papers = random_papers(fragments)
    bib = to_bibtex(papers, ascii=ascii)
    build = build_bibtex if backend == "bibtex" else build_biber
    bbl = build(tmp_path, bib)
    assert bbl_keys(bbl, biber=backend == "biber") == {paper.key for paper in papers}
