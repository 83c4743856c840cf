"""`readlist import` of several .bib files shares their @string macros, in order."""

from __future__ import annotations

from pathlib import Path

DEFINITIONS = """\
@preamble{"\\newcommand{\\noopsort}[1]{}"}
@string{or = "Operations Research"}
@string{stoc = "Proc. " # or # " Symposium"}
"""
PAPERS = """\
@article{Dantzig:1951,
  title = {Maximization of a Linear Function},
  author = {Dantzig, George B.},
  journal = or,
  booktitle = stoc # ", 1951",
  year = 1951,
}
"""


def write(folder: Path) -> tuple[Path, Path]:
    definitions = folder / "definitions.bib"
    papers = folder / "papers.bib"
    definitions.write_text(DEFINITIONS, encoding="utf-8")
    papers.write_text(PAPERS, encoding="utf-8")
    return definitions, papers


def test_strings_from_an_earlier_file_serve_the_later_one(run_cli, tmp_path: Path) -> None:
    definitions, papers = write(tmp_path)
    result = run_cli("import", str(definitions), str(papers))
    assert result.returncode == 0, result.stderr
    assert "not defined" not in result.stdout + result.stderr
    shown = run_cli("show", "Dantzig", "--json", check=True).stdout
    assert "Operations Research" in shown
    exported = run_cli("export", "bibtex", check=True).stdout
    assert '@preamble{"\\newcommand{\\noopsort}[1]{}"}' in exported
    assert "@string{or = {Operations Research}}" in exported
    assert "@string{stoc = {Proc. Operations Research Symposium}}" in exported
    assert "  journal = or," in exported
    assert '  booktitle = stoc # ", 1951",' in exported


def test_a_macro_no_file_defines_is_a_warning_naming_it(run_cli, tmp_path: Path) -> None:
    _, papers = write(tmp_path)
    result = run_cli("import", str(papers))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "macro 'or' is not defined" in output
    assert "macro 'stoc' is not defined" in output
    assert "readlist import strings.bib papers.bib" in output
    exported = run_cli("export", "bibtex", check=True).stdout
    assert "{or}" not in exported  # as written, so BibTeX names the missing macro too
    assert "  journal = or," in exported


def test_a_latin1_bib_file_is_read_with_a_warning(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "old.bib"
    path.write_bytes(
        "@book{m, title = {Caf\xe9 Société}, author = {Müller, Jürgen}}\n".encode("latin-1")
    )
    result = run_cli("import", str(path))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "not UTF-8 text" in output and "read as Windows-1252" in output
    shown = run_cli("show", "m", "--json", check=True).stdout
    assert "Café Société" in shown and "Jürgen Müller" in shown


def test_a_latin1_file_that_is_not_bibtex_is_still_refused(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Caf\xe9 notes\n".encode("latin-1"))
    result = run_cli("import", str(path))
    assert result.returncode != 0
    assert "not UTF-8 text" in result.stderr
