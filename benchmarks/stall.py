"""The longest event-loop stall of the TUI on 10,000 and 50,000 papers (issue 11).

    python benchmarks/stall.py [--sizes 10000,50000] [--repeat 3] [--write] [--profile]

For each size a library is imported from ``benchmarks/generate.py``'s listing by
the ``readlist`` CLI, then a fresh child process runs the app headless (the app
factory, Pilot, 160×48). A heartbeat timer on the app (every 5 ms) records the
longest gap between two beats while: a status key is pressed and saved; a tag is
added through the tag prompt and saved; another process (the CLI) tags a paper
and the app reloads it; a 6-character query is typed. A gap above 5 ms is how
long the loop could not run: the stall. Each size runs ``--repeat`` fresh app
processes on the same library; the table gives the median and the range.
``--write`` puts the table between the
stall markers of ``docs/performance.md``; ``--profile`` prints, per step, the
stacks the loop was in during the longest gaps (a sampling thread).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_listing  # noqa: E402
from run import child_env, machine, readlist_command, timed, write_doc  # noqa: E402

START, END = "<!-- stall:start -->", "<!-- stall:end -->"
BEAT = 0.005
TARGET = 0.050
QUERY = "attent"
#: How long after a step is done the heartbeat keeps watching (late redraws, gc).
TAIL = 0.3
STEPS = ("status key", "tag", "reload after a CLI change", "typing a 6-char query")


@dataclass
class Heart:
    """Beats every :data:`BEAT` seconds on the event loop; the longest gap since ``reset``."""

    last: float = field(default_factory=time.perf_counter)
    longest: float = 0.0
    beats: int = 0

    def beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.beats += 1

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.beats = 0


class LoopSampler:
    """Samples the event loop thread's stack (``--profile``): where it was during stalls."""

    def __init__(self, heart: Heart) -> None:
        self.heart = heart
        self.loop_thread = threading.get_ident()
        self.stacks: Counter[str] = Counter()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            time.sleep(0.002)
            # Only when the loop has missed beats: a stall in progress.
            if time.perf_counter() - self.heart.last > 2 * BEAT:
                frames = sys._current_frames()
                for thread in threading.enumerate():
                    if thread.ident == self.loop_thread:
                        name = "loop"
                    elif thread.name.startswith("readlist-library"):
                        name = "library"
                    else:
                        continue
                    frame = frames.get(thread.ident or 0)
                    if frame is not None:
                        stack = traceback.extract_stack(frame)[-6:]
                        where = " < ".join(f"{f.name}:{f.lineno}" for f in reversed(stack))
                        self.stacks[f"{name}: {where}"] += 1

    def take(self) -> list[tuple[str, int]]:
        top = self.stacks.most_common(8)
        self.stacks.clear()
        return top


async def measure_app(library: str, profile: bool) -> dict[str, Any]:
    """Run the app on ``library``; the longest gap (seconds) during each step."""
    from textual.widgets import Input

    from readlist.store import Library
    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_table import PaperTable

    app = ReadlistApp(Library(library))
    results: dict[str, Any] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        # All rows, not the first page of a large library (see LibrarySession.first_rows).
        while not (
            app.session.snapshot.loaded
            and app.screen.query(PaperTable)
            and len(app.screen.query_one(PaperTable).papers) == len(app.session.snapshot)
        ):
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        # The search index is built on the library thread after all rows are shown: a job
        # queued behind it ends after it (measuring while it ran timed the index instead).
        await app.session.submit(lambda _: None)
        await pilot.pause(0.5)
        table = app.screen.query_one(PaperTable)
        heart = Heart()
        app.set_interval(BEAT, heart.beat)
        sampler = LoopSampler(heart) if profile else None
        await pilot.pause(0.2)

        async def quiet() -> None:
            await app.workers.wait_for_complete()
            await pilot.pause(TAIL)

        def record(step: str) -> None:
            results[step] = heart.longest
            if sampler is not None:
                results[f"{step} stacks"] = sampler.take()

        # A status key: queued, saved on the library thread, rows redrawn.
        key = table.highlighted.key if table.highlighted else ""
        before = app.session.snapshot.papers[key].status
        heart.reset()
        await pilot.press("r")
        await quiet()
        record(STEPS[0])
        assert app.session.snapshot.papers[key].status is before.next(), "status not saved"

        # A tag new to the paper (each run of the app on this library adds its own), by the prompt.
        tag = f"stall{time.time_ns() % 10**9}"
        heart.reset()
        await pilot.press("t")
        await pilot.pause(0.05)
        await pilot.press(*tag, "enter")
        await quiet()
        record(STEPS[1])
        assert tag in app.session.snapshot.papers[key].tags, "tag not saved"

        # Another process tags a paper; the app's poll (1 s) reloads it.
        other = table.papers[1].key
        heart.reset()
        command = [*readlist_command(), "--library", library, "tag", other, f"cli-{tag}"]
        # Started from a helper thread: forking this (large) process is not the app's doing.
        await asyncio.to_thread(subprocess.run, command, capture_output=True, check=True)
        deadline = time.perf_counter() + 30
        while f"cli-{tag}" not in app.session.snapshot.papers[other].tags:
            if time.perf_counter() > deadline:
                raise SystemExit("the CLI change never showed up")
            await pilot.pause(0.01)
        await quiet()
        record(STEPS[2])

        # Typing a query, then waiting for its rows.
        await pilot.press("slash")
        await pilot.pause(0.1)
        assert isinstance(app.focused, Input)
        heart.reset()
        await pilot.press(*QUERY)
        await quiet()
        record(STEPS[3])
        results["query rows"] = len(table.papers)
        if sampler is not None:
            sampler.running = False
    return results


def child_main(library: str, profile: bool) -> int:
    results = asyncio.run(measure_app(library, profile))
    sys.stdout.write(json.dumps(results) + "\n")
    return 0


def measure(size: int, work: Path, profile: bool, repeat: int) -> list[dict[str, Any]]:
    env = child_env(work / "home")
    listing = write_listing(work / f"listing-{size}.txt", size)
    library = work / f"library-{size}.json"
    _, _, code, err = timed(
        [*readlist_command(), "--library", str(library), "import", str(listing)], env
    )
    if code:
        raise SystemExit(f"import failed: {err}")
    # The search index, as any search leaves it (else the first app run builds it).
    _, _, code, err = timed([*readlist_command(), "--library", str(library), "list", QUERY], env)
    if code:
        raise SystemExit(f"search failed: {err}")
    command = [sys.executable, __file__, "--child", str(library)]
    if profile:
        command.append("--profile")
    runs = []
    for n in range(repeat):
        # A state file per run: each run types a query, which the next would open on.
        fresh_state = dict(env, READLIST_STATE=str(work / f"tui-state-{n}.json"))
        done = subprocess.run(command, env=fresh_state, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"child failed: {done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def cell(runs: list[dict[str, Any]], step: str) -> str:
    values = sorted(run[step] for run in runs)
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(values[0])}–{fmt(values[-1])})"


def table(by_size: dict[int, list[dict[str, Any]]], note: str) -> str:
    sizes = sorted(by_size)
    head = "| longest stall during | " + " | ".join(f"{n:,} papers" for n in sizes) + " | met? |"
    runs = len(by_size[sizes[0]])
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}{note}; "
        f"median (range) of {runs} app runs per size.",
        "",
        head,
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    for step in STEPS:
        cells = [cell(by_size[n], step) for n in sizes]
        met = all(statistics.median(r[step] for r in by_size[n]) <= TARGET for n in sizes)
        lines.append(f"| {step} | " + " | ".join(cells) + f" | {'✅' if met else '❌'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="app runs per size")
    parser.add_argument("--note", default="", help="said after the machine, e.g. ', loaded'")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.profile)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "readlist")], check=True)
    by_size: dict[int, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="readlist-stall-") as tmp:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            work = Path(tmp) / str(size)
            work.mkdir()
            sys.stderr.write(f"  {size:>6} papers\n")
            by_size[size] = measure(size, work, args.profile, args.repeat)
            for step in STEPS:
                sys.stderr.write(f"    {step}: {cell(by_size[size], step)}\n")
                for run in by_size[size]:
                    for stack, count in run.get(f"{step} stacks", []):
                        sys.stderr.write(f"      {count:>4} × {stack}\n")
    report = table(by_size, args.note)
    print(report)
    if args.write:
        write_doc(report, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
