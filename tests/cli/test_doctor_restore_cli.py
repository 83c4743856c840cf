"""`readlist doctor`, `readlist restore` and daily backups through the installed command."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.backup import backup_folder, daily_backup, list_backups

DAY = date(2026, 11, 20)


def paper(title: str) -> Paper:
    return Paper(title=title, authors=["Zoë Müller"], published="2025-01-02")


def session(path: Path, day: date, title: str) -> None:
    Library(path, before_first_write=lambda p: daily_backup(p, today=day)).import_papers(
        [paper(title)]
    )


@pytest.fixture
def history(library_file: Path) -> Path:
    """A library changed on three past days, so two daily backups exist."""
    session(library_file, DAY, "Day One")
    session(library_file, DAY + timedelta(days=1), "Day Two")
    session(library_file, DAY + timedelta(days=2), "Day Three")
    return library_file


def titles(run_cli) -> list[str]:
    return [p["title"] for p in json.loads(run_cli("list", "--json", check=True).stdout)]


def test_the_first_cli_change_of_the_day_makes_a_backup(run_cli, history: Path) -> None:
    before = history.read_bytes()
    count = len(list_backups(history))
    key = Library(history).papers()[0].key
    run_cli("tag", key, "x", check=True)
    run_cli("tag", key, "y", check=True)
    today = [b for b in list_backups(history) if b.day == date.today()]
    assert len(list_backups(history)) == count + 1 and len(today) == 1
    assert today[0].path.read_bytes() == before


def test_a_backup_failure_warns_on_stderr_and_the_change_is_saved(
    run_cli, library_file: Path
) -> None:
    Library(library_file).import_papers([paper("Only One")])
    (library_file.parent / ".readlist-backups").write_text("in the way")
    key = Library(library_file).papers()[0].key
    result = run_cli("tag", key, "kept")
    assert result.returncode == 0
    assert result.stderr.startswith("readlist: warning: could not back up")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert Library(library_file).get(key).tags == ["kept"]


def test_doctor_on_a_healthy_library(run_cli, history: Path) -> None:
    result = run_cli("doctor")
    assert result.returncode == 0, result.stderr
    assert "info: 2 backups" in result.stdout
    assert result.stdout.rstrip().endswith(": 0 errors, 0 warnings")


def test_doctor_reports_damage_and_fails(run_cli, history: Path) -> None:
    history.write_text('{"_readlist": {"1": {"schema": 1}}, "papers": {"1": {"key": 5')
    result = run_cli("doctor")
    assert result.returncode == 1
    assert "error: " in result.stdout and "is not valid JSON" in result.stdout
    assert "1 error, 0 warnings" in result.stdout and "Traceback" not in result.stderr


def test_doctor_fix_removes_leftovers_of_killed_saves(run_cli, history: Path) -> None:
    good = history.read_bytes()
    leftover = history.parent / f".{history.name}.k1ll3d.tmp"
    leftover.write_bytes(good[: len(good) // 2])
    result = run_cli("doctor")
    assert result.returncode == 0  # a leftover is a warning, not an error
    assert "warning: leftover temporary file" in result.stdout
    assert "readlist doctor --fix" in result.stdout
    fixed = run_cli("doctor", "--fix")
    assert fixed.returncode == 0 and f"removed {leftover}" in fixed.stdout
    assert not leftover.exists() and history.read_bytes() == good
    assert "0 warnings" in fixed.stdout


def test_a_corrupt_library_error_names_the_backups(run_cli, history: Path) -> None:
    history.write_bytes(b'{"_readlist": {"1": {"schema": 1}}, "papers": {')
    result = run_cli("list")
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("readlist: library ") and "is not valid JSON" in line
    assert line.endswith("; backups: readlist restore (latest 2026-11-22)")


def test_restore_lists_backups_newest_first(run_cli, history: Path) -> None:
    result = run_cli("restore", check=True)
    lines = result.stdout.splitlines()
    assert "newest first" in lines[0]
    assert lines[1].split()[:3] == ["2026-11-22", "2", "papers"]
    assert lines[2].split()[:3] == ["2026-11-21", "1", "papers"]
    assert "readlist restore DATE" in lines[-1]


def test_restore_by_date_after_corruption(run_cli, history: Path) -> None:
    history.write_bytes(b"\x00garbage")
    result = run_cli("restore", "2026-11-21", check=True)
    assert "restored" in result.stdout and "(1 papers)" in result.stdout
    assert titles(run_cli) == ["Day One"]
    kept = [b for b in list_backups(history) if b.is_snapshot]
    assert len(kept) == 1 and kept[0].path.read_bytes() == b"\x00garbage"
    assert str(kept[0].path) in result.stdout


def test_restore_by_path(run_cli, history: Path) -> None:
    target = backup_folder(history) / f"{history.stem}.2026-11-22.json"
    run_cli("restore", str(target), check=True)
    assert titles(run_cli) == ["Day One", "Day Two"]


def test_restore_refuses_a_damaged_backup_and_an_unknown_date(run_cli, history: Path) -> None:
    before = history.read_bytes()
    target = backup_folder(history) / f"{history.stem}.2026-11-22.json"
    target.write_text("[]")
    bad = run_cli("restore", "2026-11-22")
    assert bad.returncode == 1 and "nothing was changed" in bad.stderr
    assert bad.stderr.count("\n") == 1
    unknown = run_cli("restore", "2019-01-01")
    assert unknown.returncode == 1 and "no backup from 2019-01-01" in unknown.stderr
    assert history.read_bytes() == before
    listing = run_cli("restore", check=True).stdout
    assert "unusable" in listing


def test_restore_with_no_backups(run_cli, library_file: Path) -> None:
    result = run_cli("restore", check=True)
    assert "no backups" in result.stdout


def test_doctor_fix_rebuilds_damaged_abstracts_from_the_backups(
    run_cli, library_file: Path
) -> None:
    Library(library_file).import_papers(
        [Paper(title=f"Paper {n}", authors=["Ann Lee"], abstract=f"text {n}") for n in range(25)]
    )
    key = Library(library_file).papers()[0].key
    Library(library_file, before_first_write=daily_backup).add_tags([key], ["x"])
    abstracts = library_file.with_name("library.abstracts.json")
    abstracts.write_bytes(b"{ torn")
    result = run_cli("doctor")
    assert result.returncode == 1
    assert f"error: {abstracts} is not valid JSON" in result.stdout
    assert "run 'readlist doctor --fix' to repair what it can" in result.stdout
    fixed = run_cli("doctor", "--fix", check=True).stdout.splitlines()
    assert fixed[0].startswith("kept the damaged abstracts file as ")
    assert fixed[1] == "recovered 25 abstracts from the backups"
    assert fixed[-1].endswith(": 0 errors, 0 warnings")
    assert [p["abstract"] for p in json.loads(run_cli("list", "--json", check=True).stdout)] == [
        f"text {n}" for n in range(25)
    ]


def test_doctor_counts_every_error_even_past_the_ones_it_lists(run_cli, library_file: Path) -> None:
    Library(library_file).import_papers(
        [Paper(title=f"Paper {n}", authors=["Ann Lee"], abstract=f"text {n}") for n in range(25)]
    )
    library_file.with_name("library.abstracts.json").unlink()
    out = run_cli("doctor").stdout
    assert "… and 5 more 'missing-abstract' findings like the above" in out
    assert ": 25 errors, 0 warnings\n" in out
    fixed = run_cli("doctor", "--fix").stdout
    assert "25 abstracts found in no backup (import their files again to get them back)" in fixed
