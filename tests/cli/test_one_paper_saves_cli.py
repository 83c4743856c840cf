"""tag, untag and mark through the command: spliced saves are whole saves, hand edits are kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import orjson

from readlist.store.record_view import digest_path

LISTING = "".join(
    f"CVSep {n + 1}, 2023Code\n"
    f'Paper {n}: "Quoted" \\ Zoë [bold]markup[/]Ann Lee{n}, Bob Wu · lab\n'
    f"An abstract {n} at https://github.com/lab/p{n}.\n"
    for n in range(5)
)


def papers_of(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {p["key"]: p for p in data["papers"].values()}


def is_whole_save(path: Path) -> bool:
    """Whether the file is byte for byte what a whole save of its content writes."""
    raw = path.read_bytes()
    return raw == orjson.dumps(orjson.loads(raw), option=orjson.OPT_INDENT_2)


def without_times(papers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        key: {k: v for k, v in paper.items() if k not in ("updated", "read_at")}
        for key, paper in papers.items()
    }


def test_one_paper_commands_save_what_a_whole_save_does(
    run_cli, library_file: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_cli("import", str(listing), check=True)
    assert digest_path(library_file).exists()  # every save names what it wrote
    whole = tmp_path / "whole" / "library.json"
    shutil.copytree(library_file.parent, whole.parent)
    keys = sorted(papers_of(library_file))
    commands = [
        ("tag", keys[1], "first", "Zoë"),
        ("mark", keys[1], "reading"),
        ("tag", keys[3], "[bold]"),
        ("untag", keys[1], "first"),
        ("mark", keys[4], "read"),
    ]
    for command in commands:
        lean_run = run_cli(*command, check=True)
        # Without the digest file the command parses the library whole, as before.
        digest_path(whole).unlink(missing_ok=True)
        whole_run = run_cli(*command, library=whole, check=True)
        assert lean_run.stdout == whole_run.stdout
        assert is_whole_save(library_file)
        assert without_times(papers_of(library_file)) == without_times(papers_of(whole))
    papers = papers_of(library_file)
    assert papers[keys[1]]["tags"] == ["zoë"] and papers[keys[1]]["status"] == "reading"
    assert papers[keys[3]]["tags"] == ["[bold]"] and papers[keys[4]]["status"] == "read"
    # Journaled as every change is: undo takes back the last one.
    run_cli("undo", check=True)
    assert papers_of(library_file)[keys[4]]["status"] == "unread"


def test_a_hand_edit_between_commands_is_kept(run_cli, library_file: Path, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_cli("import", str(listing), check=True)
    keys = sorted(papers_of(library_file))
    run_cli("tag", keys[0], "one", check=True)
    # An edit that keeps the file's layout and changes a title's length.
    raw = library_file.read_bytes()
    title = orjson.dumps(papers_of(library_file)[keys[2]]["title"])
    assert raw.count(b'"title": ' + title) == 1
    # An extra space: a layout readlist does not write (a whole save takes it out).
    raw = raw.replace(b'"title": ' + title, b'"title":  "Retitled by hand, longer than before"')
    library_file.write_bytes(raw)
    run_cli("tag", keys[0], "two", check=True)
    run_cli("mark", keys[4], "read", check=True)
    papers = papers_of(library_file)
    assert papers[keys[2]]["title"] == "Retitled by hand, longer than before"
    assert papers[keys[0]]["tags"] == ["one", "two"] and papers[keys[4]]["status"] == "read"
    assert is_whole_save(library_file)
