"""No terminal escape from a file name, a tag or a record reaches the terminal raw."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from readlist.models import Paper
from readlist.store import Library

OSC = "x\x1b]0;t\x07y"  # would retitle the terminal window
SHOWN = "x\\x1b]0;t\\x07y"
SAMPLE = Path(__file__).parents[2] / "readlist" / "data" / "sample_listing.txt"


def assert_safe(*streams: str) -> None:
    for stream in streams:
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream


def test_a_tag_with_an_escape_is_refused_with_one_line(run_cli, library_file: Path) -> None:
    run_cli("import", str(SAMPLE), check=True)
    key = Library(library_file).papers()[0].key
    result = run_cli("tag", key, "fine", OSC)
    assert result.returncode == 1
    assert result.stderr == (
        f"readlist: tag '{SHOWN}' has control characters; "
        "a tag is plain text (letters, digits, punctuation)\n"
    )
    assert Library(library_file).get(key).tags == []  # nothing half-done
    result = run_cli("import", "--tag", OSC, str(SAMPLE))
    assert result.returncode == 1 and SHOWN in result.stderr
    assert_safe(result.stdout, result.stderr)


def test_hand_edited_tags_and_keys_are_escaped_in_every_output(run_cli, library_file: Path) -> None:
    library = Library(library_file)
    library.import_papers([Paper(title="Title \x9b2J here", authors=["A B"], tags=[OSC])])
    key = library.papers()[0].key
    for args in (["list"], ["show", key], ["stats"], ["tag", key, "ok"], ["untag", key, "ok"]):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert_safe(result.stdout, result.stderr)
        assert SHOWN in result.stdout, args
    listed = run_cli("list", "--json")
    assert_safe(listed.stdout)
    paper = json.loads(listed.stdout)[0]
    assert paper["tags"] == [OSC] and paper["title"] == "Title \x9b2J here"  # JSON: exact
    assert run_cli("untag", key, OSC).returncode == 0  # a bad tag can still be removed
    assert Library(library_file).get(key).tags == []


def test_file_names_with_escapes_are_escaped_in_import_messages(run_cli, tmp_path: Path) -> None:
    good = tmp_path / f"good{OSC}.txt"
    shutil.copy(SAMPLE, good)
    bad = tmp_path / f"bad{OSC}.txt"
    bad.write_text("nothing to see\n", encoding="utf-8")
    imported = run_cli("import", str(good))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("good") and "y.txt (listing): added" in imported.stdout
    failed = run_cli("import", str(bad))
    assert failed.returncode == 1 and f"bad{SHOWN}.txt" in failed.stderr
    missing = run_cli("show", f"nope{OSC}")
    assert missing.returncode == 1 and f"nope{SHOWN}" in missing.stderr
    assert_safe(imported.stdout, imported.stderr, failed.stdout, failed.stderr, missing.stderr)


def test_argument_errors_quote_the_arguments_escaped(run_cli) -> None:
    result = run_cli("list", "--sort", OSC)
    assert result.returncode == 2 and SHOWN in result.stderr
    result = run_cli("list", "--" + OSC)
    assert result.returncode == 2 and SHOWN in result.stderr
    assert_safe(result.stdout, result.stderr)
