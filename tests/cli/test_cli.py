"""The CLI through the installed ``readlist`` command, on temp libraries."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from readlist.models import PAPER_FIELDS

LISTING = (
    "CVSep 25, 2023Code\n"
    "Aligning Large Multimodal Models with Factually Augmented RLHF"
    "Zhiqing Sun, Sheng Shen, Shengcao Cao et al. · berkeley, cmu\n"
    "We release code at https://github.com/llava-rlhf/LLaVA-RLHF.\n"
    "CLJun 13, 2023\n"
    "SqueezeLLM: Dense-and-Sparse QuantizationSehoon Kim, Coleman Hooper · berkeley\n"
    "Quantization for [bold red]LLMs[/] with no code link.\n"
)


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "listing.txt"
    path.write_text(LISTING, encoding="utf-8")
    return path


def list_json(run_cli, *query: str) -> list[dict[str, Any]]:
    result = run_cli("list", *query, "--json", check=True)
    listed: list[dict[str, Any]] = json.loads(result.stdout)
    return listed


def test_sample_import_then_list_shows_85_papers(run_cli) -> None:
    result = run_cli("import", "--sample", check=True)
    assert "sample_listing.txt (listing): added 50" in result.stdout
    assert "sample_search_results.txt (search): added 35" in result.stdout
    papers = list_json(run_cli)
    assert len(papers) == 85
    assert papers[0]["title"] == "Aligning Large Multimodal Models with Factually Augmented RLHF"
    assert papers[0]["authors"] == ["Zhiqing Sun", "Sheng Shen", "Shengcao Cao"]
    assert papers[0]["key"] == "sun2023aligning"
    human = run_cli("list", check=True).stdout.splitlines()
    assert len(human) == 85
    assert human[0].split()[:4] == ["○", "sun2023aligning", "2023", "cs.CV"]
    assert human[0].endswith("Aligning Large Multimodal Models with Factually Augmented RLHF")
    again = run_cli("import", "--sample", check=True)
    assert "added 0, updated 0, unchanged 50" in again.stdout


def test_list_json_has_exactly_the_documented_fields(run_cli, listing: Path) -> None:
    run_cli("import", str(listing), check=True)
    papers = list_json(run_cli)
    assert [list(p) for p in papers] == [list(PAPER_FIELDS)] * 2
    first = papers[0]
    assert first["category"] == "cs.CV" and first["published"] == "2023-09-25"
    assert first["authors_truncated"] is True and first["has_code"] is True
    assert first["affiliations"] == ["berkeley", "cmu"]
    assert first["links"] == [{"url": "https://github.com/llava-rlhf/LLaVA-RLHF", "kind": "code"}]
    assert first["status"] == "unread" and first["tags"] == [] and first["notes"] == ""
    assert first["source"] == {"file": "listing.txt", "format": "listing"}
    shown = json.loads(run_cli("show", "kim", "--json", check=True).stdout)
    assert shown["key"] == "kim2023squeezellm"
    assert list(shown) == list(PAPER_FIELDS)


def test_triage_commands_change_the_library(run_cli, listing: Path, library_file: Path) -> None:
    run_cli("import", str(listing), "--tag", "Week-1", check=True)
    assert run_cli("tag", "sun", "rlhf", "To-Read", check=True).stdout.strip() == (
        "sun2023aligning: rlhf to-read week-1"
    )
    run_cli("untag", "sun", "to-read", check=True)
    run_cli("mark", "sun2023", "read", check=True)
    run_cli("note", "kim", "first thought", check=True)
    run_cli("note", "kim", "second", "--append", check=True)
    run_cli("note", "sun", "-", input="from stdin\n", check=True)
    data = json.loads(library_file.read_text(encoding="utf-8"))
    papers = {p["key"]: p for p in data["papers"].values()}
    assert papers["sun2023aligning"]["tags"] == ["rlhf", "week-1"]
    assert papers["sun2023aligning"]["status"] == "read"
    assert papers["sun2023aligning"]["read_at"]
    assert papers["sun2023aligning"]["notes"] == "from stdin"
    assert papers["kim2023squeezellm"]["notes"] == "first thought\n\nsecond"
    assert [p["key"] for p in list_json(run_cli, "status:read")] == ["sun2023aligning"]
    assert [p["key"] for p in list_json(run_cli, "tag:week-1", "-tag:rlhf")] == [
        "kim2023squeezellm"
    ]
    run_cli("remove", "--yes", "kim", check=True)
    assert [p["key"] for p in list_json(run_cli)] == ["sun2023aligning"]


def test_note_in_editor_with_spaces_and_quotes(run_cli, listing: Path, tmp_path: Path) -> None:
    run_cli("import", str(listing), check=True)
    folder = tmp_path / "my editor"
    folder.mkdir()
    editor = folder / "ed it.sh"
    editor.write_text(
        '#!/bin/sh\n[ "$1" = "--flag" ] || exit 3\nprintf "edited; $(rm -rf /)" > "$2"\n'
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    result = run_cli("note", "sun", env={"EDITOR": f'"{editor}" --flag', "VISUAL": ""})
    assert result.returncode == 0, result.stderr
    shown = json.loads(run_cli("show", "sun", "--json", check=True).stdout)
    assert shown["notes"].startswith("edited; ")


def test_open_uses_code_link_or_a_search(run_cli, listing: Path, tmp_path: Path) -> None:
    run_cli("import", str(listing), check=True)
    log = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\n')
    browser.chmod(0o755)
    env = {"BROWSER": f"{browser} %s"}
    run_cli("open", "sun", env=env, check=True)
    run_cli("open", "kim", env=env, check=True)
    run_cli("open", "kim", "--paper", env=env, check=True)
    opened = log.read_text().split()
    assert opened[0] == "https://github.com/llava-rlhf/LLaVA-RLHF"
    assert opened[1].startswith("https://github.com/search?") and "SqueezeLLM" in opened[1]
    assert opened[2].startswith("https://arxiv.org/") and "SqueezeLLM" in opened[2]


def test_errors_are_one_line_with_exit_codes(run_cli, listing: Path, tmp_path: Path) -> None:
    run_cli("import", str(listing), check=True)
    second = tmp_path / "second.txt"
    second.write_text("CVSep 2, 2023\nAligning AgainZhiqing Sun\nAbstract.\n", encoding="utf-8")
    assert "added 1" in run_cli("import", str(second), check=True).stdout
    for args, code in [
        (("show", "nobody"), 1),
        (("show", "s"), 1),
        (("list", "colour:red"), 2),  # a query error is a usage error
        (("mark", "sun", "done"), 2),
        (("import", "/nonexistent/file.txt"), 1),
        (("frobnicate",), 2),
    ]:
        result = run_cli(*args)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        if code == 1:
            assert result.stderr.count("\n") == 1 and result.stderr.startswith("readlist: ")
    ambiguous = run_cli("show", "s").stderr
    assert "ambiguous" in ambiguous and "sun2023aligning, sun2023aligninga" in ambiguous


def test_corrupt_library_is_never_overwritten(run_cli, listing: Path, library_file: Path) -> None:
    library_file.parent.mkdir(parents=True)
    library_file.write_bytes(b'{"papers": {"1": {"title": "half')
    for args in (("list",), ("import", str(listing)), ("tag", "x", "y")):
        result = run_cli(*args)
        assert result.returncode == 1
        assert "not valid JSON" in result.stderr and str(library_file) in result.stderr
        assert "Traceback" not in result.stderr
    assert library_file.read_bytes() == b'{"papers": {"1": {"title": "half'
    library_file.write_text('{"users": {"1": {"name": "x"}}}')
    result = run_cli("import", str(listing))
    assert result.returncode == 1 and "not a readlist library" in result.stderr
    assert library_file.read_text() == '{"users": {"1": {"name": "x"}}}'


def test_markup_in_titles_prints_literally(run_cli, listing: Path) -> None:
    run_cli("import", str(listing), check=True)
    shown = run_cli("show", "kim", check=True).stdout
    assert "[bold red]LLMs[/]" in shown
    assert "\x1b" not in shown


def test_stdin_import_and_stats(run_cli) -> None:
    result = run_cli("import", "-", "--format", "listing", input=LISTING, check=True)
    assert "<stdin> (listing): added 2" in result.stdout
    stats = json.loads(run_cli("stats", "--json", check=True).stdout)
    assert stats["total"] == 2
    assert stats["status"] == {"unread": 2, "reading": 0, "read": 0}
    assert stats["categories"] == {"cs.CV": 1, "cs.CL": 1}


def test_library_env_var(listing: Path, tmp_path: Path, readlist_command: list[str]) -> None:
    other = tmp_path / "env" / "lib.json"
    env = {**os.environ, "READLIST_LIBRARY": str(other)}
    subprocess.run(
        [*readlist_command, "import", str(listing)], env=env, check=True, capture_output=True
    )
    assert other.exists()
    assert not (Path(os.environ["XDG_DATA_HOME"]) / "readlist").exists()


def test_many_warnings_are_summarised(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("".join(f"CVSep 2, 2023\nno authors here {n}\nabstract\n" for n in range(25)))
    result = run_cli("import", str(bad), check=True)
    warnings = result.stderr.splitlines()
    assert len(warnings) == 21
    assert warnings[-1] == "warning: bad.txt: … and 5 more warnings"
    assert "added 25" in result.stdout and "25 warnings" in result.stdout


def test_tui_refuses_a_damaged_library_with_one_line(run_cli, library_file: Path) -> None:
    library_file.parent.mkdir(parents=True)
    library_file.write_text('{"papers": {')
    result = run_cli()  # no command: the interface
    assert result.returncode == 1
    assert result.stderr.startswith("readlist: ") and result.stderr.count("\n") == 1
    assert "not valid JSON" in result.stderr
    assert library_file.read_text() == '{"papers": {'


def test_a_damaged_abstracts_file_is_one_line_and_triage_still_works(
    run_cli, listing: Path, library_file: Path
) -> None:
    run_cli("import", str(listing), check=True)
    abstracts = library_file.with_name("library.abstracts.json")
    abstracts.write_text('{"abstracts": {')
    for args in (("list", "--json"), ("show", "kim"), ("export", "bibtex"), ()):  # () is the TUI
        result = run_cli(*args)
        assert result.returncode == 1, args
        assert result.stderr.startswith(f"readlist: abstracts file {abstracts} is not valid JSON")
        assert result.stderr.count("\n") == 1 and "backups" in result.stderr
    assert run_cli("tag", "kim", "still-works", check=True).stdout.endswith("still-works\n")
    # Listing shows no abstract: it does not read them, like the triage commands.
    assert "still-works" in run_cli("list", "tag:still-works", check=True).stdout
    assert abstracts.read_text() == '{"abstracts": {'


def test_note_append_reads_the_same_in_either_order(run_cli, listing: Path) -> None:
    run_cli("import", str(listing), check=True)
    run_cli("note", "kim", "first", check=True)
    run_cli("note", "kim", "--append", "second", check=True)
    run_cli("note", "kim", "third", "--append", check=True)
    notes = json.loads(run_cli("show", "kim", "--json", check=True).stdout)["notes"]
    assert notes == "first\n\nsecond\n\nthird"
    assert run_cli("note", "kim", "--append", "two", "words").returncode == 2


def test_list_sort_year_is_newest_first_in_both_outputs(run_cli) -> None:
    run_cli("import", "--sample", check=True)
    by_year = list_json(run_cli, "--sort", "year")
    dates = [paper["published"] or "" for paper in by_year]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 10
    by_title = list_json(run_cli, "--sort", "title")
    assert [p["key"] for p in by_title] != [p["key"] for p in by_year]  # the option is used
    human = run_cli("list", "--sort", "year", check=True).stdout.splitlines()
    assert [line.split()[1] for line in human] == [paper["key"] for paper in by_year]


def test_usage_mistakes_exit_2_and_missing_export_folders_are_not_made(
    run_cli, listing: Path, tmp_path: Path
) -> None:
    run_cli("import", str(listing), check=True)
    result = run_cli("list", "--sort", "bogus")
    assert result.returncode == 2 and "unknown sort 'bogus'" in result.stderr
    target = tmp_path / "no" / "such" / "refs.bib"
    result = run_cli("export", "bibtex", "-o", str(target))
    assert result.returncode == 1
    assert result.stderr == f"readlist: cannot write {target}: there is no folder {target.parent}\n"
    assert not (tmp_path / "no").exists()
