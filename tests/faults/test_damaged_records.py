"""Paper records edited by hand into the wrong shape: no command crashes on one.

The rule (docs/data.md, "Records edited by hand"): commands that read show a damaged
record as well as it reads and warn about it; commands that would change it refuse
with one line naming it; an import leaves it as it is with a warning; ``doctor``
names each record and field; ``doctor --fix`` moves it into the quarantine file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import cli
from readlist.models import PAPER_FIELDS, Link, LinkKind, Paper, Source
from readlist.paths import quarantine_path
from readlist.store import Library
from readlist.store.repair import QUARANTINE_TABLE

ROOT = Path(__file__).resolve().parents[2]
LISTING = "CVSep 25, 2023Code\n{title}Ann Lee, Bo Chen\nAn abstract.\n"

#: Hand edits seen in the wild (and in issue 9), as (field, value).
MUTATIONS: list[tuple[str, Any]] = [
    ("authors", 5),
    ("authors", "Ann Lee"),
    ("authors", [1, None]),
    ("tags", 5),
    ("tags", [["x"]]),
    ("links", "x"),
    ("links", [{"kind": "code"}]),
    ("links", [{"url": 5}]),
    ("published", 2023),
    ("published", ["2023"]),
    ("category", {"a": 1}),
    ("source", "bibtex"),
    ("source", {"file": "a.bib", "format": "bibtex", "fields": "journal = x"}),
    ("source", {"file": 5, "format": None, "fields": {"doi": ["x"]}}),
    ("status", 7),
    ("status", ["read"]),
    ("title", None),
    ("title", 42),
    ("has_code", "no"),
    ("authors_truncated", None),
    ("notes", ["a"]),
    ("added", 1700000000),
    ("key", 5),
    ("abstract_ref", 5),
]


def write_library(path: Path) -> list[str]:
    """A library of three papers, each with an abstract, tags and a BibTeX source."""
    papers = [
        Paper(
            title=f"Paper Number {n}",
            authors=["Ann Lee", "Bo Chen"],
            published="2023-06-13",
            category="cs.LG",
            abstract=f"Abstract of paper {n}.",
            has_code=True,
            links=[Link(f"https://github.com/a/p{n}", LinkKind.CODE)],
            tags=["ml"],
            source=Source(f"p{n}.bib", "bibtex", "article", f"k{n}", {"journal": "J"}),
        )
        for n in range(3)
    ]
    return Library(path).import_papers(papers).added


def damage(path: Path, number: str, field: str, value: Any) -> dict[str, Any]:
    """Set ``field`` of record ``number`` to ``value`` by hand; the record as it now is."""
    data = json.loads(path.read_text())
    data["papers"][number][field] = value
    path.write_text(json.dumps(data))
    record: dict[str, Any] = data["papers"][number]
    return record


def main(capsys: pytest.CaptureFixture[str], library: Path, *args: str) -> tuple[int, str, str]:
    """The CLI in-process (``main(argv)``): exit status, stdout, stderr."""
    code = cli.main(["--library", str(library), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clean(code: int, err: str) -> None:
    """Status 0 (maybe with warnings) or 1 with one ``readlist:`` line; never a traceback."""
    assert code in (0, 1), err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
    if code == 1:
        assert len(lines) == 1 and lines[0].startswith("readlist: "), err


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


@pytest.mark.parametrize(("field", "value"), MUTATIONS, ids=[f"{f}={v!r}" for f, v in MUTATIONS])
def test_a_damaged_record_crashes_no_command_and_doctor_fix_quarantines_it(
    library: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any
) -> None:
    keys = write_library(library)
    damaged_record = damage(library, "2", field, value)
    damaged_key, good_key = ("5" if field == "key" else keys[1]), keys[0]
    listing = library.parent / "again.txt"
    listing.write_text(LISTING.format(title="Paper Number 1") + "\n")

    for args in (
        ["list"],
        ["list", "--json", "ml"],
        ["list", "--sort", "published"],
        ["show", damaged_key],
        ["show", "--json", damaged_key],
        ["stats"],
        ["stats", "--json"],
        ["export", "bibtex"],
        ["export", "csl-json"],
        ["export", "markdown"],
        ["import", str(listing)],
        ["tag", good_key, "fine"],
        ["mark", good_key, "read"],
    ):
        code, _, err = main(capsys, library, *args)
        assert_clean(code, err)
        assert code == 0, (args, err)
    assert "fine" in Library(library).get(good_key).tags

    before = library.read_bytes()
    for args in (["tag", damaged_key, "x"], ["note", damaged_key, "x"]):
        code, _, err = main(capsys, library, *args)
        assert code == 1 and "Traceback" not in err
        assert err.startswith(f"readlist: paper {damaged_key} is damaged ("), err
        assert f"'{field}" in err, err
    assert library.read_bytes() == before  # left exactly as it was

    code, out, err = main(capsys, library, "doctor")
    assert code == 1 and "Traceback" not in err, err
    where = "#2" if field == "key" else f"#2 ({damaged_key})"  # a key that is not text
    assert f"error: paper {where}: '{field}" in out, out

    code, out, err = main(capsys, library, "doctor", "--fix")
    assert_clean(code, err)
    assert f"moved 1 damaged record to {quarantine_path(library)}" in out, out
    records = json.loads(library.read_text())["papers"]
    assert "2" not in records and {"1", "3"} <= set(records)
    [entry] = json.loads(quarantine_path(library).read_text())[QUARANTINE_TABLE].values()
    assert entry["record"] == damaged_record and entry["number"] == "2"
    if field != "abstract_ref":
        assert entry["abstract"] == "Abstract of paper 1."
    code, out, err = main(capsys, library, "doctor")
    assert "bad-field" not in out and f"#{2} (" not in out, out
    assert main(capsys, library, "list")[0] == 0


def test_records_that_are_not_papers_are_skipped_with_a_warning_and_quarantined(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = write_library(library)
    data = json.loads(library.read_text())
    data["papers"]["x7"] = {**data["papers"]["1"], "key": "odd2023number"}
    data["papers"]["9"] = ["not", "a", "record"]
    library.write_text(json.dumps(data))
    code, out, err = main(capsys, library, "list")
    assert code == 0, err
    assert "warning: record #x7 is not a paper record" in err
    assert "warning: record #9 is not a paper record" in err
    assert out.count("Paper Number") == 3
    code, _, err = main(capsys, library, "tag", keys[0], "new")  # saves around them
    assert code == 0, err
    assert json.loads(library.read_text())["papers"]["9"] == ["not", "a", "record"]
    code, _, err = main(capsys, library, "import", "--sample")  # new numbers skip them
    assert code == 0, err
    code, out, _ = main(capsys, library, "doctor", "--fix")
    assert "moved 2 damaged records" in out and "#x7 (odd2023number)" in out, out
    assert main(capsys, library, "doctor")[0] == 0


def test_the_quarantine_file_is_added_to_never_overwritten(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_library(library)
    damage(library, "1", "tags", 5)
    assert main(capsys, library, "doctor", "--fix")[0] == 0
    damage(library, "2", "status", 7)
    assert main(capsys, library, "doctor", "--fix")[0] == 0
    entries = json.loads(quarantine_path(library).read_text())[QUARANTINE_TABLE]
    assert [e["number"] for e in entries.values()] == ["1", "2"]


def test_an_unreadable_quarantine_file_is_left_alone_and_nothing_moves(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_library(library)
    damage(library, "1", "tags", 5)
    quarantine_path(library).write_text("{ not json")
    before = library.read_bytes()
    code, _, err = main(capsys, library, "doctor", "--fix")
    assert code == 1 and "Traceback" not in err
    assert "quarantine file" in err and "no record was moved into it" in err, err
    assert quarantine_path(library).read_text() == "{ not json"
    assert library.read_bytes() == before


def test_the_tui_starts_on_a_library_with_damaged_records(library: Path) -> None:
    """In a subprocess, as a user would start it: the first screen shows every paper."""
    write_library(library)
    for number, (field, value) in zip(("1", "2", "3"), MUTATIONS[::8], strict=True):
        damage(library, number, field, value)
    script = f"""
import asyncio
from readlist.store import Library
from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable

async def main():
    app = ReadlistApp(Library({str(library)!r}))
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.screen.query(PaperTable) and app.screen.query_one(PaperTable).papers:
                break
        print("ROWS", len(app.screen.query_one(PaperTable).papers), flush=True)

asyncio.run(main())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ROWS 3" in result.stdout


def test_the_cli_names_the_damaged_record_through_the_real_entry_point(
    library: Path, run_cli: Any
) -> None:
    keys = write_library(library)
    damage(library, "1", "authors", 5)
    listed = run_cli("list", library=library)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert f"warning: paper {keys[0]}: 'authors' should be a list of strings, not int" in (
        listed.stderr
    )
    tagged = run_cli("tag", keys[0], "x", library=library)
    assert tagged.returncode == 1
    assert tagged.stderr.startswith(f"readlist: paper {keys[0]} is damaged ('authors' should")
    assert "readlist doctor --fix" in tagged.stderr and len(tagged.stderr.splitlines()) == 1


# -- any wrong type in any field ----------------------------------------------------

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.dictionaries(
        st.sampled_from([*PAPER_FIELDS, "abstract_ref", "url-less"]), _JSON_VALUES, max_size=4
    )
)
def test_any_field_of_any_type_crashes_no_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, Any]
) -> None:
    library = Path(tempfile.mkdtemp(dir=tmp_path)) / "library.json"
    keys = write_library(library)
    data = json.loads(library.read_text())
    record = data["papers"]["2"]
    for field, value in edits.items():
        if field == "url-less":
            record["links"] = [{"kind": value}]
        else:
            record[field] = value
    library.write_text(json.dumps(data))
    listing = library.parent / "listing.txt"
    listing.write_text(LISTING.format(title="Paper Number 1"))
    key = str(record.get("key"))
    for args in (
        ["list", "--json"],
        ["show", keys[0]],
        ["show", key],
        ["stats"],
        ["export", "bibtex"],
        ["export", "csl-json"],
        ["tag", key, "t"],
        ["tag", keys[0], "t"],
        ["import", str(listing)],
        ["doctor"],
        ["doctor", "--fix"],
        ["list"],
    ):
        code, _, err = main(capsys, library, *args)
        if args[0] == "doctor":  # its findings go to stdout, status 1 when there are errors
            assert code in (0, 1) and "Traceback" not in err, err
        else:
            assert_clean(code, err)
    code, out, _ = main(capsys, library, "doctor")
    assert "bad-field" not in out and "should be" not in out, out


def test_a_fix_killed_between_its_two_saves_does_not_quarantine_a_record_twice(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_library(library)
    damage(library, "1", "tags", 5)
    before_fix = library.read_bytes()
    assert main(capsys, library, "doctor", "--fix")[0] == 0
    library.write_bytes(before_fix)  # as if killed after the quarantine file was saved
    data = json.loads(quarantine_path(library).read_text())
    data[QUARANTINE_TABLE]["99"] = "an entry someone edited into a string"
    quarantine_path(library).write_text(json.dumps(data))
    code, out, err = main(capsys, library, "doctor", "--fix")
    assert code == 0 and "moved 1 damaged record" in out, err
    entries = json.loads(quarantine_path(library).read_text())[QUARANTINE_TABLE]
    assert [e["number"] for e in entries.values() if isinstance(e, dict)] == ["1"]
    assert entries["99"] == "an entry someone edited into a string"
    assert "1" not in json.loads(library.read_text())["papers"]


def test_a_record_put_back_by_undo_and_moved_again_is_in_the_quarantine_once(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_library(library)
    damaged_record = damage(library, "1", "tags", 5)
    assert main(capsys, library, "doctor", "--fix")[0] == 0
    code, _, err = main(capsys, library, "undo")
    assert code == 0, err
    # Undo puts the record back under a new number; a second fix moves it again.
    assert damaged_record in json.loads(library.read_text())["papers"].values()
    code, out, err = main(capsys, library, "doctor", "--fix")
    assert code == 0 and "moved 1 damaged record" in out, err
    entries = json.loads(quarantine_path(library).read_text())[QUARANTINE_TABLE]
    assert [e["record"] for e in entries.values()] == [damaged_record]
    assert damaged_record not in json.loads(library.read_text())["papers"].values()
