"""SIGKILL a process that is saving the library, again and again: the file must always load
and hold a state that was completely written — the last one acknowledged, or the next."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.backup import list_backups
from readlist.store.check import Severity, check_library
from readlist.store.repair import fix_library
from readlist.store.restore import inspect_backup

ROOT = Path(__file__).resolve().parents[2]
KILLS = 60
COUNTER_KEY = "counter2026paper"

# Saves in a loop; appends each counter to the log only after the save returned.
# Before its first save every writer takes a backup snapshot, so kills also land
# in the middle of backup copies.
WRITER = """
import os, sys
from readlist.store.backup import snapshot
from readlist.store import Library
library_path, log_path, key = sys.argv[1:4]
library = Library(library_path, before_first_write=snapshot)
counter = int(library.get(key).notes.split()[0].removeprefix("counter="))
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
os.write(log, f"{counter}\\n".encode())  # read back from disk: acknowledged
print("ready", flush=True)
while True:
    counter += 1
    # Notes of varying length, so consecutive files differ in size too.
    library.set_note(key, f"counter={counter} " + "x" * (counter * 37 % 5000))
    os.write(log, f"{counter}\\n".encode())
"""


# Imports in a loop: each one refreshes the counter paper's abstract and adds a
# paper, so every save writes the abstracts file and then the records file.
IMPORT_WRITER = """
import os, sys
from readlist.models import Paper
from readlist.store import Library
library_path, log_path, key = sys.argv[1:4]
library = Library(library_path)
counter = int(library.get(key).abstract.split()[0].removeprefix("counter="))
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
os.write(log, f"{counter}\\n".encode())
print("ready", flush=True)
while True:
    counter += 1
    library.import_papers([
        Paper(title="The Counter", authors=["Ann Lee"],
              abstract=f"counter={counter} " + "y" * (counter * 53 % 3000)),
        Paper(title=f"Added In Import {counter}", authors=["Bo Chen"],
              abstract=f"added {counter} " + "z" * 800),
    ])
    os.write(log, f"{counter}\\n".encode())
"""


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def last_acknowledged(log: Path) -> int:
    lines = log.read_bytes().split(b"\n")
    complete = [line for line in lines[:-1] if line]  # a torn last line was never acknowledged
    return int(complete[-1]) if complete else 0


def filler(n: int) -> Paper:
    return Paper(
        title=f"Filler Paper Number {n} on Sparse Attention",
        authors=["Zoë Müller", "Łukasz Kowalski"],
        abstract="word " * 200,
    )


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    counter = Paper(title="The Counter", key=COUNTER_KEY, authors=["Ann Lee"], notes="counter=0")
    Library(path).import_papers([counter, *(filler(n) for n in range(300))])
    assert Library(path).get(COUNTER_KEY).notes == "counter=0"
    return path


def assert_intact(path: Path, acknowledged: int) -> int:
    """The library loads, holds the acknowledged counter or the next; returns it."""
    library = Library(path)
    notes = library.get(COUNTER_KEY).notes
    counter = int(notes.split()[0].removeprefix("counter="))
    assert counter in (acknowledged, acknowledged + 1), (counter, acknowledged)
    assert len(library) == 301
    errors = [f for f in check_library(path) if f.severity is Severity.ERROR]
    assert errors == []
    return counter


def start_and_kill(script: str, library: Path, log: Path, after: float) -> None:
    """Run a writer ``script``, let it save for ``after`` seconds once ready, SIGKILL it."""
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(library), str(log), COUNTER_KEY],
        stdout=subprocess.PIPE,
        env=env(),
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == b"ready\n"
    time.sleep(after)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL  # it was still saving when killed


@pytest.mark.slow
def test_sigkill_during_saves_never_loses_or_tears_the_library(
    library: Path, tmp_path: Path
) -> None:
    rng = random.Random(20261125)
    log = tmp_path / "acknowledged.log"
    log.write_bytes(b"0\n")
    progress = []
    for _ in range(KILLS):
        start_and_kill(WRITER, library, log, rng.uniform(0.0, 0.12))
        progress.append(assert_intact(library, last_acknowledged(log)))
        for backup in list_backups(library):
            inspect_backup(backup.path)  # a backup is complete or absent, never torn
    # The writers made progress, so the kills really landed among saves.
    assert progress[-1] > KILLS
    # Whatever temp files the kills left behind, doctor --fix cleans them up.
    fix_library(library)
    assert not [f for f in check_library(library) if f.code == "leftover-temp"]
    assert_intact(library, last_acknowledged(log))


IMPORT_KILLS = 50
#: The counter paper's abstract before any import writer has saved.
FIRST_COUNTER_ABSTRACT = "counter=0"


def import_writer_abstract(counter: int) -> str:
    """The counter paper's abstract once the import writer saved ``counter`` (0: the setup's)."""
    if counter == 0:  # no writer's import ended yet: the text the test itself imported
        return FIRST_COUNTER_ABSTRACT
    return f"counter={counter} " + "y" * (counter * 53 % 3000)


@pytest.mark.slow
def test_sigkill_during_imports_keeps_records_and_abstracts_in_step(
    library: Path, tmp_path: Path
) -> None:
    Library(library).import_papers(
        [Paper(title="The Counter", authors=["Ann Lee"], abstract=FIRST_COUNTER_ABSTRACT)]
    )
    rng = random.Random(1125)
    log = tmp_path / "imports.log"
    counts = []
    for _ in range(IMPORT_KILLS):
        start_and_kill(IMPORT_WRITER, library, log, rng.uniform(0.0, 0.15))
        acknowledged = last_acknowledged(log)
        reopened = Library(library)
        abstract = reopened.get(COUNTER_KEY).abstract
        counter = int(abstract.split()[0].removeprefix("counter="))
        assert counter in (acknowledged, acknowledged + 1), (counter, acknowledged)
        assert abstract == import_writer_abstract(counter)
        # One import is one save: the abstract and the added papers move together.
        added = [p for p in reopened.papers() if p.title.startswith("Added In Import")]
        assert len(added) == counter
        assert all(p.abstract == f"added {p.title.split()[-1]} " + "z" * 800 for p in added)
        errors = [f for f in check_library(library) if f.severity is Severity.ERROR]
        assert errors == []
        counts.append(counter)
    assert counts[-1] > IMPORT_KILLS // 2  # kills landed among saves, and saves went on


TUI_KILLS = 10


@pytest.mark.slow
def test_sigkill_of_the_tui_while_it_saves_never_loses_or_tears_the_library(
    library: Path, tmp_path: Path
) -> None:
    pytest.importorskip("readlist.tui.app", reason="the TUI has not landed")
    from tests.faults.tui_driver import operations_on_disk

    driver = Path(__file__).with_name("tui_driver.py")
    rng = random.Random(7)
    log = tmp_path / "tui-acknowledged.log"
    for _ in range(TUI_KILLS):
        tui = subprocess.Popen(
            [sys.executable, str(driver), "cycle", str(library), COUNTER_KEY, str(log)],
            stdout=subprocess.PIPE,
            env=env(),
        )
        assert tui.stdout is not None
        assert tui.stdout.readline() == b"ready\n", "the headless TUI did not start"
        # On a loaded machine one operation can take longer than the whole random wait:
        # let the TUI finish one first, so every run makes progress, then kill it at a
        # random moment among the next saves.
        started = last_acknowledged(log)
        deadline = time.monotonic() + 60
        while last_acknowledged(log) == started and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.2))
        tui.send_signal(signal.SIGKILL)
        tui.wait()
        assert tui.returncode == -signal.SIGKILL
        acknowledged = last_acknowledged(log)
        on_disk = operations_on_disk(Library(library).get(COUNTER_KEY))
        assert on_disk in (acknowledged, acknowledged + 1), (on_disk, acknowledged)
        assert len(Library(library)) == 301
        assert not [f for f in check_library(library) if f.severity is Severity.ERROR]
    assert last_acknowledged(log) >= TUI_KILLS  # the TUI really was changing things
