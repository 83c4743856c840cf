"""history, undo, redo and remove's question, through the real ``readlist`` command."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from readlist.store import Library
from readlist.store.journal import journal_path
from tests.conftest import RunCLI

BIB = """
@article{lee2024sparse, title={Sparse Attention}, author={Lee, Ann}, year=2024,
  abstract={About sparse attention.}}
@article{ng2023dense, title={Dense Retrieval}, author={Ng, Bo}, year=2023}
"""


def imported(run_cli: RunCLI) -> None:
    run_cli("import", "-", input=BIB, check=True)


def test_history_shows_each_command_newest_first_with_what_it_changed(run_cli: RunCLI) -> None:
    imported(run_cli)
    run_cli("tag", "lee2024sparse", "ml", "nlp", check=True)
    run_cli("mark", "ng2023dense", "read", check=True)
    lines = run_cli("history", check=True).stdout.splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "mark ng2023dense read: ng2023dense: unread → read",
        "tag lee2024sparse ml nlp: lee2024sparse: +ml +nlp",
        "import -: lee2024sparse added; ng2023dense added",
    ]
    assert lines[0].split()[1] == os.uname().nodename
    only = run_cli("history", "lee2024", "--limit", "1", check=True).stdout.splitlines()
    assert len(only) == 1 and "tag lee2024sparse ml nlp" in only[0]
    entries = json.loads(run_cli("history", "--json", check=True).stdout)
    assert entries[0]["command"] == "mark ng2023dense read"
    change = entries[0]["changes"][0]
    assert (change["before"]["status"], change["after"]["status"]) == ("unread", "read")


def test_undo_and_redo_whole_commands_and_history_shows_them(run_cli: RunCLI) -> None:
    imported(run_cli)
    run_cli("tag", "lee2024sparse", "ml", check=True)
    run_cli("note", "lee2024sparse", "kept in mind", check=True)
    result = run_cli("undo", "2", check=True)
    assert result.stdout.splitlines()[0].startswith("undid note lee2024sparse 'kept in mind' (")
    shown = json.loads(run_cli("show", "lee2024sparse", "--json", check=True).stdout)
    assert (shown["tags"], shown["notes"]) == ([], "")
    assert run_cli("redo", check=True).stdout.startswith("redid tag lee2024sparse ml (")
    shown = json.loads(run_cli("show", "lee2024sparse", "--json", check=True).stdout)
    assert (shown["tags"], shown["notes"]) == (["ml"], "")
    history = run_cli("history", check=True).stdout.splitlines()
    assert "redo: lee2024sparse: +ml" in history[0]
    assert "undo 2: lee2024sparse: notes -ml" in history[1]
    assert "(undone)" in history[2] and "(undone)" not in history[3]


def test_undo_of_a_remove_brings_the_paper_back_with_its_abstract(run_cli: RunCLI) -> None:
    imported(run_cli)
    run_cli("note", "lee2024sparse", "my note", check=True)
    assert run_cli("remove", "--yes", "lee2024sparse", check=True).stdout == (
        "removed lee2024sparse\n"
    )
    run_cli("undo", check=True)
    shown = json.loads(run_cli("show", "lee2024sparse", "--json", check=True).stdout)
    assert (shown["notes"], shown["abstract"]) == ("my note", "About sparse attention.")


def test_undo_skips_a_field_changed_since_and_says_so(run_cli: RunCLI, library_file: Path) -> None:
    imported(run_cli)
    run_cli("tag", "ng2023dense", "ml", check=True)
    raw = orjson.loads(library_file.read_bytes())  # a change the journal never saw
    next(d for d in raw["papers"].values() if d["key"] == "ng2023dense")["tags"] = ["mine"]
    library_file.write_bytes(orjson.dumps(raw))
    result = run_cli("undo", check=True)
    assert result.stderr == "warning: skipped ng2023dense: tags changed since; left as it is\n"
    assert Library(library_file).get("ng2023dense").tags == ["mine"]


def test_nothing_to_undo_is_one_line_and_a_failure(run_cli: RunCLI) -> None:
    result = run_cli("undo")
    assert (result.returncode, result.stderr) == (1, "readlist: nothing to undo\n")
    result = run_cli("redo", "0")
    assert (result.returncode, result.stderr) == (2, "readlist: redo needs a count of at least 1\n")


def test_remove_without_a_terminal_and_without_yes_refuses(run_cli: RunCLI) -> None:
    imported(run_cli)
    result = run_cli("remove", "lee2024sparse", input="y\n")
    assert result.returncode == 2
    assert result.stderr == (
        "readlist: remove asks first, and there is no terminal to ask on: add --yes\n"
    )
    assert len(json.loads(run_cli("list", "--json", check=True).stdout)) == 2


def _remove_on_a_terminal(
    readlist_command: list[str], library: Path, answer: bytes
) -> tuple[int, str]:
    """Run ``remove lee2024sparse`` with a terminal as stdin, answer, return status and text."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*readlist_command, "--library", str(library), "remove", "lee2024sparse"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    os.write(leader, answer)
    out, err = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, (out + err).decode()


def test_remove_on_a_terminal_asks_first(
    run_cli: RunCLI, readlist_command: list[str], library_file: Path
) -> None:
    imported(run_cli)
    status, text = _remove_on_a_terminal(readlist_command, library_file, b"n\n")
    assert status == 1 and "remove lee2024sparse? [y/N]" in text and "nothing removed" in text
    assert len(Library(library_file)) == 2
    status, text = _remove_on_a_terminal(readlist_command, library_file, b"y\n")
    assert status == 0 and "removed lee2024sparse" in text
    assert [paper.key for paper in Library(library_file).papers()] == ["ng2023dense"]


def test_a_cli_killed_while_saving_leaves_library_and_journal_readable(
    run_cli: RunCLI, library_file: Path
) -> None:
    imported(run_cli)
    loop = (
        "import sys\nfrom readlist.cli import main\n"
        "for i in range(100000):\n"
        "    main(['--library', sys.argv[1], 'tag', 'lee2024sparse', f't{i}'])\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", loop, str(library_file)], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while len(Library(library_file).history()) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    library = Library(library_file)
    tags = library.get("lee2024sparse").tags
    entries = library.history()
    assert len(entries) >= 6
    # Every journaled tag is in the library (the journal is written after the save).
    journaled = {tag for e in entries for c in e.changes for tag in (c.after or {}).get("tags", [])}
    assert journaled <= set(tags)
    assert len(tags) - len(journaled) <= 1  # at most the save the kill cut off
    run_cli("tag", "lee2024sparse", "after-kill", check=True)
    assert Library(library_file).history()[-1].command == "tag lee2024sparse after-kill"
    lines = journal_path(library_file).read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(line.strip() for line in lines[:-1])


def test_a_restore_is_journaled_and_undone(run_cli: RunCLI, library_file: Path) -> None:
    imported(run_cli)
    kept = library_file.parent / "kept"
    kept.mkdir()
    for name in ("library.json", "library.abstracts.json"):
        (kept / name).write_bytes((library_file.parent / name).read_bytes())
    run_cli("tag", "ng2023dense", "ml", check=True)
    run_cli("restore", str(kept / "library.json"), check=True)
    assert Library(library_file).get("ng2023dense").tags == []
    top = run_cli("history", "--limit", "1", check=True).stdout
    assert f"restore {kept / 'library.json'}: ng2023dense: -ml" in top
    run_cli("undo", check=True)
    assert Library(library_file).get("ng2023dense").tags == ["ml"]


def test_the_history_horizon_comes_from_the_settings(
    run_cli: RunCLI, library_file: Path, tmp_path: Path
) -> None:
    imported(run_cli)
    journal = journal_path(library_file)
    old = json.loads(journal.read_bytes().splitlines()[0])
    old.update(id="old", time=(datetime.now(UTC) - timedelta(days=40)).isoformat())
    journal.write_bytes(orjson.dumps(old) + b"\n" + journal.read_bytes())
    yesterday = time.time() - 86400
    os.utime(journal, (yesterday, yesterday))
    config = tmp_path / "config.toml"
    config.write_text("[history]\ndays = 60\n", encoding="utf-8")
    run_cli("tag", "ng2023dense", "a", env={"READLIST_CONFIG": str(config)}, check=True)
    assert "old" in [e.id for e in Library(library_file).history()]  # 40 days < 60
    os.utime(journal, (yesterday, yesterday))
    config.write_text("[history]\ndays = 30\n", encoding="utf-8")
    run_cli("tag", "ng2023dense", "b", env={"READLIST_CONFIG": str(config)}, check=True)
    assert "old" not in [e.id for e in Library(library_file).history()]
    os.utime(journal, (yesterday, yesterday))
    config.write_text("[history]\ndays = 'many'\n", encoding="utf-8")
    result = run_cli("tag", "ng2023dense", "c", env={"READLIST_CONFIG": str(config)})
    assert result.returncode == 0  # the change is saved all the same, with a warning
    assert result.stderr == (
        f"warning: settings file {config}: [history] days must be a whole number >= 1; "
        "keeping 90 days of history\n"
    )


def test_a_journal_that_cannot_be_written_warns_and_the_change_is_saved(
    run_cli: RunCLI, library_file: Path
) -> None:
    imported(run_cli)
    journal = journal_path(library_file)
    journal.unlink()
    journal.mkdir()  # in the way
    result = run_cli("tag", "ng2023dense", "kept")
    assert result.returncode == 0
    assert result.stderr == (f"warning: saved, but not recorded in {journal}: Is a directory\n")
    assert Library(library_file).get("ng2023dense").tags == ["kept"]
    assert run_cli("undo").stderr == "readlist: nothing to undo\n"


def test_a_file_name_that_is_not_utf8_is_journaled_escaped(
    run_cli: RunCLI, library_file: Path, tmp_path: Path
) -> None:
    source = Path(os.fsdecode(bytes(tmp_path) + b"/refs\xff.bib"))
    source.write_text(BIB, encoding="utf-8")
    run_cli("import", str(source), check=True)
    command = Library(library_file).history()[-1].command
    assert command == f"import '{tmp_path}/refs\\xff.bib'"


def test_history_of_a_key_follows_it_through_rekey_and_shows_only_that_paper(
    run_cli: RunCLI, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth.lower + shorttitle(1,1) + year"\n')
    env = {"READLIST_CONFIG": str(config)}
    imported(run_cli)
    run_cli("tag", "lee2024sparse", "ml", check=True)
    run_cli("mark", "ng2023dense", "read", check=True)
    renames = run_cli("rekey", "--force", env=env, check=True).stdout
    new = json.loads(run_cli("show", "lee2024sparse", "--json", check=True).stdout)["key"]
    assert f"lee2024sparse -> {new}" in renames and new != "lee2024sparse"
    run_cli("note", new, "after the rename", check=True)
    by_old = run_cli("history", "lee2024sparse", check=True).stdout.splitlines()
    by_new = run_cli("history", new, check=True).stdout.splitlines()
    assert by_old == by_new
    assert [line.split(" ", 2)[2].split(":")[0] for line in by_new] == [
        f"note {new} 'after the rename'",
        "rekey --force",
        "tag lee2024sparse ml",
        "import -",
    ]
    assert f": {new}: " in by_new[1] and "key was lee2024sparse" in by_new[1]
    assert "ng2023dense" not in by_new[1] and "ng2023dense" not in by_new[3]
    assert by_new[3].endswith(": lee2024sparse added")
    as_json = json.loads(run_cli("history", "lee2024sparse", "--json", check=True).stdout)
    assert [entry["command"] for entry in as_json][-1] == "import -"
