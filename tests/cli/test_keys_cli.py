"""Citation keys through the CLI: the key formula of the settings, BibTeX keys kept as written."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

#: The ``run_cli`` fixture of tests/conftest.py (not importable: tests/tui has a conftest too).
RunCLI = Callable[..., subprocess.CompletedProcess[str]]

BIB = """@article{CorneilOS??,
  author = {D. Corneil}, title = {Graphs}, journal = {J}, year = {1985}}
@misc{o'brien:x, title = {Hello World}, author = {O'Brien, Pat}, year = 2001}
"""


def _keys(run_cli: RunCLI, env: dict[str, str] | None = None) -> list[str]:
    listed = run_cli("list", "--json", env=env, check=True)
    return [paper["key"] for paper in json.loads(listed.stdout)]


def test_new_papers_take_the_formula_of_the_settings(run_cli: RunCLI, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth.lower + year + shorttitle(1,1)"\n', "utf-8")
    env = {"READLIST_CONFIG": str(config)}
    run_cli("import", "--sample", env=env, check=True)
    assert _keys(run_cli)[:2] == ["sun2023Aligning", "kim2023SqueezeLLM"]


def test_the_settings_file_in_the_user_config_folder_is_read(
    run_cli: RunCLI, isolated_data_dir: Path
) -> None:
    config = isolated_data_dir / ".config" / "readlist" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[keys]\nformula = \"authors(1) + '_' + year\"\n", "utf-8")
    run_cli("import", "--sample", check=True)
    assert _keys(run_cli)[0] == "SunEtAl_2023"


def test_a_bad_formula_is_one_line_naming_the_part_and_adds_nothing(
    run_cli: RunCLI, tmp_path: Path, library_file: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth.lower + yeer"\n', "utf-8")
    result = run_cli("import", "--sample", env={"READLIST_CONFIG": str(config)})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "'yeer'" in result.stderr and str(config) in result.stderr
    assert "Traceback" not in result.stderr
    assert not library_file.exists() or _keys(run_cli) == []
    # Commands that make no key do not read the formula.
    assert run_cli("list", env={"READLIST_CONFIG": str(config)}).returncode == 0


def test_keys_bibtex_takes_are_kept_and_found(run_cli: RunCLI, tmp_path: Path) -> None:
    bib = tmp_path / "odd.bib"
    bib.write_text(BIB, "utf-8")
    run_cli("import", str(bib), check=True)
    assert _keys(run_cli) == ["CorneilOS??", "o'brien:x"]
    shown = run_cli("show", "CorneilOS??", "--json", check=True)
    assert json.loads(shown.stdout)["title"] == "Graphs"
    exported = run_cli("export", "bibtex", check=True).stdout
    assert "@article{CorneilOS??," in exported and "@misc{o'brien:x," in exported


FIRST = """@article{smith2020, author = {Ann Smith}, title = {Graphs}, journal = {J},
  year = 2020, doi = {10.1000/graphs.1}}
"""
SECOND = """@article{Smith:Graphs, author = {Smith, Ann}, title = {Graphs}, journal = {J},
  year = 2020, doi = {10.1000/graphs.1}}
@article{broken, author = {B. Roken}, title = {No Journal}, year = 2021, doi = {10.1/x}}
"""


def _import_both(run_cli: RunCLI, tmp_path: Path) -> None:
    for name, text in (("first.bib", FIRST), ("second.bib", SECOND)):
        (tmp_path / name).write_text(text, "utf-8")
    run_cli("import", str(tmp_path / "first.bib"), str(tmp_path / "second.bib"), check=True)


def test_show_finds_a_paper_by_its_alias_and_says_so(run_cli: RunCLI, tmp_path: Path) -> None:
    _import_both(run_cli, tmp_path)
    shown = run_cli("show", "Smith:Graphs", check=True)
    assert "smith2020" in shown.stdout and "Smith:Graphs" in shown.stdout
    assert shown.stderr == "Smith:Graphs is an alias of smith2020\n"
    as_json = json.loads(run_cli("show", "Smith:Graphs", "--json", check=True).stdout)
    assert as_json["key"] == "smith2020" and as_json["aliases"] == ["Smith:Graphs"]


def test_export_dialects(run_cli: RunCLI, tmp_path: Path) -> None:
    _import_both(run_cli, tmp_path)
    plain = run_cli("export", "bibtex", check=True).stdout
    assert "@article{Smith:Graphs," in plain and "ids =" not in plain
    biblatex = run_cli("export", "bibtex", "--dialect", "biblatex", check=True).stdout
    assert "ids = {Smith:Graphs}" in biblatex and "@article{Smith:Graphs," not in biblatex
    wrong = run_cli("export", "bibtex", "--dialect", "amsrefs")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_check_reports_and_sets_the_exit_status(run_cli: RunCLI, tmp_path: Path) -> None:
    _import_both(run_cli, tmp_path)
    found = run_cli("check")
    assert found.returncode == 1
    assert found.stdout.splitlines() == [
        "broken: journal: @article needs it; it is missing",
        "broken: doi: '10.1/x' is not a DOI (10.NNNN/…)",
    ]
    assert found.stderr == "2 problems in 1 of 2 papers\n"
    clean = run_cli("check", "graphs")
    assert (clean.returncode, clean.stdout) == (0, "")
    assert clean.stderr == "no problems in 1 papers\n"
    as_json = json.loads(run_cli("check", "--json").stdout)
    assert as_json[0] == {
        "key": "broken",
        "field": "journal",
        "message": "@article needs it; it is missing",
    }


def test_rekey_renames_by_the_formula_and_keeps_old_keys(run_cli: RunCLI, tmp_path: Path) -> None:
    run_cli("import", "--sample", check=True)
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth.lower + year + shorttitle(1,1)"\n', "utf-8")
    env = {"READLIST_CONFIG": str(config)}
    dry = run_cli("rekey", "squeezellm", "--dry-run", env=env, check=True)
    assert dry.stdout == "kim2023squeezellm -> kim2023SqueezeLLM\n"
    assert dry.stderr == "would rename 1 of 1 keys\n"
    assert _keys(run_cli)[1] == "kim2023squeezellm"
    done = run_cli("rekey", "squeezellm", "--json", env=env, check=True)
    assert json.loads(done.stdout) == {
        "dry_run": False,
        "renamed": [{"old": "kim2023squeezellm", "new": "kim2023SqueezeLLM"}],
        "pinned": [],
    }
    assert _keys(run_cli)[1] == "kim2023SqueezeLLM"
    assert run_cli("show", "kim2023squeezellm", check=True).stderr.startswith(
        "kim2023squeezellm is an alias of kim2023SqueezeLLM"
    )
    again = run_cli("rekey", "squeezellm", env=env, check=True)
    assert (again.stdout, again.stderr) == ("", "renamed 0 of 1 keys\n")


def test_rekey_keeps_bib_keys_unless_forced(run_cli: RunCLI, tmp_path: Path) -> None:
    _import_both(run_cli, tmp_path)
    kept = run_cli("rekey", "--dry-run", check=True)
    assert kept.stdout == ""
    assert "kept 2 keys imported from .bib files (--force renames them)" in kept.stderr
    forced = run_cli("rekey", "--force", check=True)
    assert forced.stdout == "smith2020 -> smith2020graphs\nbroken -> roken2021journal\n"
    assert _keys(run_cli) == ["smith2020graphs", "roken2021journal"]
    assert run_cli("show", "smith2020", check=True).stderr.startswith("smith2020 is an alias")


def test_rekey_of_a_paper_exported_under_its_bib_key_keeps_that_key(
    run_cli: RunCLI, tmp_path: Path, library_file: Path
) -> None:
    """A library from before every BibTeX key was kept: the paper was exported as CorneilOS??."""
    bib = tmp_path / "odd.bib"
    bib.write_text(BIB, "utf-8")
    run_cli("import", str(bib), check=True)
    data = json.loads(library_file.read_text("utf-8"))
    for record in data["papers"].values():  # as older readlist stored it
        if record["key"] == "CorneilOS??":
            record["key"] = "corneil1985graphs"
            del record["aliases"]
    library_file.write_text(json.dumps(data), "utf-8")
    assert "@article{CorneilOS??," in run_cli("export", "bibtex", check=True).stdout
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth + year"\n', "utf-8")
    run_cli("rekey", "graphs", env={"READLIST_CONFIG": str(config)}, check=True)
    exported = run_cli("export", "bibtex", check=True).stdout
    for key in ("Corneil1985", "corneil1985graphs", "CorneilOS??"):
        assert f"@article{{{key}," in exported
    shown = run_cli("show", "CorneilOS??", check=True)
    assert shown.stderr == "CorneilOS?? is an alias of Corneil1985\n"
