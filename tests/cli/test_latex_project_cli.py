r"""A LaTeX project's bibliography from readlist, built with real LaTeX, and kept in step.

``export bibtex --tex main.tex`` / ``--aux main.aux`` write exactly the cited
entries (and their crossref parents); pdflatex+bibtex (natbib) and pdflatex+biber
(biblatex) then find every citation. ``--keep-updated`` rewrites the file when a
change to the library alters it, and leaves it untouched (same inode, same
modification time) when it does not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.tex_tools import require_tex

REFS = r"""
@article{knuth1984,
  author = {Donald E. Knuth},
  title = {Literate Programming},
  journal = {The Computer Journal},
  volume = {27}, number = {2}, pages = {97--111}, year = {1984},
}
@inproceedings{lamport1986,
  author = {Leslie Lamport},
  title = {{\LaTeX}: A Document Preparation System},
  crossref = {proc1986},
  pages = {1--10},
  year = {1986},
}
@proceedings{proc1986,
  editor = {Ann Editor},
  title = {Proceedings of the Typesetting Conference},
  booktitle = {Proceedings of the Typesetting Conference},
  publisher = {Addison-Wesley},
  year = {1986},
}
@book{patashnik1988,
  author = {Oren Patashnik},
  title = {{BibTeXing}},
  publisher = {Self},
  year = {1988},
}
@article{uncited2000,
  author = {Nobody Cited},
  title = {Never Cited Here},
  journal = {J}, year = {2000},
}
"""

LATER = r"""
@article{ghost2020,
  author = {Gail Ghost},
  title = {Imported Later},
  journal = {J}, year = {2020},
}
"""

NATBIB_MAIN = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{natbib}
\begin{document}
\citet{knuth1984} and \citep[p.~3]{lamport1986, patashnik1988}. % \cite{uncited2000}
\input{chapters/one}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""

BIBLATEX_MAIN = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\textcite{knuth1984} and \parencite[3]{lamport1986}, \autocites{patashnik1988}[5]{knuth1984}.
\input{chapters/one}
\printbibliography
\end{document}
"""

CHAPTER = "Chapter: \\citep{patashnik1988}.\n"

UNDEFINED = re.compile(r"Citation .* undefined|There were undefined (citations|references)")


@pytest.fixture
def project(tmp_path: Path, run_cli) -> Path:
    """A library of REFS and a LaTeX project folder with a chapter in a subfolder."""
    bib = tmp_path / "mine.bib"
    bib.write_text(REFS, encoding="utf-8")
    run_cli("import", str(bib), check=True)
    folder = tmp_path / "paper"
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters" / "one.tex").write_text(CHAPTER, encoding="utf-8")
    return folder


#: What the project cites, by key, then the proceedings a cited paper crossrefs.
CITED_AND_PARENT = ["knuth1984", "lamport1986", "patashnik1988", "proc1986"]


def export_to_refs(run_cli, project: Path, option: str, main: str):
    """``readlist export bibtex OPTION project/MAIN -o project/refs.bib``."""
    return run_cli("export", "bibtex", option, str(project / main), "-o", str(project / "refs.bib"))


def entry_keys(bib: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bib.read_text("utf-8"), re.MULTILINE)


def build(folder: Path, main: str, engine: str) -> str:
    """Build ``main`` with pdflatex and ``engine``; the final .log and the .blg."""
    stem = main.removesuffix(".tex")
    steps = [["pdflatex"], [engine], ["pdflatex"], ["pdflatex"]]
    for step in steps:
        args = [*step, "-interaction=nonstopmode", main] if step == ["pdflatex"] else [*step, stem]
        subprocess.run(args, cwd=folder, capture_output=True, timeout=300, check=False)
    log = (folder / f"{stem}.log").read_text("utf-8", errors="replace")
    blg = (folder / f"{stem}.blg").read_text("utf-8", errors="replace")
    return log + blg


@pytest.mark.parametrize(
    ("main", "engine", "problems", "printed"),
    [
        (NATBIB_MAIN, "bibtex", ("Warning--",), "Literate programming"),  # plainnat's case
        (BIBLATEX_MAIN, "biber", ("WARN", "ERROR"), "Literate Programming"),
    ],
    ids=["natbib-bibtex", "biblatex-biber"],
)
def test_export_tex_builds_with_every_citation_found(
    project: Path, run_cli, main: str, engine: str, problems: tuple[str, ...], printed: str
) -> None:
    require_tex("pdflatex", engine)
    (project / "main.tex").write_text(main, encoding="utf-8")
    result = export_to_refs(run_cli, project, "--tex", "main.tex")
    assert result.returncode == 0, result.stderr
    # Cited ones by key, the crossref parent after them; the commented-out cite is not there.
    assert entry_keys(project / "refs.bib") == CITED_AND_PARENT
    output = build(project, "main.tex", engine)
    assert not UNDEFINED.search(output), output
    assert not [problem for problem in problems if problem in output], output
    assert printed in (project / "main.bbl").read_text("utf-8")


def test_export_aux_reads_what_latex_wrote(project: Path, run_cli) -> None:
    require_tex("pdflatex", "bibtex")
    (project / "main.tex").write_text(NATBIB_MAIN, encoding="utf-8")
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "main.tex"],
        cwd=project,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert "\\citation{knuth1984}" in (project / "main.aux").read_text("utf-8")
    result = export_to_refs(run_cli, project, "--aux", "main.aux")
    assert result.returncode == 0, result.stderr
    assert entry_keys(project / "refs.bib") == CITED_AND_PARENT
    output = build(project, "main.tex", "bibtex")
    assert not UNDEFINED.search(output), output


def test_cited_keys_missing_from_the_library_are_listed_and_the_exit_status_says_so(
    project: Path, run_cli
) -> None:
    (project / "main.tex").write_text(
        "\\cite{knuth1984,ghost2020}\\nocite{nobody}\n", encoding="utf-8"
    )
    result = run_cli(
        "export", "bibtex", "--tex", str(project / "main.tex"), "-o", str(project / "refs.bib")
    )
    assert result.returncode == 3
    assert result.stderr.splitlines()[:2] == [
        "warning: cited but not in the library: ghost2020",
        "warning: cited but not in the library: nobody",
    ]
    assert entry_keys(project / "refs.bib") == ["knuth1984"]  # what there is, written


def test_aux_and_tex_are_usage_errors_with_a_query_or_each_other(project: Path, run_cli) -> None:
    main = str(project / "main.tex")
    for args in (
        ["--tex", main, "tag:x"],
        ["--tex", main, "--aux", main],
        ["--tex", main, "--keys", "a"],
    ):
        result = run_cli("export", "bibtex", *args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
    result = run_cli("export", "bibtex", "--tex", str(project / "absent.tex"))
    assert result.returncode == 1
    assert result.stderr.startswith("readlist: cannot read ") and result.stderr.count("\n") == 1
    assert run_cli("export", "bibtex", "--keep-updated", "tag:x").returncode == 2  # needs -o


def stamp(path: Path) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_ino, found.st_mtime_ns


def test_keep_updated_follows_tag_mark_note_and_import(
    project: Path, run_cli, tmp_path: Path
) -> None:
    (project / "main.tex").write_text(
        NATBIB_MAIN.replace("% \\cite", "\\cite{ghost2020} %"), encoding="utf-8"
    )
    refs = project / "refs.bib"
    result = run_cli(
        "export", "bibtex", "--tex", str(project / "main.tex"), "-o", str(refs), "--keep-updated"
    )
    assert result.returncode == 3  # ghost2020 is not in the library yet
    assert "ghost2020" not in refs.read_text("utf-8")
    first = stamp(refs)

    run_cli("mark", "knuth1984", "read", check=True)  # not in a BibTeX entry
    run_cli("note", "knuth1984", "my own note", check=True)  # never exported
    run_cli("tag", "uncited2000", "elsewhere", check=True)  # not cited
    assert stamp(refs) == first

    run_cli("tag", "knuth1984", "classic", check=True)
    assert "keywords = {classic}" in refs.read_text("utf-8")
    assert stamp(refs) != first

    later = tmp_path / "later.bib"
    later.write_text(LATER, encoding="utf-8")
    run_cli("import", str(later), check=True)
    assert "@article{ghost2020," in refs.read_text("utf-8")
    assert entry_keys(refs) == [
        "ghost2020",
        "knuth1984",
        "lamport1986",
        "patashnik1988",
        "proc1986",
    ]

    listed = run_cli("exports", "--json", check=True)
    [kept] = json.loads(listed.stdout)
    assert kept["path"] == str(refs)
    assert kept["tex"] == str(project / "main.tex")
    assert kept["format"] == "bibtex"
    assert str(refs) in run_cli("exports", check=True).stdout

    removed = run_cli("exports", "remove", "1", check=True)
    assert str(refs) in removed.stdout
    before = stamp(refs)
    run_cli("tag", "knuth1984", "more", check=True)
    assert stamp(refs) == before
    assert json.loads(run_cli("exports", "--json", check=True).stdout) == []
    assert run_cli("exports", "remove", "1").returncode == 1


def test_keep_updated_query_export_in_another_format(project: Path, run_cli) -> None:
    target = project / "reading.json"
    run_cli("tag", "knuth1984", "toread", check=True)
    result = run_cli("export", "csl-json", "tag:toread", "-o", str(target), "--keep-updated")
    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in json.loads(target.read_text("utf-8"))] == ["knuth1984"]
    run_cli("tag", "patashnik1988", "toread", check=True)
    assert [item["id"] for item in json.loads(target.read_text("utf-8"))] == [
        "knuth1984",
        "patashnik1988",
    ]
    run_cli("untag", "knuth1984", "toread", check=True)
    assert [item["id"] for item in json.loads(target.read_text("utf-8"))] == ["patashnik1988"]


def test_a_kept_export_that_cannot_be_written_warns_and_the_change_is_saved(
    project: Path, run_cli
) -> None:
    folder = project / "gone"
    folder.mkdir()
    target = folder / "refs.bib"
    run_cli("export", "bibtex", "-o", str(target), "--keep-updated", check=True)
    shutil.rmtree(folder)
    result = run_cli("tag", "knuth1984", "kept")
    assert result.returncode == 0
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warning: export {target} was not updated: ")
    assert "kept" in run_cli("show", "knuth1984", check=True).stdout


@pytest.mark.parametrize(
    ("dialect", "main", "engine", "alias_entry"),
    [
        ("bibtex", NATBIB_MAIN, "bibtex", "@article{knuth1984,"),
        ("biblatex", BIBLATEX_MAIN, "biber", "ids = {knuth1984}"),
    ],
)
def test_a_renamed_key_cited_by_its_old_name_is_found_in_the_chosen_dialect(
    project: Path, run_cli, dialect: str, main: str, engine: str, alias_entry: str
) -> None:
    require_tex("pdflatex", engine)
    renamed = run_cli("rekey", "author:knuth", "--force", check=True)
    new_key = renamed.stdout.split("->")[1].strip()
    assert new_key != "knuth1984"
    (project / "main.tex").write_text(main, encoding="utf-8")
    result = run_cli(
        "export", "bibtex", "--tex", str(project / "main.tex"), "--dialect", dialect,
        "-o", str(project / "refs.bib"), "--keep-updated",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr  # the old key is no missing citation
    refs = project / "refs.bib"
    assert alias_entry in refs.read_text("utf-8")
    output = build(project, "main.tex", engine)
    assert not UNDEFINED.search(output), output
    # The kept export stays in its dialect when a change rewrites it.
    run_cli("tag", new_key, "classic", check=True)
    assert "classic" in refs.read_text("utf-8") and alias_entry in refs.read_text("utf-8")
    listed = run_cli("exports", check=True).stdout
    assert ("biblatex" in listed) == (dialect == "biblatex")
