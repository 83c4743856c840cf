r"""The keys a LaTeX project cites, read from its .tex sources or its .aux file."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.latex_project import (
    Include,
    aux_citations,
    parent_keys,
    project_citations,
    strip_comments,
    tex_citations,
    with_parents,
)


def keys(text: str) -> list[str]:
    return list(tex_citations(text).keys)


def test_plain_natbib_and_biblatex_cites_with_optional_arguments() -> None:
    text = r"""
    As \cite{knuth} and \citet[p.~3]{lamport, patashnik} show, and \citep[see][ch.~2]{a}.
    \parencite*{b} \textcite[{p. [3]}]{c} \autocite[14]{d}\footcite{e} \Citeauthor{f}
    \citeyearpar{g} \nocite{h,i} \cite*{j} \fullcite{k}
    """
    expected = ["knuth", "lamport", "patashnik", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    assert keys(text) == [*expected, "k"]


def test_multicite_commands_take_every_key_group() -> None:
    text = r"\cites(pre)(post)[p.~1]{a,b}[2]{c}{d} then text {not a key}"
    assert keys(text) == ["a", "b", "c", "d"]
    assert keys(r"\textcites{a}[5]{b} and \parencites{c}") == ["a", "b", "c"]


def test_each_key_once_in_first_cited_order() -> None:
    assert keys(r"\cite{b,a} \cite{a} \citep{c,b}") == ["b", "a", "c"]


def test_comments_are_ignored_but_an_escaped_percent_is_text() -> None:
    text = "\\cite{kept} % \\cite{commented}\n50\\% of \\cite{also}\n%\\cite{gone}\n"
    assert keys(text) == ["kept", "also"]
    assert strip_comments("a\\\\% comment") == "a\\\\"  # \\ then a real comment
    assert keys("\\\\cite{x}") == []  # a line break, then the word "cite"


def test_commands_that_are_not_citations_are_not_read() -> None:
    assert keys(r"\citetext{free text} \citestyle{plain} \excite{x} \recite{y}") == []
    assert keys(r"\cite") == []
    assert keys(r"\cite[unclosed") == []


def test_nocite_star_means_everything() -> None:
    assert keys(r"\nocite{*}") == ["*"]


def test_includes_are_listed_in_order() -> None:
    text = (
        "\\input{chapters/intro}\n\\include{two}\n\\subfile{three.tex}\n"
        "\\input four\n\\import{/abs/}{five}\n\\subimport{sub/}{six}\n% \\input{no}\n"
    )
    assert tex_citations(text).includes == (
        Include("chapters/intro"),
        Include("two"),
        Include("three.tex"),
        Include("four"),
        Include("five", "/abs/", relative=False),
        Include("six", "sub/"),
    )


def test_aux_files_of_bibtex_and_biblatex() -> None:
    aux = r"""\relax
\citation{knuth,lamport}
\citation{knuth}
\abx@aux@cite{0}{biber}
\abx@aux@cite{old-style}
\abx@aux@segm{0}{0}{notakey}
\@input{chapter.aux}
\bibdata{refs}
"""
    scan = aux_citations(aux)
    assert scan.keys == ("knuth", "lamport", "biber", "old-style")
    assert scan.includes == (Include("chapter.aux"),)
    assert aux_citations(r"\citation{*}").keys == ("*",)
    assert aux_citations(r"\abx@aux@cite{0}{*}").keys == ("*",)


def files(tree: dict[str, str]):
    def read(path: Path) -> str:
        try:
            return tree[path.as_posix()]
        except KeyError:
            raise FileNotFoundError(path) from None

    return read


def test_a_project_follows_includes_relative_to_the_including_file_then_the_main_one() -> None:
    tree = {
        "p/main.tex": "\\cite{m}\n\\input{ch/one}\n\\include{two}\\nocite{*}",
        "p/ch/one.tex": "\\cite{one}\\input{deeper}\\input{ch/sibling}",
        "p/ch/deeper.tex": "\\citep{deep}",
        "p/ch/sibling.tex": "\\citet{sib}\\input{../main}",  # a cycle: read once
        "p/two.tex": "\\cite{two,m}",
    }
    found = project_citations(Path("p/main.tex"), files(tree))
    assert found.keys == ["m", "one", "deep", "sib", "two"]
    assert found.everything
    assert found.problems == []
    assert [path.as_posix() for path in found.files] == [
        "p/main.tex",
        "p/ch/one.tex",
        "p/ch/deeper.tex",
        "p/ch/sibling.tex",
        "p/two.tex",
    ]


def test_a_missing_include_is_a_problem_noted_and_a_missing_main_file_an_error() -> None:
    found = project_citations(Path("main.tex"), files({"main.tex": "\\input{gone}\\cite{a}"}))
    assert found.keys == ["a"]
    assert found.problems == ["main.tex: cannot read included file 'gone'"]
    with pytest.raises(OSError):
        project_citations(Path("absent.tex"), files({}))


def test_an_aux_project_follows_its_chapter_aux_files() -> None:
    tree = {
        "out/main.aux": "\\citation{a}\n\\@input{ch1.aux}\n",
        "out/ch1.aux": "\\citation{b,a}\n",
    }
    found = project_citations(Path("out/main.aux"), files(tree))
    assert found.keys == ["a", "b"]
    assert not found.everything


def test_parents_are_added_transitively_each_once_and_missing_keys_listed() -> None:
    parents = {
        "child": ["proc"],
        "proc": ["series", "XD"],
        "series": [],
        "xd": [],
        "set": ["m1", "m2"],
        "m1": [],
        "m2": ["proc"],
        "alone": [],
    }
    wanted, missing = with_parents(["set", "CHILD", "nowhere", "alone"], parents)
    assert wanted == ["set", "child", "alone", "m1", "m2", "proc", "series", "xd"]
    assert missing == ["nowhere"]


def test_parent_keys_of_an_entry() -> None:
    fields = {"crossref": "proc", "xdata": "a, b", "entryset": "x,y", "xref": "z"}
    assert parent_keys(fields) == ["proc", "z", "a", "b", "x", "y"]
    assert parent_keys({"title": "t"}) == []
