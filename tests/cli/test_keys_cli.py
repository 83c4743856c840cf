"""Citation keys through the CLI: the key formula of the settings, BibTeX keys kept as written."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunCLI

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
