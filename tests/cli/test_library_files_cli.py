"""The files a library depends on, through the installed command: exports never land on
them, a symlinked library stays one library, restores keep every pre-restore copy, and
doctor names the process holding the lock instead of advising to delete it."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.backup import backup_folder, daily_backup, list_backups
from tests.lock_holder import lock_held

DAY = date(2026, 11, 20)


def paper(title: str) -> Paper:
    return Paper(title=title, authors=["Zoë Müller"], published="2025-01-02", abstract=title * 3)


def session(path: Path, day: date, title: str) -> None:
    Library(path, before_first_write=lambda p: daily_backup(p, today=day)).import_papers(
        [paper(title)]
    )


@pytest.fixture
def history(library_file: Path) -> Path:
    """A library changed on three past days: two daily backups with their abstracts."""
    for n, title in enumerate(("Day One", "Day Two", "Day Three")):
        session(library_file, DAY + timedelta(days=n), title)
    return library_file


def snapshot_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (a library's whole folder) and its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def titles(run_cli) -> list[str]:
    return [p["title"] for p in json.loads(run_cli("list", "--json", check=True).stdout)]


# -- export never lands on the library's files ----------------------------------


def library_files(library: Path) -> list[Path]:
    backup = backup_folder(library) / f"{library.stem}.2026-11-21.json"
    return [
        library,
        library.with_name("library.abstracts.json"),
        library.with_name("library.json.lock"),
        library.with_name("library.digest"),
        backup,
        backup.with_name(f"{library.stem}.2026-11-21.abstracts.json"),
        backup_folder(library) / "something-new.bib",
    ]


@pytest.mark.parametrize("which", range(7))
def test_export_refuses_the_library_its_abstracts_lock_and_backups(
    run_cli, history: Path, which: int
) -> None:
    run_cli("list", check=True)  # the lock file exists now
    target = library_files(history)[which]
    before = snapshot_of(history.parent)
    result = run_cli("export", "bibtex", "-o", str(target))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"readlist: cannot write {target}: it is a file of the library")
    assert snapshot_of(history.parent) == before
    assert titles(run_cli) == ["Day One", "Day Two", "Day Three"]


def test_export_refuses_the_library_by_another_name(run_cli, history: Path, tmp_path: Path) -> None:
    before = snapshot_of(history.parent)
    link = tmp_path / "looks-harmless.bib"
    link.symlink_to(history)
    hard = tmp_path / "hard-link.bib"
    os.link(history.with_name("library.abstracts.json"), hard)
    relative = os.path.relpath(history, Path.cwd())
    for target in (link, hard, history.parent / ".." / history.parent.name / history.name):
        result = run_cli("export", "bibtex", "-o", str(target))
        assert result.returncode == 1 and "it is a file of the library" in result.stderr
    assert run_cli("export", "bibtex", "-o", relative).returncode == 1
    assert snapshot_of(history.parent) == before and link.is_symlink()


def test_export_writes_through_a_symlink_and_keeps_the_link(
    run_cli, history: Path, tmp_path: Path
) -> None:
    real = tmp_path / "papers" / "refs.bib"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    run_cli("export", "bibtex", "-o", str(link), check=True)
    assert link.is_symlink() and link.readlink() == real
    assert real.read_text().count("@") == 3
    assert [p.name for p in real.parent.iterdir()] == ["refs.bib"]  # no temp file left


def test_export_refuses_a_fifo_and_a_device(run_cli, history: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = run_cli("export", "bibtex", "-o", str(fifo))
    assert refused.returncode == 1
    expected = f"readlist: cannot write {fifo}: it is a FIFO (named pipe), not a file\n"
    assert refused.stderr == expected
    assert fifo.is_fifo()
    device = run_cli("export", "bibtex", "-o", "/dev/null")
    assert device.returncode == 1
    assert device.stderr == "readlist: cannot write /dev/null: it is a device, not a file\n"
    assert Path("/dev/null").is_char_device()
    link = tmp_path / "to-null"
    link.symlink_to("/dev/null")
    assert run_cli("export", "bibtex", "-o", str(link)).returncode == 1
    assert link.is_symlink()


# -- a symlinked library ---------------------------------------------------------


def test_a_symlinked_library_keeps_the_link_and_writes_the_real_file(
    run_cli, tmp_path: Path
) -> None:
    real = tmp_path / "real" / "library.json"
    real.parent.mkdir()
    Library(real).import_papers([paper("First")])
    link = tmp_path / "link" / "library.json"
    link.parent.mkdir()
    link.symlink_to(real)
    key = Library(real).papers()[0].key
    run_cli("tag", key, "kept", library=link, check=True)
    bib = "@article{lee2024second, title={Second Paper}, author={Lee, Ann}, abstract={Text}}"
    run_cli("import", "-", input=bib, library=link, check=True)
    assert link.is_symlink() and link.readlink() == real
    assert sorted(p.name for p in link.parent.iterdir()) == ["library.json"]
    assert Library(real).get(key).tags == ["kept"]
    assert len(Library(real)) == 2
    assert real.with_name("library.abstracts.json").exists()
    assert real.with_name("library.json.lock").exists()
    assert list_backups(real)  # the day's backup sits beside the real file
    assert run_cli("doctor", library=link).stdout.splitlines()[-1].startswith(f"{real}: 0 errors")


# -- restores keep every pre-restore copy ----------------------------------------


def test_eight_restores_in_a_row_keep_every_pre_restore_state(run_cli, history: Path) -> None:
    states = []
    for n in range(8):
        state = history.read_bytes()
        states.append(state)
        run_cli("restore", "2026-11-21" if n % 2 else "2026-11-22", check=True)
        key = Library(history).papers()[0].key
        Library(history).set_note(key, f"edit {n}")  # a change between restores
    copies = [b for b in list_backups(history) if b.before_restore]
    assert len(copies) == 8
    kept = {copy.path.read_bytes() for copy in copies}
    assert set(states) <= kept
    # They are listed, can be restored, and other backups still rotate apart from them.
    listing = run_cli("restore", check=True).stdout
    assert listing.count("(before restore)") == 8
    run_cli("restore", copies[-1].stamp, check=True)
    assert history.read_bytes() == states[0]
    assert len([b for b in list_backups(history) if b.before_restore]) == 9
    assert [b.stamp for b in list_backups(history) if not b.is_snapshot] == [
        "2026-11-22",
        "2026-11-21",
    ]


# -- doctor and a held lock --------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks")
def test_doctor_names_the_process_holding_the_lock_and_never_says_delete_it(
    run_cli, history: Path
) -> None:
    lock = history.with_name("library.json.lock")
    with lock_held(lock, "marker-arg") as holder:
        out = run_cli("doctor").stdout
    [line] = [line for line in out.splitlines() if "locked" in line]
    assert line.startswith("warning: the library is locked by another readlist process")
    assert f"held by process {holder.pid} (" in line and "marker-arg" in line
    assert "check for running readlist processes" in line
    assert f"delete {lock}" not in line and "Do not delete the lock file" in line
    assert lock.exists()
