"""A directory where the abstracts file belongs: tags, statuses and notes still save, the rest
is one clear line, and ``doctor --fix`` or ``restore`` moves it aside and rebuilds the file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.backup import snapshot

RunCLI = Callable[..., subprocess.CompletedProcess[str]]
ABSTRACT = "We show that directories are not files."


@pytest.fixture
def broken(library_file: Path) -> Path:
    """A library with a backup, whose abstracts file was then replaced by a directory."""
    library = Library(library_file)
    library.import_papers(
        [Paper(title="A Paper", authors=["Ann Lee"], key="lee2023a", abstract=ABSTRACT)]
    )
    snapshot(library_file)
    sidecar = abstracts_path(library_file)
    sidecar.unlink()
    sidecar.mkdir()
    (sidecar / "something.txt").write_text("kept")
    return library_file


def assert_one_clean_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 1, stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("readlist: "), stderr
    for part in expected:
        assert part in stderr, stderr


def records(library_file: Path) -> dict[str, dict[str, object]]:
    papers = json.loads(library_file.read_text())["papers"]
    return {paper["key"]: paper for paper in papers.values()}


def test_tags_status_and_notes_still_save(broken: Path, run_cli: RunCLI) -> None:
    for args in (
        ["tag", "lee2023a", "kept"],
        ["mark", "lee2023a", "read"],
        ["note", "lee2023a", "n"],
    ):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    record = records(broken)["lee2023a"]
    assert (record["tags"], record["status"], record["notes"]) == (["kept"], "read", "n")
    assert abstracts_path(broken).is_dir()  # nothing was written over it


def test_listing_shows_no_abstract_and_still_works(broken: Path, run_cli: RunCLI) -> None:
    for args in (["list"], ["list", "tag:kept"], ["list", "year:>=2000"]):
        result = run_cli(*args)
        assert (result.returncode, result.stderr) == (0, ""), args
    assert "lee2023a" in run_cli("list").stdout


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "paper"],  # free words: the search index is built from the abstracts
        ["show", "lee2023a"],
        ["export", "bibtex"],
        ["import", "--sample"],
    ],
)
def test_commands_that_need_abstracts_give_one_line_naming_the_fix(
    broken: Path, run_cli: RunCLI, args: list[str]
) -> None:
    before = broken.read_bytes()
    assert_one_clean_line(
        run_cli(*args), f"abstracts file {abstracts_path(broken)} is a directory", "doctor --fix"
    )
    assert broken.read_bytes() == before


def test_doctor_reports_it_and_fix_moves_it_aside_and_rebuilds_the_file(
    broken: Path, run_cli: RunCLI
) -> None:
    checked = run_cli("doctor")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert f"error: {abstracts_path(broken)} is a directory" in checked.stdout
    fixed = run_cli("doctor", "--fix")
    assert "Traceback" not in fixed.stderr
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "moved the directory in place of the abstracts file to" in fixed.stdout
    assert "recovered 1 abstract from the backups" in fixed.stdout
    assert abstracts_path(broken).is_file()
    assert Library(broken).get("lee2023a").abstract == ABSTRACT
    moved = [p for p in (broken.parent / ".readlist-backups").rglob("*.abstracts.directory")]
    assert len(moved) == 1 and (moved[0] / "something.txt").read_text() == "kept"
    assert run_cli("list").returncode == 0


def test_restore_moves_it_aside_and_brings_the_abstracts_back(
    broken: Path, run_cli: RunCLI
) -> None:
    backups = [p for p in (broken.parent / ".readlist-backups").rglob("library.*T*.json")]
    backup = next(p for p in backups if ".abstracts." not in p.name)
    result = run_cli("restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "moved the directory in place of the abstracts file to" in result.stdout
    assert Library(broken).get("lee2023a").abstract == ABSTRACT


def test_the_daily_backup_still_copies_the_library(broken: Path, run_cli: RunCLI) -> None:
    assert run_cli("tag", "lee2023a", "x").returncode == 0
    daily = [
        p
        for p in (broken.parent / ".readlist-backups").rglob("library.*.json")
        if "T" not in p.name.split(".")[1]
    ]
    assert [p.name for p in daily] == [daily[0].name] and ".abstracts." not in daily[0].name
