"""Two writers interleaved, one of them killed: every acknowledged change survives.

Unlike ``test_concurrency.py`` (writers on different papers) and ``test_crash_safety.py``
(one writer, killed), these put two real writers on the same papers at once.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.check import Severity, check_library
from tests.faults.test_crash_safety import COUNTER_KEY, last_acknowledged

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10
KILLS = 30

# Saves the counter paper's note again and again, logging each counter once saved. It
# pauses a moment between saves, as a person would: a writer that takes the lock back
# the instant it lets go starves every other process (see the lock's polling).
STEADY_WRITER = """
import os, sys, time
from readlist.store import Library
library_path, log_path, key = sys.argv[1:4]
library = Library(library_path)
counter = int(library.get(key).notes.split()[0].removeprefix("counter="))
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
print("ready", flush=True)
while True:
    counter += 1
    library.set_note(key, f"counter={counter} " + "x" * (counter * 37 % 3000))
    os.write(log, f"{counter}\\n".encode())
    time.sleep(0.02)
"""


def run(command: list[str], path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "--library", str(path), *args],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
        timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_two_processes_tagging_and_untagging_the_same_papers_keep_every_change(
    readlist_command: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "lib" / "library.json"
    papers = [Paper(title=f"Shared Paper {n}", authors=["Ann Lee"]) for n in range(3)]
    keys = Library(path).import_papers(papers).added
    expected: dict[str, dict[str, set[str]]] = {}
    failures: list[str] = []

    def worker(family: str) -> None:
        """Adds ``family-r`` to every paper and removes ``family-(r-2)``, round after round."""
        mine = expected[family] = {key: set() for key in keys}
        for r in range(ROUNDS):
            for key in keys:
                changes = [("tag", f"{family}-{r}")]
                if r >= 2:
                    changes.append(("untag", f"{family}-{r - 2}"))
                for command, tag in changes:
                    result = run(readlist_command, path, command, key, tag)
                    if result.returncode != 0:
                        failures.append(f"{command} {key} {tag}: {result.stderr}")
                        return
                    if command == "tag":
                        mine[key].add(tag)
                    else:
                        mine[key].discard(tag)
                    # The command prints the paper's tags as saved: this process's are all there.
                    shown = set(result.stdout.split(": ", 1)[1].split())
                    ours = {t for t in shown if t.startswith(f"{family}-")}
                    if ours != mine[key]:
                        failures.append(f"after {command} {key} {tag}: {ours} != {mine[key]}")

    threads = [threading.Thread(target=worker, args=(family,)) for family in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert failures == []
    final = Library(path)
    for key in keys:
        assert set(final.get(key).tags) == expected["alpha"][key] | expected["beta"][key]
        assert len(final.get(key).tags) == 4  # two of each family were left on every paper
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]


def listing(n: int) -> str:
    """A listing with one new paper (and its abstract) for import number ``n``."""
    return (
        "CLJun 13, 2023\n"
        f"Interrupted Import Number {n} for Robust LearningBo Chen, Mei Wu · berkeley\n"
        f"Abstract of interrupted import {n}: " + "words " * 150 + "\n"
    )


@pytest.mark.slow
def test_sigkill_of_a_cli_writer_while_another_process_writes_loses_nothing_acknowledged(
    readlist_command: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "lib" / "library.json"
    counter = Paper(title="The Counter", key=COUNTER_KEY, authors=["Ann Lee"], notes="counter=0")
    target = Paper(title="Tagged And Noted Paper", key="target2026paper", authors=["Bo Chen"])
    Library(path).import_papers([counter, target])
    log = tmp_path / "acknowledged.log"
    steady = subprocess.Popen(
        [sys.executable, "-c", STEADY_WRITER, str(path), str(log), COUNTER_KEY],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert steady.stdout is not None
    assert steady.stdout.readline() == b"ready\n"
    rng = random.Random(20261204)
    acknowledged: list[tuple[str, int]] = []  # (what, n) of CLI commands that exited 0
    killed = 0
    # Every other command runs to the end, and how long it took is remembered; the
    # others are killed at a random moment within that time, so the kills land in the
    # middle of commands however loaded the machine is.
    took: dict[str, float] = {}
    try:
        for n in range(KILLS):
            kind = ("import", "tag", "note")[n % 3]
            if kind == "import":
                source = tmp_path / f"import-{n}.txt"
                source.write_text(listing(n), encoding="utf-8")
                args = ["import", str(source)]
            elif kind == "tag":
                args = ["tag", "target2026paper", f"kill-{n}"]
            else:
                args = ["note", "target2026paper", f"line {n}", "--append"]
            kill = n % 2 == 1 and kind in took
            started = time.monotonic()
            writer = subprocess.Popen(
                [*readlist_command, "--library", str(path), *args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                writer.wait(timeout=rng.uniform(0.0, 1.0) * took[kind] if kill else 120)
            except subprocess.TimeoutExpired:
                writer.send_signal(signal.SIGKILL)
                writer.wait()
            if not kill:
                took[kind] = time.monotonic() - started
            assert writer.stderr is not None
            error = writer.stderr.read()
            writer.stderr.close()
            if writer.returncode == 0:
                acknowledged.append((kind, n))
            else:
                assert kill and writer.returncode == -signal.SIGKILL, (args, error)
                killed += 1
            steady_acknowledged = last_acknowledged(log)
            library = Library(path)  # it loads, whatever the kill interrupted
            paper = library.get("target2026paper")
            by_title = {p.title: p for p in library.papers()}
            for what, m in acknowledged:
                if what == "tag":
                    assert f"kill-{m}" in paper.tags
                elif what == "note":
                    assert f"line {m}" in paper.notes.split("\n\n")
                else:
                    found = by_title[f"Interrupted Import Number {m} for Robust Learning"]
                    assert found.abstract.startswith(f"Abstract of interrupted import {m}: ")
            notes = library.get(COUNTER_KEY).notes
            assert int(notes.split()[0].removeprefix("counter=")) >= steady_acknowledged
            errors = [f for f in check_library(path) if f.severity is Severity.ERROR]
            assert errors == []
    finally:
        steady.send_signal(signal.SIGKILL)
        steady.wait()
    final = Library(path)
    notes = final.get(COUNTER_KEY).notes
    assert int(notes.split()[0].removeprefix("counter=")) >= last_acknowledged(log)
    # The kills really landed among saves, and the steady writer kept saving meanwhile.
    assert killed >= 3 and len(acknowledged) >= KILLS // 2, (killed, len(acknowledged))
    assert last_acknowledged(log) > KILLS
