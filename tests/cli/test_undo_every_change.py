"""``undo`` reverses every kind of change the CLI can make, through the real entry point.

A property test runs random sequences of changing commands on a temp library with the
real ``readlist`` entry point (``main([...])`` in-process, the real editors as
subprocesses, ``add`` against the local recorded-response server), undoes all of them,
and compares the library with the start: every record field for field (notes,
aliases, ``read_at``, edited marks, PDF links) and every paper's abstract text.
Redoing them all gives the end state back. The kinds a random sequence seldom
reaches (``import --sample``, ``enrich``, ``fetch-pdf``, ``resolve``, ``doctor
--fix``, ``restore``, a ``sync`` merge) have a round trip each below, and the
conflict case: undo never overwrites a change made since (a status changed on
another machine and merged in by git).
"""

from __future__ import annotations

import gc
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.cli import main
from readlist.cli.environment import Environment
from readlist.paths import abstracts_path, quarantine_path
from readlist.store import Library
from readlist.store.journal import undo_state
from tests.fake_services import FakeServices, Reply, arxiv_search
from tests.remote.pdf_bytes import tiny_pdf

TESTS = Path(__file__).resolve().parents[1]
NOTE_EDITOR = shlex.join([sys.executable, str(TESTS / "scripted_editor.py")])
ENTRY_EDITOR = shlex.join([sys.executable, str(TESTS / "entry_editor.py")])

BIB_ONE = """
@article{lee2024sparse, title={Sparse Attention Again}, author={Lee, Ann}, year=2024,
  journal={Journal of Sparsity}, abstract={A first abstract about sparse attention.}}
@article{ng2023dense, title={Dense Retrieval at Scale}, author={Ng, Bo}, year=2023}
"""
# Updates a paper of BIB_ONE (a better abstract, a DOI) and adds one.
BIB_TWO = """
@article{lee2024sparse, title={Sparse Attention Again}, author={Lee, Ann}, year=2024,
  doi={10.1000/sparse}, abstract={A longer, better abstract about sparse attention.}}
@article{wu2022graph, title={Graph Transformers}, author={Wu, Cy}, year=2022,
  abstract={Graphs meet transformers.}}
"""
LISTING = (
    "CVSep 25, 2023Code\nListing Paper About Retrieval\nAnn Lee, Bo Chen\nA listing abstract.\n"
    "CLOct 2, 2023\nAnother Listing Paper\nDee Fox\nAnother abstract.\n"
)
STRIPE = (
    "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
)
KEY_OF_1605 = "stanley2016heatbath"
PDF_TYPE = {"Content-Type": "application/pdf"}


def cli(library: Path, *args: str, stdin: str = "", environ: Mapping[str, str] = {}) -> str:
    """Run ``readlist --library LIBRARY ARGS`` in-process; its stdout (exit 0 or 1 checked)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with patched_environ(environ):
        env = Environment(
            stdout=stdout,
            stderr=stderr,
            stdin=io.BytesIO(stdin.encode()),
            environ=os.environ,
            stdout_isatty=False,
        )
        try:
            status = main(["--library", str(library), *args], env)
        finally:
            gc.enable()  # main() turns the collector off for a one-shot command
    assert "Traceback" not in stderr.getvalue()
    assert status == 0, (args, stdout.getvalue(), stderr.getvalue())
    return stdout.getvalue() + stderr.getvalue()


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` (the editors are found there) for the duration."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def state(library: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Every record by key, whole, and each paper's abstract text: what undo must give back."""
    papers = orjson.loads(library.read_bytes())["papers"]
    records = {doc["key"]: doc for doc in papers.values()}
    sidecar = abstracts_path(library)
    texts = orjson.loads(sidecar.read_bytes())["abstracts"] if sidecar.exists() else {}
    named = {
        key: texts[ref]
        for key, doc in records.items()
        if isinstance(ref := doc.get("abstract_ref"), str) and ref in texts
    }
    return records, named


def undoable(library: Path) -> int:
    return len(undo_state(Library(library).history())[0])


def round_trip(library: Path, count: int, start: object, end: object) -> None:
    """``undo COUNT`` gives ``start`` back, with nothing skipped; ``redo COUNT`` gives ``end``."""
    said = cli(library, "undo", str(count))
    assert "skipped" not in said, said
    assert state(library) == start
    said = cli(library, "redo", str(count))
    assert "skipped" not in said, said
    assert state(library) == end


# -- the property: a random command sequence, undone, gives the start state back ---------

steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "import-bib",
                "import-listing",
                "add",
                "tag",
                "untag",
                "mark",
                "note",
                "note-append",
                "note-clear",
                "note-editor",
                "edit",
                "edit-key",
                "remove",
                "rekey",
            ]
        ),
        st.integers(min_value=0, max_value=9),
        st.sampled_from(["ml", "nlp", "to-read"]),
    ),
    min_size=1,
    max_size=8,
)


def run_step(library: Path, folder: Path, command: str, pick: int, word: str) -> None:
    """One changing command, through the real entry point, on a paper ``pick`` chooses."""
    keys = sorted(state(library)[0])
    key = keys[pick % len(keys)] if keys else None
    if command == "import-bib":
        cli(library, "import", "-", stdin=BIB_ONE if pick % 2 else BIB_TWO)
    elif command == "import-listing":
        listing = folder / "listing.txt"
        listing.write_text(LISTING, encoding="utf-8")
        cli(library, "import", str(listing), "--tag", word)
    elif command == "add":
        cli(library, "add", "1605.08386", "--tag", word)
    elif command == "rekey":
        cli(library, "rekey", "--force")
    elif key is None:
        return
    elif command == "tag":
        cli(library, "tag", key, word)
    elif command == "untag":
        cli(library, "untag", key, word, "ml")
    elif command == "mark":
        cli(library, "mark", key, ["read", "reading", "unread"][pick % 3])
    elif command == "note":
        cli(library, "note", key, f"note {pick} {word}")
    elif command == "note-append":
        cli(library, "note", key, f"more {word}", "--append")
    elif command == "note-clear":
        cli(library, "note", key, "")
    elif command == "note-editor":
        cli(
            library,
            "note",
            key,
            environ={"EDITOR": NOTE_EDITOR, "VISUAL": "", "SCRIPTED_TEXT": f"edited {word}"},
        )
    elif command in ("edit", "edit-key"):
        replace = [["title = {", f"title = {{{word.upper()} "]]
        if command == "edit-key":
            replace.append([f"{{{key},", f"{{{key}{word.replace('-', '')},"])
        environ = {
            "EDITOR": ENTRY_EDITOR,
            "VISUAL": "",
            "ENTRY_EDITS": json.dumps([{"replace": replace}]),
            "ENTRY_STATE": str(folder / f"editor-{os.urandom(4).hex()}"),
        }
        cli(library, "edit", key, environ=environ)
    else:
        cli(library, "remove", key, "--yes")


@pytest.fixture
def key_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings with a key formula unlike the import's, so that ``rekey`` renames."""
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nformula = "auth.lower + shorttitle(2,2) + year"\n')
    monkeypatch.setenv("READLIST_CONFIG", str(config))
    return config


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_any_command_sequence_undone_gives_the_start_back_and_redone_the_end(
    services: FakeServices, key_settings: Path, sequence: list[tuple[str, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        library = folder / "lib" / "library.json"
        cli(library, "import", "-", stdin=BIB_ONE)
        cli(library, "note", "lee2024sparse", "a note to keep")
        cli(library, "tag", "ng2023dense", "ml")
        start = state(library)
        baseline = undoable(library)
        for step in sequence:
            run_step(library, folder, *step)
        end = state(library)
        count = undoable(library) - baseline
        if count == 0:
            assert end == start
            return
        round_trip(library, count, start, end)


# -- one round trip for each kind of change a random sequence seldom reaches ----------


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    cli(path, "import", "-", stdin=BIB_ONE)
    cli(path, "note", "lee2024sparse", "a note to keep")
    return path


def test_import_of_the_samples_is_undone_and_redone(library: Path) -> None:
    start = state(library)
    cli(library, "import", "--sample")
    end = state(library)
    assert len(end[0]) > len(start[0]) + 50
    round_trip(library, 1, start, end)


def test_an_import_that_replaces_an_abstract_gets_the_old_text_back(library: Path) -> None:
    start = state(library)
    cli(library, "import", "-", stdin=BIB_TWO)
    end = state(library)
    assert end[1]["lee2024sparse"].startswith("A longer")
    cli(library, "doctor", "--fix")  # drops the text no paper names any more
    round_trip(library, 1, start, end)


def test_a_mark_read_and_its_read_at_are_undone(library: Path) -> None:
    start = state(library)
    cli(library, "mark", "lee2024sparse", "read")
    end = state(library)
    assert end[0]["lee2024sparse"]["read_at"] and not start[0]["lee2024sparse"].get("read_at")
    round_trip(library, 1, start, end)


def test_an_edit_that_changes_the_key_is_undone_with_its_alias_and_edited_marks(
    library: Path, tmp_path: Path
) -> None:
    start = state(library)
    environ = {
        "EDITOR": ENTRY_EDITOR,
        "VISUAL": "",
        "ENTRY_EDITS": json.dumps(
            [{"replace": [["{lee2024sparse,", "{sparse,"], ["{Journal of Sparsity}", "{JS}"]]}]
        ),
        "ENTRY_STATE": str(tmp_path / "editor"),
    }
    cli(library, "edit", "lee2024sparse", environ=environ)
    end = state(library)
    assert end[0]["sparse"]["aliases"] == ["lee2024sparse"]
    assert end[0]["sparse"]["edited"] == ["journal"]
    assert end[1]["sparse"] == start[1]["lee2024sparse"]
    round_trip(library, 1, start, end)


def test_a_rekey_is_undone_with_its_aliases(library: Path, key_settings: Path) -> None:
    start = state(library)
    assert "renamed 2 of 2 keys" in cli(library, "rekey", "--force")
    end = state(library)
    assert sorted(end[0]) != sorted(start[0])
    assert all(doc["aliases"] for doc in end[0].values())
    round_trip(library, 1, start, end)


def test_add_enrich_and_fetch_pdf_are_undone(services: FakeServices, library: Path) -> None:
    services.routes["/api/query?search"] = arxiv_search("arxiv_search_au_del_maestro.xml")
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE)
    listing = library.parent / "listing.txt"
    listing.write_text(
        f"CMMar 1, 2006\n{STRIPE}Adrian Del Maestro, Bernd Rosenow et al. · harvard\n"
        "We discuss the effects of quenched disorder.\n",
        encoding="utf-8",
    )
    cli(library, "import", str(listing))
    start = state(library)
    cli(library, "add", "1605.08386", "--tag", "added")
    cli(library, "enrich", "Maestro")
    cli(library, "fetch-pdf", KEY_OF_1605)
    end = state(library)
    enriched = next(doc for doc in end[0].values() if doc["title"] == STRIPE)
    assert enriched["source"]["fields"]["eprint"] == "cond-mat/0603029"
    assert end[0][KEY_OF_1605]["pdf"] == f"papers/{KEY_OF_1605}.pdf"
    round_trip(library, 3, start, end)


def test_a_restore_is_undone_and_the_abstracts_it_dropped_come_back(
    library: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in ("library.json", "library.abstracts.json"):
        (kept / name).write_bytes((library.parent / name).read_bytes())
    cli(library, "import", "-", stdin=BIB_TWO)  # a new abstract for lee2024sparse, a new paper
    start = state(library)
    cli(library, "restore", str(kept / "library.json"))
    end = state(library)
    assert "wu2022graph" not in end[0]
    cli(library, "doctor", "--fix")  # drops the texts only the replaced papers named
    assert len(orjson.loads(abstracts_path(library).read_bytes())["abstracts"]) == 1
    round_trip(library, 1, start, end)


def test_doctor_fix_quarantine_is_journaled_and_undone(library: Path) -> None:
    raw = orjson.loads(library.read_bytes())
    number = next(n for n, doc in raw["papers"].items() if doc["key"] == "lee2024sparse")
    raw["papers"][number]["authors"] = "Ann Lee"  # a hand edit readlist cannot fully read
    library.write_bytes(orjson.dumps(raw))
    start = state(library)
    said = cli(library, "doctor", "--fix")
    assert "moved 1 damaged record" in said
    end = state(library)
    assert "lee2024sparse" not in end[0]
    history = cli(library, "history", "--limit", "1")
    assert "doctor --fix: lee2024sparse removed" in history
    # The damaged record comes back exactly as it was, notes and abstract included.
    round_trip(library, 1, start, end)
    assert quarantine_path(library).exists()  # the quarantine file is only ever added to


@pytest.mark.parametrize("value", [[], ["x"], 5])
def test_a_record_whose_abstract_is_named_by_no_text_is_removed_and_undone(
    library: Path, value: object
) -> None:
    raw = orjson.loads(library.read_bytes())
    next(doc for doc in raw["papers"].values() if doc["key"] == "ng2023dense")["abstract_ref"] = (
        value  # a hand edit: the journal once failed on a list here (unhashable)
    )
    library.write_bytes(orjson.dumps(raw))
    start = state(library)
    assert "removed ng2023dense" in cli(library, "remove", "ng2023dense", "--yes")
    end = state(library)
    round_trip(library, 1, start, end)


def test_resolve_is_undone(library: Path) -> None:
    raw = orjson.loads(library.read_bytes())
    doc = next(doc for doc in raw["papers"].values() if doc["key"] == "ng2023dense")
    doc["conflicts"] = ["notes: both machines changed the same lines"]
    library.write_bytes(orjson.dumps(raw))
    start = state(library)
    cli(library, "resolve", "ng2023dense")
    end = state(library)
    assert not end[0]["ng2023dense"].get("conflicts")
    round_trip(library, 1, start, end)


# -- sync: a merge is undone, and undo never overwrites what a merge brought in -------


@pytest.fixture
def machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Machines A and B, one library synced through a bare repository in a temp folder."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a = tmp_path / "a" / "library.json"
    b = tmp_path / "b" / "library.json"
    cli(a, "import", "-", stdin=BIB_ONE)
    cli(a, "sync", "init", str(remote))
    cli(a, "sync")
    cli(b, "sync", "clone", str(remote))
    return a, b


def test_a_sync_merge_is_undone_and_redone(machines: tuple[Path, Path]) -> None:
    a, b = machines
    cli(b, "tag", "lee2024sparse", "from-b")
    cli(b, "note", "ng2023dense", "B's note")
    cli(b, "import", "-", stdin=BIB_TWO)  # a new abstract for lee2024sparse, a new paper
    cli(b, "sync")
    start = state(a)
    assert "received" in cli(a, "sync")
    end = state(a)
    assert end[0]["ng2023dense"]["notes"] == "B's note"
    assert end[1]["lee2024sparse"] != start[1]["lee2024sparse"]
    cli(a, "doctor", "--fix")  # drops the text no paper names since the merge
    round_trip(a, 1, start, end)


def test_undo_of_a_status_changed_since_on_another_machine_skips_it(
    machines: tuple[Path, Path],
) -> None:
    a, b = machines
    cli(a, "mark", "lee2024sparse", "read")
    cli(a, "sync")
    cli(b, "sync")
    cli(b, "mark", "lee2024sparse", "reading")  # B changes the status A set
    cli(b, "sync")
    cli(a, "tag", "lee2024sparse", "mine")
    # A plain `git commit` and `git pull` on A: the merge driver brings B's later status
    # in, and A's journal never hears of it (as with a file changed by hand).
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    identity |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["commit", "--quiet", "-am", "by hand"], ["pull", "--no-rebase", "--quiet"]):
        done = subprocess.run(
            ["git", "-C", str(a.parent), *command],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **identity},
        )
        assert done.returncode == 0, done.stderr
    merged = state(a)[0]["lee2024sparse"]
    assert merged["status"] == "reading"
    said = cli(a, "undo", "2")
    assert "lee2024sparse: status changed since; left as it is" in said
    after = state(a)[0]["lee2024sparse"]
    assert after["status"] == "reading"  # never clobbered
    assert "mine" not in after.get("tags", [])  # the rest of the commands were undone
