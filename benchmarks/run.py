"""Measure readlist on synthetic libraries of 1,000 / 10,000 / 50,000 papers.

    python benchmarks/run.py [--sizes 1000,10000,50000] [--quick] [--write]

Every CLI measurement starts a fresh ``readlist`` process (interpreter start-up
included) on a library in a temporary folder and takes its wall time and peak
memory (``ru_maxrss`` of that child, from ``wait4``). In-process measurements
(query, export, TUI) also run in a fresh child process of their own. The inputs
come from ``benchmarks/generate.py`` (seeded, so every run sees the same data).

``--quick`` repeats each timing once instead of three times (the median is
reported) and skips the BibTeX import above 10,000 papers. ``--write``
replaces the results section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_bib, write_listing  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
QUERY = "attention year:>=2022 -status:read"
FILTER_TEXT = "sparse attention"
FREE_WORD = "attention"
CLI_TIMEOUT = 900.0

#: (row, target at 10,000 papers in seconds, target at 50,000 papers in seconds); a row
#: without a 50,000 target is held to every command < 5 s and < 500 MB there.
ROWS: list[tuple[str, float | None, float | None]] = [
    ("import listing (CLI)", 2.0, None),
    ("import BibTeX (CLI)", 2.0, None),
    ("list (CLI, to /dev/null)", 0.5, None),
    ("list tag:toread (CLI, no abstracts needed)", 0.3, 1.0),
    ("list year:2022 (CLI, no abstracts needed)", 0.3, 1.0),
    ("free-word query, first after the import (CLI, builds the index)", None, None),
    ("free-word query (CLI, median)", 0.3, 1.0),
    ("query (in-process, warm, median)", 0.05, None),
    ("tag one paper (CLI)", 0.15, 1.0),
    ("mark one paper (CLI)", 0.15, 1.0),
    ("first change of the day (CLI, with backup)", None, None),
    ("export BibTeX, first (CLI, builds the render cache)", None, None),
    ("export BibTeX (CLI, to /dev/null)", 0.5, 1.0),
    ("export BibTeX (in-process, to /dev/null)", None, None),
    ("TUI first screen (headless)", 0.8, 1.0),
    ("TUI filter, per keystroke (Pilot key → table updated)", None, None),
    ("TUI filter, app work per keystroke (median / max)", None, None),
]
COMMAND_LIMIT_50K = 5.0
MEMORY_LIMIT_MB = 500.0


@dataclass
class Sample:
    """One measurement: seconds (``None`` if it could not be taken) and peak memory."""

    seconds: float | None
    rss_mb: float | None = None
    note: str = ""


# -- running children ---------------------------------------------------------


def child_env(home: Path) -> dict[str, str]:
    # Bytecode caches as an installed readlist has them (pip compiles them at install):
    # without them every start compiles readlist's modules again (~50 ms).
    skip = ("READLIST_LIBRARY", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        HOME=str(home),
        NO_COLOR="1",
        COLUMNS="160",
        BROWSER="true",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def readlist_command() -> list[str]:
    script = Path(sys.executable).with_name("readlist")
    return [str(script)] if script.exists() else [sys.executable, "-m", "readlist"]


def wait_for(process: subprocess.Popen[Any], deadline: float) -> tuple[int, Any]:
    """Wait for ``process`` (killed at ``deadline``); its wait status and resource usage."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return status, usage
        if time.perf_counter() > deadline:
            process.kill()
            return os.wait4(process.pid, 0)[1:]
        time.sleep(0.002)


def timed(
    command: list[str], env: dict[str, str], *, on_line: Callable[[str, float], None] | None = None
) -> tuple[float, float, int, str]:
    """Run ``command``; its wall time, peak RSS (MB), exit status and stderr tail."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the child ends
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE if on_line else subprocess.DEVNULL,
        stderr=errors,
        env=env,
        text=True,
    )
    if on_line is not None:
        assert process.stdout is not None
        for line in process.stdout:
            on_line(line, time.perf_counter() - start)
    status, usage = wait_for(process, start + CLI_TIMEOUT)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    tail = errors.read().decode("utf-8", "replace")[-400:]
    errors.close()
    return elapsed, usage.ru_maxrss / 1024, process.returncode, tail


def cli(library: Path, env: dict[str, str], *args: str) -> Sample:
    seconds, rss, code, err = timed([*readlist_command(), "--library", str(library), *args], env)
    if code != 0:
        return Sample(None, rss, f"exit {code}: {err.strip().splitlines()[-1:]}")
    return Sample(seconds, rss)


def median(samples: list[Sample]) -> Sample:
    good = [s for s in samples if s.seconds is not None]
    if not good:
        return samples[0]
    return Sample(
        statistics.median(s.seconds for s in good if s.seconds is not None),
        max(s.rss_mb or 0 for s in good),
    )


def child(mode: str, library: Path, env: dict[str, str], *extra: str) -> tuple[Sample, dict]:
    """Run this script in ``--child`` mode; the JSON it prints, and its peak memory."""
    lines: list[tuple[str, float]] = []
    command = [sys.executable, __file__, "--child", mode, str(library), *extra]
    seconds, rss, code, err = timed(command, env, on_line=lambda text, at: lines.append((text, at)))
    result: dict = {}
    for line, at in lines:
        if line.startswith("{"):
            data = json.loads(line)
            data.setdefault("wall", at)
            result.update({data.pop("event", "result") + "_wall": at, **data})
    if code != 0:
        return Sample(None, rss, f"exit {code}: {err.strip().splitlines()[-1:]}"), result
    return Sample(seconds, rss), result


# -- in-process measurements (run inside the child) ----------------------------------


def child_main(mode: str, library: str, extra: list[str]) -> int:
    from readlist.store import Library

    def emit(**data: object) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()

    if mode == "query":
        lib = Library(library)
        start = time.perf_counter()
        first = lib.search(QUERY)
        cold = time.perf_counter() - start
        runs = []
        for _ in range(int(extra[0]) if extra else 20):
            start = time.perf_counter()
            found = lib.search(QUERY)
            runs.append(time.perf_counter() - start)
        assert len(found) == len(first)
        emit(cold=cold, median=statistics.median(runs), matches=len(found))
    elif mode == "export":
        from readlist.export_file import write_export

        papers = Library(library).papers()
        runs = []
        with open(os.devnull, "w", encoding="utf-8") as sink:  # as the CLI writes stdout
            for _ in range(int(extra[0]) if extra else 3):
                start = time.perf_counter()
                write_export(papers, "bibtex", sink)
                runs.append(time.perf_counter() - start)
        emit(median=statistics.median(runs))
    elif mode == "tui":
        asyncio.run(_tui(library, emit, keystrokes=bool(extra and extra[0] == "keys")))
    else:
        raise SystemExit(f"unknown child mode {mode}")
    return 0


async def _tui(library: str, emit: Callable[..., None], *, keystrokes: bool) -> None:
    from readlist.store import Library
    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_table import PaperTable

    # The moment the table first holds rows, taken in the table itself: polling for it
    # from here every 5 ms cost the event loop 0.1-0.2 s of CPU by itself at 50,000 papers.
    ready = asyncio.Event()
    set_papers = PaperTable.set_papers

    def first_rows(table: PaperTable, *args: Any, **kwargs: Any) -> None:
        set_papers(table, *args, **kwargs)
        if table.papers and not ready.is_set():
            ready.set()
            times = os.times()
            emit(event="ready", rows=len(table.papers), cpu=times.user + times.system)

    PaperTable.set_papers = first_rows  # type: ignore[method-assign]
    lib = Library(library)
    app = ReadlistApp(lib)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready.wait()
        tables = app.screen.query(PaperTable)
        if not keystrokes:
            return
        from textual.widgets import Input

        # The app's own library, on its own thread (behind the search index being built):
        # searching it from here built a second index beside that one.
        expected = await app.session.submit(lambda library: len(library.search(FILTER_TEXT)))
        # What a key costs Pilot itself: a key nothing is bound to.
        begin = time.perf_counter()
        for _ in range(8):
            await pilot.press("f12")
        idle_key = (time.perf_counter() - begin) / 8
        await pilot.press("slash")
        await pilot.pause(0.05)
        if not isinstance(app.focused, Input):
            emit(event="keys", error="'/' does not focus a search input")
            return
        # The app's own work per keystroke on the event loop: the screen drawing the rows
        # the library thread found (the query and sort themselves run on that thread).
        screen = app.screen
        work: list[float] = []
        show_rows = screen._show_rows  # type: ignore[attr-defined]

        def timed_show(*args: object, **kwargs: object) -> None:
            begin = time.perf_counter()
            show_rows(*args, **kwargs)
            work.append(time.perf_counter() - begin)

        screen._show_rows = timed_show  # type: ignore[attr-defined]
        table = tables.first()
        start = time.perf_counter()
        for char in FILTER_TEXT:
            await pilot.press("space" if char == " " else char)
        deadline = time.perf_counter() + 60
        while len(table.papers) != expected and time.perf_counter() < deadline:
            await pilot.pause(0.002)
        total = time.perf_counter() - start
        emit(
            event="keys",
            per_key=total / len(FILTER_TEXT),
            idle_key=idle_key,
            work_median=statistics.median(work) if work else None,
            work_max=max(work) if work else None,
            rows=len(table.papers),
            expected=expected,
        )


# -- one size -----------------------------------------------------------------


def measure(size: int, work: Path, *, repeat: int, quick: bool, tui: bool) -> dict[str, Sample]:
    env = child_env(work / "home")
    listing = write_listing(work / f"listing-{size}.txt", size)
    bib = write_bib(work / f"papers-{size}.bib", size)
    library = work / f"library-{size}.json"
    results: dict[str, Sample] = {}
    say = lambda name: sys.stderr.write(f"  {size:>6} {name}\n")  # noqa: E731

    say("import listing")
    results["import listing (CLI)"] = cli(library, env, "import", str(listing))
    if quick and size > 10000:
        results["import BibTeX (CLI)"] = Sample(None, note="skipped (--quick)")
    else:
        say("import bibtex")
        results["import BibTeX (CLI)"] = cli(work / f"bib-{size}.json", env, "import", str(bib))
    say("list")
    results["free-word query, first after the import (CLI, builds the index)"] = cli(
        library, env, "list", FREE_WORD
    )
    results["list (CLI, to /dev/null)"] = median([cli(library, env, "list") for _ in range(repeat)])
    say("query")
    sample, data = child("query", library, env)
    results["query (in-process, warm, median)"] = Sample(data.get("median"), sample.rss_mb,
                                                         sample.note)  # fmt: skip
    key = json.loads(
        subprocess.run(
            [*readlist_command(), "--library", str(library), "list", "--limit", "1", "--json"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout
    )[0]["key"]  # fmt: skip
    say("tag / mark")
    results["first change of the day (CLI, with backup)"] = cli(library, env, "tag", key, "toread")
    results["tag one paper (CLI)"] = median(
        [cli(library, env, "tag", key, f"bench-{n}") for n in range(repeat)]
    )
    results["mark one paper (CLI)"] = median(
        [cli(library, env, "mark", key, s) for s in ("reading", "read", "unread")[:repeat]]
    )
    say("list queries")
    for query in ("tag:toread", "year:2022"):
        results[f"list {query} (CLI, no abstracts needed)"] = median(
            [cli(library, env, "list", query) for _ in range(repeat)]
        )
    results["free-word query (CLI, median)"] = median(
        [cli(library, env, "list", FREE_WORD) for _ in range(repeat)]
    )
    say("export")
    # The first export renders every paper and writes the render cache the next ones copy.
    results["export BibTeX, first (CLI, builds the render cache)"] = cli(
        library, env, "export", "bibtex"
    )
    results["export BibTeX (CLI, to /dev/null)"] = median(
        [cli(library, env, "export", "bibtex") for _ in range(repeat)]
    )
    sample, data = child("export", library, env, str(repeat))
    results["export BibTeX (in-process, to /dev/null)"] = Sample(
        data.get("median"), sample.rss_mb, sample.note
    )
    if tui:
        say("tui")
        firsts = []
        for n in range(repeat):
            # A state file per run: the query the keystroke run typed would otherwise be
            # remembered, and the next runs would open on it instead of the whole library.
            fresh_state = dict(env, READLIST_STATE=str(work / f"tui-state-{n}.json"))
            sample, data = child("tui", library, fresh_state, "keys" if n == 0 else "")
            firsts.append(Sample(data.get("ready_wall"), sample.rss_mb, sample.note))
            if n == 0:
                note = data.get("error", "") or sample.note
                idle = data.get("idle_key")
                idle_note = f"Pilot alone: {fmt_time(idle)}" if idle is not None else ""
                results["TUI filter, per keystroke (Pilot key → table updated)"] = Sample(
                    data.get("per_key"), sample.rss_mb, note or idle_note
                )
                worst = data.get("work_max")
                results["TUI filter, app work per keystroke (median / max)"] = Sample(
                    data.get("work_median"), None, f"max {fmt_time(worst)}" if worst else note
                )
        results["TUI first screen (headless)"] = median(firsts)
    else:
        results["TUI first screen (headless)"] = Sample(None, note="no TUI (readlist.tui.app)")
        results["TUI filter, per keystroke (Pilot key → table updated)"] = Sample(
            None, note="no TUI"
        )
        results["TUI filter, app work per keystroke (median / max)"] = Sample(None, note="no TUI")
    return results


# -- reporting ------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds:.2f} s"


def verdict(
    row: str, target: float | None, target_50k: float | None, by_size: dict[int, dict[str, Sample]]
) -> str:
    marks = []
    ten = by_size.get(10000, {}).get(row)
    if target is not None and ten is not None and ten.seconds is not None:
        marks.append("10k ✅" if ten.seconds <= target else "10k ❌")
    fifty = by_size.get(50000, {}).get(row)
    if fifty is not None and fifty.seconds is not None and fifty.rss_mb is not None:
        limit = target_50k if target_50k is not None else COMMAND_LIMIT_50K
        ok = fifty.seconds <= limit and (fifty.rss_mb or 0) < MEMORY_LIMIT_MB
        marks.append("50k ✅" if ok else "50k ❌")
    return " ".join(marks)


def table(by_size: dict[int, dict[str, Sample]]) -> str:
    sizes = sorted(by_size)
    head = ["measurement", "target @10k", "@50k", *[f"{s:,} papers" for s in sizes], "met?"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row, target, target_50k in ROWS:
        cells = [
            row,
            "≤ " + fmt_time(target) if target else "—",
            "≤ " + fmt_time(target_50k) if target_50k else "< 5 s",
        ]
        for size in sizes:
            sample = by_size[size].get(row)
            if sample is None:
                cells.append("—")
                continue
            cell = fmt_time(sample.seconds)
            if sample.rss_mb and sample.seconds is not None:
                cell += f" · {sample.rss_mb:.0f} MB"
            if sample.note:
                cell += f" ({sample.note})"
            cells.append(cell)
        cells.append(verdict(row, target, target_50k, by_size))
        lines.append("| " + " | ".join(cells) + " |")
    peaks = [max((s.rss_mb or 0) for s in by_size[size].values()) for size in sizes]
    lines.append(
        "| peak memory of any child | — | < 500 MB | "
        + " | ".join(f"{p:.0f} MB" for p in peaks)
        + " | |"
    )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        ram = "unknown RAM"
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {ram}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def write_doc(report: str, start: str = START, end: str = END) -> None:
    """Put ``report`` between the ``start`` and ``end`` markers of the performance doc."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{start}\n{end}\n"
    if start not in text:
        raise SystemExit(f"{DOC} has no {start} … {end} section")
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    DOC.write_text(f"{before}{start}\n{report}\n{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--quick", action="store_true", help="one run per timing")
    parser.add_argument("--write", action="store_true", help=f"update {DOC.relative_to(ROOT)}")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child[0], args.child[1], args.child[2:])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    try:
        import readlist.tui.app  # noqa: F401

        tui = True
    except ImportError:
        tui = False
    # An installed readlist has its bytecode compiled (pip does it at install): so here.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "readlist")], check=True)
    by_size: dict[int, dict[str, Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="readlist-bench-") as tmp:
        for size in sizes:
            work = Path(tmp) / str(size)
            work.mkdir()
            by_size[size] = measure(size, work, repeat=1 if args.quick else 3,
                                    quick=args.quick, tui=tui)  # fmt: skip
            shutil.rmtree(work, ignore_errors=True)
    stamp = time.strftime("%Y-%m-%d")
    report = (
        f"Measured {stamp} on {machine()}{' (--quick)' if args.quick else ''}.\n\n{table(by_size)}"
    )
    sys.stdout.write(report + "\n")
    if args.write:
        write_doc(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
