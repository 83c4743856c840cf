"""readlist doctor's logic in the store: finding damage, cleaning leftovers, restoring backups."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from filelock import FileLock

from readlist.errors import LibraryError
from readlist.models import PAPER_FIELDS, Paper
from readlist.store import Library
from readlist.store.backup import backup_folder, daily_backup, list_backups
from readlist.store.check import (
    FIELD_CHECKS,
    MAX_PER_KIND,
    Finding,
    Severity,
    check_library,
)
from readlist.store.locks import lock_holders
from readlist.store.repair import fix_library
from readlist.store.restore import (
    explain_library_error,
    find_backup,
    inspect_backup,
    latest_good_backup,
    restore_backup,
)

DAY = date(2026, 11, 24)
LOCKS_TABLE = Path("/proc/locks")


def paper(title: str, author: str = "Zoë Müller") -> Paper:
    return Paper(title=title, authors=[author], published="2025-01-02")


def write_library(path: Path, docs: list[dict[str, Any]]) -> None:
    data = {
        "_readlist": {"1": {"schema": 1, "app": "readlist"}},
        "papers": {str(n): doc for n, doc in enumerate(docs, start=1)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data))


def doc(key: str, title: str = "A Title", **changes: Any) -> dict[str, Any]:
    record = Paper(title=title, key=key, authors=["Ann Lee"]).to_dict()
    record.update(changes)
    return record


def codes(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity is severity]


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is not Severity.INFO]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


def day_session(path: Path, day: date, title: str) -> None:
    Library(path, before_first_write=lambda p: daily_backup(p, today=day)).import_papers(
        [paper(title)]
    )


# -- checking --------------------------------------------------------------------


def test_every_stored_field_has_a_check() -> None:
    assert set(FIELD_CHECKS) == set(PAPER_FIELDS) | {"abstract_ref"}


def test_a_healthy_library_has_no_problems(path: Path) -> None:
    Library(path).import_papers([paper("One Paper"), paper("Another Paper", "Łukasz Nowak")])
    findings = check_library(path)
    assert problems(findings) == []
    assert "backups" in codes(findings, Severity.INFO)


def test_a_missing_library_is_only_information(path: Path) -> None:
    findings = check_library(path)
    assert problems(findings) == [] and "missing" in codes(findings)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"papers": {"1": {"title": "cut', "not-json"),
        (b"\x00\xff\xfe garbage", "not-json"),
        (b"[1, 2]", "not-library"),
        (b'{"settings": {"a": 1}}', "not-library"),
        (b'{"_readlist": {"1": {"app": "readlist"}}}', "no-schema"),
        (b'{"_readlist": {"1": {"schema": 7}}}', "newer-schema"),
        (b'{"_readlist": {"1": {"schema": 1}}, "papers": {"1": [1]}}', "bad-record"),
        (b'{"_readlist": {"1": {"schema": 1}}, "papers": {"x": {}}}', "bad-record"),
    ],
)
def test_an_unusable_file_is_an_error(path: Path, raw: bytes, code: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    findings = check_library(path)
    assert code in codes(findings, Severity.ERROR)
    assert path.read_bytes() == raw


def test_a_directory_is_an_error(path: Path) -> None:
    path.mkdir(parents=True)
    assert codes(check_library(path)) == ["directory"]


def test_wrong_field_types_are_errors_and_missing_fields_warnings(path: Path) -> None:
    missing = doc("lee2025b")
    del missing["title"]
    write_library(
        path,
        [
            doc("lee2025a", authors="Ann Lee"),
            doc("lee2025c", status="done", has_code="yes", links=[{"kind": "code"}]),
            missing,
            doc("lee2025d", title="Fine", extra=1),
        ],
    )
    findings = check_library(path)
    errors = [f.message for f in findings if f.code == "bad-field"]
    assert errors == [
        "paper #1 (lee2025a): 'authors' should be a list of strings, not str",
        "paper #2 (lee2025c): 'has_code' should be true or false, not str",
        "paper #2 (lee2025c): 'links' should be a list of {url, kind}, not list",
        "paper #2 (lee2025c): 'status' should be unread, reading or read, not str",
    ]
    assert [f.message for f in findings if f.code == "missing-field"] == [
        "paper #3 (lee2025b): no 'title' field"
    ]
    assert codes(findings, Severity.WARNING).count("unknown-field") == 1


def test_duplicate_keys_are_errors_and_duplicate_papers_warnings(path: Path) -> None:
    write_library(
        path,
        [
            doc("same2025", title="First"),
            doc("same2025", title="Second"),
            doc("lee2025x", title="Sparse Attention!"),
            doc("lee2025y", title="sparse  attention"),
            doc("lee2025z", title="Sparse Attention", authors=["Someone Else"]),
        ],
    )
    findings = check_library(path)
    [duplicate_key] = [f for f in findings if f.code == "duplicate-key"]
    assert duplicate_key.severity is Severity.ERROR and "#1, #2" in duplicate_key.message
    [duplicate_paper] = [f for f in findings if f.code == "duplicate-paper"]
    assert duplicate_paper.severity is Severity.WARNING
    assert "lee2025x, lee2025y" in duplicate_paper.message


def test_keys_unsafe_for_bibtex_and_empty_keys(path: Path) -> None:
    write_library(
        path, [doc("ok2025:a.b/c-d"), doc("bad key,{x}"), doc("%comment"), doc("", title="B")]
    )
    findings = check_library(path)
    assert codes(findings).count("unsafe-key") == 2
    assert "no-key" in codes(findings, Severity.ERROR)


def test_many_findings_of_one_kind_are_capped(path: Path) -> None:
    write_library(path, [doc(f"k{n}", title=f"T{n}", tags="x") for n in range(50)])
    bad = [f for f in check_library(path) if f.code == "bad-field"]
    assert len(bad) == MAX_PER_KIND + 1
    assert bad[-1].message == f"… and {50 - MAX_PER_KIND} more 'bad-field' findings like the above"


def test_leftover_temp_files_are_found_and_fixed_under_the_lock(path: Path) -> None:
    Library(path).import_papers([paper("Kept")])
    day_session(path, DAY, "Kept too")  # creates the backup folder
    good = path.read_bytes()
    killed = path.parent / f".{path.name}.abc123.tmp"
    killed.write_bytes(good[:100])
    killed_backup = backup_folder(path) / ".library.2026-11-25.json.x1.tmp"
    killed_backup.write_bytes(b"{")
    unrelated = path.parent / ".other.json.zz.tmp"
    unrelated.write_bytes(b"not ours")
    findings = check_library(path)
    leftover = [f for f in findings if f.code == "leftover-temp"]
    assert len(leftover) == 2 and all(f.fixable for f in leftover)
    assert str(killed) in leftover[0].message
    assert sorted(fix_library(path).removed) == sorted([killed, killed_backup])
    assert not killed.exists() and not killed_backup.exists() and unrelated.exists()
    assert path.read_bytes() == good
    assert problems(check_library(path)) == []


def test_leftovers_of_the_files_beside_the_library_are_found_too(path: Path) -> None:
    """A save of the abstracts or the quarantine killed before its rename leaves a temp file."""
    from readlist.paths import abstracts_path, quarantine_path
    from readlist.store.index import index_path
    from readlist.store.record_view import digest_path

    Library(path).import_papers([paper("Kept")])
    abstracts_tmp = path.parent / f".{abstracts_path(path).name}.k1.tmp"
    quarantine_tmp = path.parent / f".{quarantine_path(path).name}.k2.tmp"
    old_index_tmp = path.parent / f".{index_path(path).name}.k3.tmp"
    live_index_tmp = path.parent / f".{index_path(path).name}.k4.tmp"
    other_library_tmp = path.parent / f".{path.stem}.other{path.suffix}.k5.tmp"
    digest_tmp = path.parent / f".{digest_path(path).name}.k6.tmp"
    made = (abstracts_tmp, quarantine_tmp, old_index_tmp, live_index_tmp, other_library_tmp)
    for tmp in (*made, digest_tmp):
        tmp.write_bytes(b"{")
    an_hour_ago = time.time() - 3600
    os.utime(old_index_tmp, (an_hour_ago, an_hour_ago))
    leftover = [f for f in check_library(path) if f.code == "leftover-temp"]
    assert len(leftover) == 4
    removed = sorted(fix_library(path).removed)
    assert removed == sorted([abstracts_tmp, quarantine_tmp, old_index_tmp, digest_tmp])
    # A search index being written right now by a reader, and another library's save, stay.
    assert live_index_tmp.exists() and other_library_tmp.exists()


def test_a_held_lock_is_reported(path: Path) -> None:
    Library(path).import_papers([paper("Locked")])
    other = FileLock(str(path.with_name(path.name + ".lock")))
    with other:
        assert "locked" in codes(check_library(path), Severity.WARNING)
    assert "locked" not in codes(check_library(path))


# -- backups and restore -----------------------------------------------------------


@pytest.fixture
def with_backups(path: Path) -> Path:
    """A library changed on three days: backups of the 25th and 26th exist."""
    day_session(path, DAY, "Day One")
    day_session(path, DAY + timedelta(days=1), "Day Two")
    day_session(path, DAY + timedelta(days=2), "Day Three")
    assert [b.stamp for b in list_backups(path)] == ["2026-11-26", "2026-11-25"]
    return path


def titles(path: Path) -> list[str]:
    return [p.title for p in Library(path).papers()]


def test_restore_defaults_to_the_newest_usable_backup_and_keeps_the_current_file(
    with_backups: Path,
) -> None:
    path = with_backups
    path.write_bytes(b'{"_readlist": {"1": {"schema": 1}}, "papers": {"1": ')  # corrupt
    damaged = path.read_bytes()
    restored = restore_backup(path)
    assert restored.papers == 2 and restored.backup.name == "library.2026-11-26.json"
    assert titles(path) == ["Day One", "Day Two"]
    assert restored.previous is not None and restored.previous.read_bytes() == damaged
    assert restored.previous in [b.path for b in list_backups(path)]
    # The damaged snapshot is not what "latest" or a date picks afterwards.
    assert latest_good_backup(path).stamp == "2026-11-26"  # type: ignore[union-attr]
    assert find_backup(path, "2026-11-26").name == "library.2026-11-26.json"


def test_restore_a_named_backup(with_backups: Path) -> None:
    path = with_backups
    restore_backup(path, find_backup(path, "2026-11-25"))
    assert titles(path) == ["Day One"]


def test_restore_writes_through_the_storage_as_every_save(tmp_path: Path) -> None:
    """A schema 1 backup comes back as the storage writes a library: current schema, its kind."""
    path = tmp_path / "library.json"
    backup = tmp_path / "old.json"
    write_library(backup, [doc("lee2024a", "An Old Paper", abstract="Inline text.")])
    restore_backup(path, backup)
    meta = orjson.loads(path.read_bytes())["_readlist"]
    assert meta == {"1": {"schema": 2, "app": "readlist", "kind": "library"}}
    assert Library(path).get("lee2024a").abstract == "Inline text."


def test_a_damaged_backup_is_refused_and_nothing_changes(with_backups: Path) -> None:
    path = with_backups
    target = find_backup(path, "2026-11-25")
    target.write_bytes(b'{"not": "a library"}')
    before = path.read_bytes()
    count = len(list_backups(path))
    with pytest.raises(LibraryError, match="not a readlist library; nothing was changed"):
        restore_backup(path, target)
    with pytest.raises(LibraryError):
        inspect_backup(target)
    assert path.read_bytes() == before and len(list_backups(path)) == count


def test_find_backup_by_date_or_path_and_clear_errors(with_backups: Path, tmp_path: Path) -> None:
    path = with_backups
    backups = list_backups(path)
    assert find_backup(path, str(backups[1].path)) == backups[1].path
    with pytest.raises(LibraryError, match=r"no backup from 2020-01-01 .*2026-11-26, 2026-11-25"):
        find_backup(path, "2020-01-01")
    with pytest.raises(LibraryError, match="give a date"):
        find_backup(path, str(tmp_path / "nope.json"))


def test_restore_without_any_backup_is_an_error(path: Path) -> None:
    Library(path).import_papers([paper("Alone")])
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="no usable backup"):
        restore_backup(path)
    assert path.read_bytes() == before


def test_explain_names_the_backups_only_when_the_file_is_damaged(with_backups: Path) -> None:
    path = with_backups
    error = LibraryError("something went wrong")
    assert explain_library_error(error, path) == "something went wrong"
    path.write_bytes(b"{broken")
    assert explain_library_error(error, path) == (
        "something went wrong; backups: readlist restore (latest 2026-11-26)"
    )


def test_explain_without_backups_points_to_doctor(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{broken")
    message = explain_library_error(LibraryError("bad"), path)
    assert message == "bad; no backups found (see: readlist doctor)"


def fake_proc(tmp_path: Path, lock: Path, lines: list[str], commands: dict[int, bytes]) -> Path:
    """A /proc-like folder: a locks table naming ``lock``'s inode, and command lines."""
    st = os.stat(lock)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "locks").write_text("".join(line.format(where=where) + "\n" for line in lines))
    for pid, command in commands.items():
        (proc / str(pid)).mkdir()
        (proc / str(pid) / "cmdline").write_bytes(command)
    return proc / "locks"


def test_lock_holders_are_read_from_the_kernel_lock_table(tmp_path: Path) -> None:
    lock = tmp_path / "library.json.lock"
    lock.write_text("")
    table = fake_proc(
        tmp_path,
        lock,
        [
            "1: POSIX  ADVISORY  WRITE 77 00:01:1 0 EOF",  # another file
            "2: FLOCK  ADVISORY  WRITE 4321 {where} 0 EOF",
            "2: -> FLOCK  ADVISORY  WRITE 999 {where} 0 EOF",  # a waiter, not the holder
            "3: OFDLCK ADVISORY  READ  -1 {where} 0 EOF",  # no process to name
            "garbage",
        ],
        {4321: b"/usr/bin/python3\0/usr/bin/readlist\0tui\0\x1b]0;evil\x07\0"},
    )
    assert lock_holders(lock, table) == [(4321, "python3 /usr/bin/readlist tui ?]0;evil?")]


def test_lock_holders_is_empty_where_the_platform_cannot_tell(tmp_path: Path) -> None:
    lock = tmp_path / "library.json.lock"
    lock.write_text("")
    assert lock_holders(lock, tmp_path / "no-such-table") == []
    table = fake_proc(tmp_path, lock, ["1: FLOCK  ADVISORY  WRITE 55 {where} 0 EOF"], {})
    assert lock_holders(lock, table) == [(55, "?")]  # the process is gone by now


def test_a_held_lock_is_never_advised_to_be_deleted(path: Path) -> None:
    Library(path).import_papers([paper("Locked")])
    with FileLock(str(path.with_name(path.name + ".lock"))):
        [finding] = [f for f in check_library(path) if f.code == "locked"]
    assert "check for running readlist processes" in finding.message
    assert f"delete {path}.lock" not in finding.message
    assert f"held by process {os.getpid()} (" in finding.message or not LOCKS_TABLE.exists()


def test_an_old_leftover_of_the_list_cache_is_found_and_a_live_one_kept(path: Path) -> None:
    from readlist.store.listing import listing_path

    Library(path).import_papers([paper("Kept")])
    old = path.parent / f".{listing_path(path).name}.k7.tmp"
    live = path.parent / f".{listing_path(path).name}.k8.tmp"
    for tmp in (old, live):
        tmp.write_bytes(b"{")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert [f.code for f in check_library(path)].count("leftover-temp") == 1
    assert fix_library(path).removed == [old]
    assert live.exists()
