"""One paper's history from the journal: every key it has had, on real library files."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import readlist.store.paper_history
from readlist.errors import KeyLookupError
from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.journal import Entry, PaperChange
from readlist.store.paper_history import PaperEvent


def library_of(path: Path, *titles: str) -> tuple[Library, list[str]]:
    library = Library(path)
    library.command = "import"
    keys = library.import_papers([Paper(title=t, authors=["Ann Lee"]) for t in titles]).added
    return library, keys


def commands(events: list[PaperEvent]) -> list[str]:
    return [event.entry.command for event in events]


def test_history_follows_a_paper_through_two_renames_by_any_of_its_keys(tmp_path: Path) -> None:
    library, (first, other) = library_of(tmp_path / "library.json", "Sparse", "Dense")
    library.command = "tag first"
    library.add_tags([first], ["ml"])
    library.command = "tag other"
    library.add_tags([other], ["ml"])
    library.command = "rename 1"
    library.rename({first: "second"})
    library.command = "rename 2"
    library.rename({"second": "third"})
    library.command = "mark third"
    library.set_status(["third"], Status.READ)
    expected = ["mark third", "rename 2", "rename 1", "tag first", "import"]
    fresh = Library(tmp_path / "library.json")
    for name in (first, "second", "third"):
        events = fresh.paper_history(name)
        assert commands(events) == expected, name
        assert all(c.key in {first, "second", "third"} for e in events for c in e.changes)
    assert [e.command for e in fresh.history("third")] == list(reversed(expected))
    # The import changed both papers; the event holds only this one's change.
    assert [c.key for c in fresh.paper_history("third")[-1].changes] == [first]
    assert commands(fresh.paper_history(other)) == ["tag other", "import"]


def test_a_removed_paper_keeps_its_history_and_an_unknown_key_has_none(tmp_path: Path) -> None:
    library, (key, _) = library_of(tmp_path / "library.json", "Sparse", "Dense")
    library.command = "note"
    library.set_note(key, "a note")
    library.command = "remove"
    library.remove([key])
    events = Library(tmp_path / "library.json").paper_history(key)
    assert commands(events) == ["remove", "note", "import"]
    assert events[0].changes[0].after is None
    assert Library(tmp_path / "library.json").paper_history("nobody") == []


def naive_history(entries: list[Entry], names: set[str]) -> list[tuple[str, list[PaperChange]]]:
    """The same walk with every entry decoded whole: what the byte search must not change."""
    found = []
    for entry in reversed(entries):
        changes = [c for c in entry.changes if c.key in names or c.key_before in names]
        if changes:
            found.append((entry.id, changes))
            names |= {name for c in changes for name in (c.key, c.key_before)}
    return found


# Keys as JSON must escape them: quotes, backslashes, controls, non-ASCII.
key_text = st.text(alphabet='ab"\\é\x01/ ', min_size=1, max_size=6)
steps = st.lists(
    st.tuples(st.sampled_from(["tag", "rename", "remove", "undo"]), st.integers(0, 2), key_text),
    max_size=10,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_the_byte_search_finds_what_decoding_every_entry_finds(
    steps: list[tuple[str, int, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.json"
        library, keys = library_of(path, "Sparse", "Dense", "Graph")
        for n, (kind, which, text) in enumerate(steps):
            present = [p.key for p in library.papers()]
            if not present:
                break
            key = present[which % len(present)]
            library.command = f"{kind} {n}"
            if kind == "tag":
                library.add_tags([key], [f"t{n}"])
            elif kind == "rename":
                with contextlib.suppress(KeyLookupError):  # taken: a key or an alias
                    library.rename({key: text})
            elif kind == "remove":
                library.remove([key])
            elif kind == "undo":
                library.undo()
        fresh = Library(path)
        now = {p.key for p in fresh.papers()}
        for name in {*keys, *(text for _, _, text in steps)}:
            current = name if name in now else fresh.alias_of(name)
            names = {name}
            if current is not None:
                names |= {current, *fresh.get(current).aliases}
            got = [(event.entry.id, list(event.changes)) for event in fresh.paper_history(name)]
            assert got == naive_history(fresh.journal.entries(), names)  # type: ignore[union-attr]


@pytest.mark.parametrize("most_mentions", [64, 1])
def test_the_key_as_another_papers_tag_or_abstract_is_not_its_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, most_mentions: int
) -> None:
    monkeypatch.setattr(readlist.store.paper_history, "MOST_MENTIONS", most_mentions)
    library = Library(tmp_path / "library.json")
    library.command = "import"
    (key,) = library.import_papers([Paper(title="Sparse", authors=["Ann Lee"])]).added
    library.command = "import more"
    others = library.import_papers(
        [Paper(title=f"Other {n}", authors=["Bo Ng"], abstract=key, tags=[key]) for n in range(3)]
    ).added
    library.command = "remove all"
    library.remove([*others, key])  # the entry keeps the abstracts: the key as a text
    events = Library(tmp_path / "library.json").paper_history(key)
    assert commands(events) == ["remove all", "import"]
    assert [[c.key for c in e.changes] for e in events] == [[key], [key]]
    removal = Library(tmp_path / "library.json").history()[-1]
    assert key in removal.texts.values()  # the abstract text is there, and was skipped


def test_an_alias_that_was_another_papers_key_brings_that_history_along(tmp_path: Path) -> None:
    # As a sync merge does with the same paper added on two machines under two keys.
    library, (kept, merged) = library_of(tmp_path / "library.json", "Sparse", "Sparse Too")
    library.command = "tag merged"
    library.add_tags([merged], ["ml"])
    library.command = "remove merged"
    library.remove([merged])
    library.command = "alias"
    library.rename({kept: f"{kept}-new"}, also={kept: [merged]})
    fresh = Library(tmp_path / "library.json")
    assert fresh.alias_of(merged) == f"{kept}-new"
    events = fresh.paper_history(f"{kept}-new")
    assert commands(events) == ["alias", "remove merged", "tag merged", "import"]
    assert {c.key for c in events[-1].changes} == {kept, merged}
    assert commands(fresh.paper_history(merged)) == commands(events)
