"""``export`` through the CLI with its render cache: the same text, never stale, never synced."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import orjson
import pytest

from readlist.exporters import export
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.render_cache import render_cache_path


def age(library: Path) -> None:
    """Make the library's files look a minute old, so the cache may trust their stamps."""
    when = time.time_ns() - 60 * 10**9
    for path in (library, abstracts_path(library)):
        os.utime(path, ns=(when, when))


def expected(library: Path, format: str = "bibtex", **options: object) -> str:
    return export(Library(library).papers(), format, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "format", "options"),
    [
        ((), "bibtex", {}),
        (("--ascii",), "bibtex", {"ascii": True}),
        (("--dialect", "biblatex"), "bibtex", {"dialect": "biblatex"}),
        ((), "csl-json", {}),
        ((), "markdown", {}),
    ],
)
def test_repeated_exports_print_the_export_made_afresh(
    run_cli, library_file: Path, args: tuple[str, ...], format: str, options: dict[str, object]
) -> None:
    run_cli("import", "--sample", check=True)
    age(library_file)
    outputs = [run_cli("export", format, *args, check=True).stdout for _ in range(3)]
    assert render_cache_path(library_file).exists()
    assert outputs == [expected(library_file, format, **options)] * 3


def test_a_hand_edit_and_a_change_by_another_command_show_in_the_next_export(
    run_cli, library_file: Path, tmp_path: Path
) -> None:
    run_cli("import", "--sample", check=True)
    age(library_file)
    run_cli("export", "bibtex", check=True)
    run_cli("export", "bibtex", check=True)  # served whole from the cache
    data = orjson.loads(library_file.read_bytes())
    record = next(iter(data["papers"].values()))
    record["title"] = "Edited By Hand In Vim"
    library_file.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    first = run_cli("export", "bibtex", check=True).stdout
    assert "Edited By Hand In Vim" in first and first == expected(library_file)
    run_cli("tag", record["key"], "zyzzyva", check=True)
    target = tmp_path / "refs.bib"
    written = run_cli("export", "bibtex", "-o", str(target), check=True)
    assert "wrote" in written.stderr
    assert "zyzzyva" in target.read_text("utf-8")
    assert target.read_text("utf-8") == expected(library_file)
    chosen = run_cli("export", "bibtex", "tag:zyzzyva", check=True).stdout
    assert chosen.count("@") == 1 and "zyzzyva" in chosen


def test_the_cache_file_is_protected_from_an_export_onto_it(run_cli, library_file: Path) -> None:
    run_cli("import", "--sample", check=True)
    run_cli("export", "bibtex", check=True)
    cache = render_cache_path(library_file)
    before = cache.read_bytes()
    result = run_cli("export", "markdown", "-o", str(cache))
    assert result.returncode == 1 and "is a file of the library" in result.stderr
    assert cache.read_bytes() == before


def test_a_damaged_record_is_reported_by_every_export_even_from_the_cache(
    run_cli, library_file: Path
) -> None:
    run_cli("import", "--sample", check=True)
    data = orjson.loads(library_file.read_bytes())
    next(iter(data["papers"].values()))["tags"] = 5
    library_file.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    age(library_file)
    results = [run_cli("export", "bibtex", check=True) for _ in range(3)]
    assert results[0].stdout == results[2].stdout
    assert [r.stderr.count("see readlist doctor") for r in results] == [1, 1, 1]


def test_after_a_change_the_cached_entries_still_report_their_damaged_records(
    run_cli, library_file: Path
) -> None:
    run_cli("import", "--sample", check=True)
    data = orjson.loads(library_file.read_bytes())
    records = list(data["papers"].values())
    records[0]["tags"] = 5
    records[1]["aliases"] = ["ok", 7]
    library_file.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    age(library_file)
    first = run_cli("export", "bibtex", check=True)
    # A change through readlist: the file is again as readlist wrote it, read unparsed.
    run_cli("tag", records[5]["key"], "fresh", check=True)
    age(library_file)
    after = run_cli("export", "bibtex", check=True)
    assert after.stdout == expected(library_file) != first.stdout
    assert first.stderr.count("see readlist doctor") == after.stderr.count("see readlist doctor")
    assert records[1]["key"] in after.stderr and records[0]["key"] in after.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_cache_is_never_synced_and_doctor_does_not_mind_it(
    run_cli, library_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    run_cli("import", "--sample", check=True)
    run_cli("sync", "init", str(remote), check=True)
    run_cli("export", "bibtex", check=True)
    cache = render_cache_path(library_file)
    assert cache.exists()
    ignored = subprocess.run(
        ["git", "-C", str(library_file.parent), "check-ignore", "-q", cache.name], check=False
    )
    assert ignored.returncode == 0  # ignored by the .gitignore sync init wrote
    doctor = run_cli("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "render-cache" not in doctor.stdout + doctor.stderr


def test_doctor_fix_removes_a_render_cache_left_half_written(run_cli, library_file: Path) -> None:
    run_cli("import", "--sample", check=True)
    cache = render_cache_path(library_file)
    leftover = cache.with_name(f".{cache.name}.k1ll3d.tmp")
    leftover.write_bytes(b"@misc{half")
    # Written without the lock, as an export goes: a new one may be an export running now.
    assert "leftover temporary file" not in run_cli("doctor").stdout
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    assert "warning: leftover temporary file" in run_cli("doctor").stdout
    fixed = run_cli("doctor", "--fix")
    assert fixed.returncode == 0 and f"removed {leftover}" in fixed.stdout
    assert not leftover.exists()


def test_an_export_of_a_library_not_made_yet_leaves_no_file(run_cli, library_file: Path) -> None:
    library_file.parent.mkdir()
    assert run_cli("export", "bibtex", check=True).stdout == ""
    assert list(library_file.parent.iterdir()) == []
