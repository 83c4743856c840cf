"""Promises of docs/data.md no other test checked: where the library is, its format, the lock."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from filelock import FileLock

from readlist.models import PAPER_FIELDS, Paper
from readlist.paths import abstracts_path, lock_path
from readlist.store import Library
from readlist.store.backup import daily_backup, list_backups, snapshot
from readlist.store.storage import LOCK_TIMEOUT_SECONDS

RunCLI = Callable[..., subprocess.CompletedProcess[str]]
DAY = date(2026, 11, 24)

LISTING = (
    "CLJun 13, 2023\n"
    "Where The Library Lives And What It HoldsAnn Lee, Bo Chen · berkeley\n"
    "An abstract that goes to the abstracts file. Code: https://github.com/example/where.\n"
)


def import_listing(command: list[str], tmp_path: Path, *options: str, **env: str) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    subprocess.run(
        [*command, *options, "import", str(listing)],
        env={**os.environ, **env}, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_the_library_option_beats_the_variable_which_beats_the_user_data_folder(
    readlist_command: list[str], tmp_path: Path
) -> None:
    default = Path(os.environ["XDG_DATA_HOME"]) / "readlist" / "library.json"
    from_env = tmp_path / "env" / "library.json"
    from_option = tmp_path / "option" / "library.json"
    import_listing(
        readlist_command, tmp_path, "--library", str(from_option), READLIST_LIBRARY=str(from_env)
    )
    assert from_option.exists() and not from_env.exists() and not default.exists()
    import_listing(readlist_command, tmp_path, READLIST_LIBRARY=str(from_env))
    assert from_env.exists() and not default.exists()
    import_listing(readlist_command, tmp_path)
    assert default.exists()


def test_the_files_are_in_the_documented_format(
    readlist_command: list[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.json"
    import_listing(readlist_command, tmp_path, "--library", str(library))
    raw = library.read_bytes().decode("utf-8")
    assert raw.startswith('{\n  "')  # indented by two spaces
    tables = json.loads(raw)
    assert tables["_readlist"] == {"1": {"schema": 2, "app": "readlist", "kind": "library"}}
    (record,) = tables["papers"].values()
    assert set(record) == (set(PAPER_FIELDS) - {"abstract"}) | {"abstract_ref"}
    assert re.fullmatch(r"[0-9a-f]{20}", record["abstract_ref"])
    assert record["published"] == "2023-06-13" and record["status"] == "unread"
    assert record["links"] == [{"url": "https://github.com/example/where", "kind": "code"}]
    abstracts = json.loads(library.with_name("library.abstracts.json").read_bytes())
    assert abstracts["_readlist"]["1"]["kind"] == "abstracts"
    text = abstracts["abstracts"][record["abstract_ref"]]
    assert text.startswith("An abstract that goes")
    # The digest is BLAKE2b of the text, 10 bytes: any tool can check a text against its name.
    assert hashlib.blake2b(text.encode(), digest_size=10).hexdigest() == record["abstract_ref"]


@pytest.mark.slow
def test_a_change_waits_for_a_held_lock_then_gives_up_with_one_line_and_changes_nothing(
    readlist_command: list[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.json"
    import_listing(readlist_command, tmp_path, "--library", str(library))
    before = library.read_bytes()
    assert LOCK_TIMEOUT_SECONDS == 15  # the wait docs/data.md promises
    with FileLock(str(lock_path(library))):  # another process holding the lock, as far as it knows
        result = subprocess.run(
            [*readlist_command, "--library", str(library), "mark", "lee2023where", "read"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "is locked by another readlist process; try again" in result.stderr
    assert library.read_bytes() == before


def paper(title: str, abstract: str) -> Paper:
    return Paper(title=title, authors=["Zoë Müller"], abstract=abstract, published="2024-03-01")


def test_restore_by_date_takes_the_daily_backup_and_a_snapshot_only_without_one(
    run_cli: RunCLI, library_file: Path
) -> None:
    Library(library_file).import_papers([paper("Before The Day", "one")])
    library = Library(library_file, before_first_write=lambda p: daily_backup(p, today=DAY))
    library.import_papers([paper("During The Day", "two")])  # the daily backup is taken first
    snapshot(library_file, now=datetime(2026, 11, 24, 18, 0, 0))  # both papers
    snapshot(library_file, now=datetime(2026, 11, 23, 9, 0, 0))  # a day with no daily backup
    Library(library_file).import_papers([paper("After The Backups", "three")])

    def titles() -> list[str]:
        return sorted(p.title for p in Library(library_file).papers())

    assert run_cli("restore", "2026-11-24").returncode == 0
    assert titles() == ["Before The Day"]  # the daily backup, though a snapshot is newer
    assert run_cli("restore", "2026-11-23").returncode == 0
    assert titles() == ["Before The Day", "During The Day"]  # the snapshot of that day


def test_the_next_daily_backup_copies_a_damaged_abstracts_file_as_it_is(
    library_file: Path,
) -> None:
    key = Library(library_file).import_papers([paper("Abstract Soon Torn", "intact")]).added[0]
    Library(library_file, before_first_write=lambda p: daily_backup(p, today=DAY)).add_tags(
        [key], ["first"]
    )
    abstracts_path(library_file).write_bytes(b"{ torn")
    later = DAY + timedelta(days=1)
    Library(library_file, before_first_write=lambda p: daily_backup(p, today=later)).add_tags(
        [key], ["second"]
    )  # tags still save
    older, newer = sorted(list_backups(library_file), key=lambda b: b.stamp)
    assert abstracts_path(newer.path).read_bytes() == b"{ torn"
    assert b"intact" in abstracts_path(older.path).read_bytes()  # the older one keeps good copies
    assert Library(library_file).tags_of(key) == ["first", "second"]


def test_doctor_fix_never_changes_a_paper_record(run_cli: RunCLI, library_file: Path) -> None:
    library = Library(library_file)
    keys = library.import_papers([paper("Kept", "kept text"), paper("Removed", "gone")]).added
    library.set_note(keys[0], "my note")
    snapshot(library_file)  # holds both abstracts
    library.remove([keys[1]])  # an abstract nobody names
    (library_file.parent / ".library.json.x1y2.tmp").write_text("left by a killed save")
    abstracts_path(library_file).write_bytes(b"{ torn")  # rebuilt from the snapshot
    before = orjson.loads(library_file.read_bytes())["papers"]
    result = run_cli("doctor", "--fix")
    assert result.returncode == 0, result.stdout
    assert orjson.loads(library_file.read_bytes())["papers"] == before
    assert Library(library_file).get(keys[0]).abstract == "kept text"


def named_tests(text: str) -> list[tuple[str, str | None]]:
    """The ``(file, test name or None)`` pairs a page names in backticks.

    ``…::name`` and a bare ``test_…`` name refer to the file named last; a name
    ending in ``…`` is a prefix.
    """
    named: list[tuple[str, str | None]] = []
    current = ""
    for span in re.findall(r"`([^`\n]+)`", text):
        match = re.fullmatch(r"(tests/[\w/]+\.py)(?:::([\w…]+))?", span)
        if match:
            current = match.group(1)
            named.append((current, match.group(2)))
        elif re.fullmatch(r"(?:…::)?test_[\w…]+", span):
            named.append((current, span.removeprefix("…::")))
    return named


def test_every_test_docs_data_names_exists() -> None:
    root = Path(__file__).resolve().parents[2]
    named = named_tests((root / "docs" / "data.md").read_text(encoding="utf-8"))
    assert len(named) > 40
    missing = []
    for file, name in named:
        path = root / file
        if not path.is_file():
            missing.append(file)
            continue
        if name is None:
            continue
        pattern = re.escape(name.rstrip("…")) + ("" if name.endswith("…") else r"\b")
        if not re.search(r"^(?:async )?def " + pattern, path.read_text(encoding="utf-8"), re.M):
            missing.append(f"{file}::{name}")
    assert missing == []
