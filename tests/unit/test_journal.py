"""The change journal, undo and redo, on real library files in temp folders."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.errors import KeyLookupError
from readlist.importers import parse_text
from readlist.models import Paper, Status
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.journal import Entry, Journal, PaperChange, journal_path, undo_state

BIB_ONE = """
@article{lee2024sparse, title={Sparse Attention Again}, author={Lee, Ann}, year=2024,
  abstract={A first abstract about sparse attention.}}
@article{ng2023dense, title={Dense Retrieval at Scale}, author={Ng, Bo}, year=2023}
"""
# Updates a paper of BIB_ONE (a better abstract, a DOI) and adds one.
BIB_TWO = """
@article{lee2024sparse, title={Sparse Attention Again}, author={Lee, Ann}, year=2024,
  doi={10.1000/sparse}, abstract={A longer, better abstract about sparse attention.}}
@article{wu2022graph, title={Graph Transformers}, author={Wu, Cy}, year=2022,
  abstract={Graphs meet transformers.}}
"""


def start_papers() -> list[Paper]:
    return [
        Paper(title="Zero Shot Everything", authors=["Ann Lee"], abstract="Zero abstract."),
        Paper(title="One Model", authors=["Bo Ng"], notes="first note"),
        Paper(title="Two Towers", authors=["Cy Wu"], abstract="Two abstract.", tags=["ml"]),
    ]


def state(path: Path) -> tuple[dict[str, object], dict[str, str]]:
    """The records by key, and each named abstract's text: what undo must give back."""
    papers = orjson.loads(path.read_bytes())["papers"]
    records = {doc["key"]: doc for doc in papers.values()}
    texts = orjson.loads(abstracts_path(path).read_bytes())["abstracts"]
    named = {
        doc["key"]: texts[doc["abstract_ref"]] for doc in records.values() if "abstract_ref" in doc
    }
    return records, named


def undoable(library: Library) -> int:
    return len(undo_state(library.history())[0])


# -- the property: any command sequence, undone, gives the start state back -----------

commands = st.lists(
    st.tuples(
        st.sampled_from(["tag", "untag", "mark", "note", "remove", "import", "rekey"]),
        st.integers(min_value=0, max_value=9),
        st.sampled_from(["ml", "nlp", "to-read"]),
    ),
    max_size=8,
)


def run(library: Library, command: str, pick: int, word: str) -> None:
    keys = [paper.key for paper in library.papers()]
    key = keys[pick % len(keys)] if keys else None
    library.command = f"{command} {key} {word}"
    if command == "import":
        bib = BIB_ONE if pick % 2 else BIB_TWO
        library.import_papers(parse_text(bib, source_name="refs.bib").papers)
    elif key is None:
        return
    elif command == "tag":
        library.add_tags([key], [word])
    elif command == "untag":
        library.remove_tags([key], [word, "ml"])
    elif command == "mark":
        library.set_status([key], list(Status)[pick % 3])
    elif command == "rekey":
        with contextlib.suppress(KeyLookupError):  # the new key is taken
            library.rename({key: f"{key}-{word}"})
    elif command == "note":
        library.set_note(key, f"note {pick} {word}", append=pick % 2 == 0)
    else:
        library.remove([key])


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands)
def test_any_sequence_of_commands_undone_gives_the_start_state_back(
    sequence: list[tuple[str, int, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.json"
        library = Library(path)
        library.import_papers(start_papers())
        start = state(path)
        baseline = undoable(library)
        for command in sequence:
            run(library, *command)
        after = state(path)
        count = undoable(library) - baseline
        if count:
            reversal = Library(path).undo(count)
            assert reversal.skipped == []
        assert state(path) == start
        if count:  # and redo replays them all
            assert Library(path).redo(count).skipped == []
            assert state(path) == after


# -- conflicts ---------------------------------------------------------------------


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


def test_a_field_changed_since_is_skipped_not_clobbered(path: Path) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()).added[0]
    library.add_tags([key], ["ml"])
    library.set_status([key], Status.READ)
    # Another writer changes the tags behind the journal's back (a hand edit).
    raw = orjson.loads(path.read_bytes())
    doc = next(d for d in raw["papers"].values() if d["key"] == key)
    doc["tags"] = ["ml", "mine"]
    path.write_bytes(orjson.dumps(raw))
    reversal = Library(path).undo(2)
    assert reversal.skipped == [f"{key}: tags changed since; left as it is"]
    paper = Library(path).get(key)
    assert paper.tags == ["ml", "mine"]  # not clobbered
    assert paper.status is Status.UNREAD  # the rest was undone


def test_undo_of_an_added_paper_changed_since_keeps_it(path: Path) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()[:1]).added[0]
    raw = orjson.loads(path.read_bytes())
    next(iter(raw["papers"].values()))["notes"] = "written by hand"
    path.write_bytes(orjson.dumps(raw))
    reversal = Library(path).undo()
    assert reversal.skipped == [f"{key}: not removed, notes changed since"]
    assert Library(path).get(key).notes == "written by hand"


def test_undo_of_a_remove_brings_back_notes_and_abstract_even_after_the_text_was_dropped(
    path: Path,
) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()).added[0]
    library.set_note(key, "my note")
    library.remove([key])
    # An import with new texts makes the abstracts file drop the removed paper's text.
    library.import_papers([Paper(title="Fresh", authors=["Di Xu"], abstract="New text.")])
    texts = orjson.loads(abstracts_path(path).read_bytes())["abstracts"]
    assert "Zero abstract." not in texts.values()
    library.undo(2)
    paper = Library(path).get(key)
    assert (paper.notes, paper.abstract) == ("my note", "Zero abstract.")


def test_a_new_change_clears_redo_and_undo_redo_are_journaled(path: Path) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()).added[0]
    library.command = "tag it"
    library.add_tags([key], ["a"])
    library.command = "undo"
    assert [e.command for e in library.undo().entries] == ["tag it"]
    library.command = "mark"
    library.set_status([key], Status.READ)
    assert library.redo().entries == []
    commands = [entry.command for entry in library.history(key)]
    assert commands[-3:] == ["tag it", "undo", "mark"]
    assert library.history()[-2].undoes == (library.history()[-3].id,)


def test_an_entry_records_machine_time_command_and_fields(path: Path) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()).added[1]
    library.command = f"note {key} x"
    library.set_note(key, "second note")
    entry = library.history()[-1]
    assert entry.command == f"note {key} x" and entry.machine == os.uname().nodename
    assert abs(datetime.fromisoformat(entry.time) - datetime.now(UTC)) < timedelta(minutes=1)
    (change,) = entry.changes
    assert change.fields[0] == "notes" and set(change.fields) <= {"notes", "updated"}
    assert change.before is not None and change.before["notes"] == "first note"
    assert change.after is not None and change.after["notes"] == "second note"


# -- the file ------------------------------------------------------------------------


def test_a_torn_last_line_is_ignored_and_the_next_append_starts_afresh(path: Path) -> None:
    library = Library(path)
    key = library.import_papers(start_papers()).added[0]
    journal = journal_path(path)
    whole = journal.read_bytes()
    with journal.open("ab") as file:
        file.write(whole[: len(whole) * 2 // 3])  # killed mid-append: the header is whole
    assert len(Library(path).history()) == 1
    with journal.open("ab") as file:
        file.write(b'\n{"id": "torn", "time": "2026-')  # and one torn in its header
    assert len(Library(path).history()) == 1
    library.add_tags([key], ["after"])
    entries = Library(path).history()
    assert len(entries) == 2
    assert (entries[-1].changes[0].after or {}).get("tags") == ["after"]
    assert journal.read_bytes().count(b"\n") == 4  # the torn pieces ended by a newline
    assert Library(path).undo().skipped == []
    assert Library(path).get(key).tags == []


def test_compaction_drops_entries_older_than_the_horizon_atomically(path: Path) -> None:
    library = Library(path, history_days=lambda: 30)
    key = library.import_papers(start_papers()).added[0]
    journal = Journal(journal_path(path), lambda: 30)
    change = PaperChange(key, ("tags",), {"tags": []}, {"tags": ["x"]})
    old = Entry("old", "2020-01-01T00:00:00Z", "elsewhere", "old tag", [change])
    journal_path(path).write_bytes(old.to_line() + journal_path(path).read_bytes())
    yesterday = (datetime.now() - timedelta(days=1)).timestamp()
    os.utime(journal_path(path), (yesterday, yesterday))
    assert next(e.command for e in journal.entries()) == "old tag"
    library.add_tags([key], ["today"])  # the first save of the day compacts
    assert "old tag" not in [e.command for e in journal.entries()]
    assert len(journal.entries()) == 2


def test_a_long_command_is_cut_and_undecodable_bytes_are_escaped() -> None:
    entry = Entry.new("add " + "2401.00001 " * 100, [])
    assert len(entry.command) == 300 and entry.command.endswith("…")
    assert Entry.new("import refs\udcff.bib", []).command == "import refs\\xff.bib"
    assert Entry.from_line(entry.to_line().rstrip(b"\n")).command == entry.command
