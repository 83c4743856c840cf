"""Several processes changing different papers of one library at once: no change is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.check import Severity, check_library

ROOT = Path(__file__).resolve().parents[2]
PAPERS = 8
ROUNDS = 25


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "lib" / "library.json"
    papers = [
        Paper(title=f"Paper {n}: Concurrent Saves", authors=["Zoë Müller"], abstract="w " * 200)
        for n in range(PAPERS)
    ]
    keys = Library(path).import_papers(papers).added
    assert len(keys) == PAPERS
    return path, keys


def cli(path: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readlist", "--library", str(path), *args],
        capture_output=True, text=True, env=env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, (args, result.stderr)


@pytest.mark.slow
def test_cli_commands_on_different_papers_at_once_all_land(
    library: tuple[Path, list[str]],
) -> None:
    path, keys = library

    def session(n: int) -> None:
        key = keys[n]
        cli(path, "tag", key, f"tag-{n}")
        cli(path, "mark", key, "reading")
        cli(path, "note", key, f"note from process {n}")
        cli(path, "tag", key, "shared", f"second-{n}")
        cli(path, "mark", key, "read" if n % 2 else "unread")

    with ThreadPoolExecutor(max_workers=PAPERS) as pool:
        list(pool.map(session, range(PAPERS)))
    final = Library(path)
    for n, key in enumerate(keys):
        paper = final.get(key)
        assert paper.tags == sorted([f"tag-{n}", "shared", f"second-{n}"])
        assert paper.notes == f"note from process {n}"
        assert paper.status is (Status.READ if n % 2 else Status.UNREAD)
        assert (paper.read_at is not None) == (n % 2 == 1)
    assert not [f for f in check_library(path) if f.severity is Severity.ERROR]
    assert not [f for f in check_library(path) if f.code == "leftover-temp"]


# Each worker makes ROUNDS changes to its own paper through the library API.
WORKER = """
import sys
from readlist.store.backup import daily_backup
from readlist.store import Library
path, key, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
library = Library(path, before_first_write=daily_backup)
for r in range(int(sys.argv[4])):
    library.add_tags([key], [f"w{n}-r{r}"])
    library.set_note(key, f"worker {n} round {r}", append=True)
"""


@pytest.mark.slow
def test_many_quick_changes_from_several_processes_all_land(
    library: tuple[Path, list[str]],
) -> None:
    path, keys = library
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), keys[n], str(n), str(ROUNDS)], env=env()
        )
        for n in range(4)
    ]
    # Meanwhile this process keeps changing another paper too.
    mine = Library(path)
    for r in range(ROUNDS):
        mine.add_tags([keys[7]], [f"main-r{r}"])
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0, 0]
    final = Library(path)
    for n in range(4):
        paper = final.get(keys[n])
        assert paper.tags == sorted(f"w{n}-r{r}" for r in range(ROUNDS))
        assert paper.notes.split("\n\n") == [f"worker {n} round {r}" for r in range(ROUNDS)]
    assert final.get(keys[7]).tags == sorted(f"main-r{r}" for r in range(ROUNDS))
    assert len(final) == PAPERS


@pytest.mark.slow
def test_a_tui_and_cli_commands_changing_different_papers_at_once(
    library: tuple[Path, list[str]],
) -> None:
    pytest.importorskip("readlist.tui.app", reason="the TUI has not landed")
    path, keys = library
    driver = Path(__file__).with_name("tui_driver.py")
    tui = subprocess.Popen(
        [sys.executable, str(driver), "tags", str(path), keys[0], "6"], env=env()
    )

    def session(n: int) -> None:
        for r in range(3):
            cli(path, "tag", keys[n], f"cli-{n}-{r}")
        cli(path, "mark", keys[n], "reading")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(session, range(1, 5)))
    assert tui.wait(timeout=120) == 0
    final = Library(path)
    assert final.get(keys[0]).tags == sorted(f"tui-{n}" for n in range(6))
    for n in range(1, 5):
        paper = final.get(keys[n])
        assert paper.tags == sorted(f"cli-{n}-{r}" for r in range(3))
        assert paper.status is Status.READING


@pytest.mark.slow
def test_a_tag_added_in_the_tui_and_tags_removed_by_the_cli_at_once_all_land(
    library: tuple[Path, list[str]],
) -> None:
    pytest.importorskip("readlist.tui.app", reason="the TUI has not landed")
    path, keys = library
    key = keys[0]
    old = [f"old-{n}" for n in range(4)]
    Library(path).add_tags([key], old)
    driver = Path(__file__).with_name("tui_driver.py")
    tui = subprocess.Popen([sys.executable, str(driver), "tags", str(path), key, "4"], env=env())

    def remover() -> None:
        for tag in old:
            cli(path, "untag", key, tag)

    def adder() -> None:
        for n in range(4):
            cli(path, "tag", key, f"cli-{n}")
        cli(path, "mark", key, "reading")

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(remover), pool.submit(adder)]:
            future.result()
    assert tui.wait(timeout=120) == 0
    paper = Library(path).get(key)
    assert paper.tags == sorted([*(f"tui-{n}" for n in range(4)), *(f"cli-{n}" for n in range(4))])
    assert paper.status is Status.READING
