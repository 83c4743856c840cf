"""Measure what the change journal costs: one `tag` at 10,000 papers, and its growth.

    python benchmarks/journal.py [--size 10000] [--repeat 7] [--baseline DIR]

Imports a synthetic listing (``benchmarks/generate.py``) through the CLI, then:
the CLI ``tag`` of one paper (a fresh process each time, median) with the journal
on; the same save in-process with the journal on and off (median of 30), which
isolates the append; and the journal's growth per 1,000 changes (tags, status,
notes: 1,000 each, in-process), in bytes. Times are given as wall time and as CPU
time (user + system: of the child process for the CLI, of this process in-process),
which a machine shared with other work disturbs less. Prints the figures and the
load average.
``--baseline DIR`` (a checkout without the journal, e.g. ``git archive main``) also
times its ``tag`` on the same library, alternating with this one's, so that a loaded
machine slows both alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_listing  # noqa: E402
from run import child_env, cli, machine, median, timed  # noqa: E402

from readlist.models import Status  # noqa: E402
from readlist.store import Library  # noqa: E402
from readlist.store.journal import journal_path  # noqa: E402


def in_process_save(library: Path, key: str, *, journal: bool, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of one tag save in-process (a fresh Library each time)."""
    times, cpu = [], []
    for n in range(repeat):
        lib = Library(library)
        lib.load()
        if not journal:
            lib.journal = None
        start, start_cpu = time.perf_counter(), time.process_time()
        lib.add_tags([key], [f"inproc-{journal}-{n}"])
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_cpu(library: Path, env: dict[str, str], *args: str) -> tuple[float | None, float]:
    """One CLI run: its wall seconds (``None`` if it failed) and its CPU seconds."""
    before = children_cpu()
    sample = cli(library, env, *args)
    return sample.seconds, children_cpu() - before


def growth(library: Path, keys: list[str], kind: str) -> int:
    """Bytes the journal grows by for 1,000 changes of ``kind`` (one paper each)."""
    lib = Library(library)
    before = journal_path(library).stat().st_size
    for n in range(1000):
        key = keys[n % len(keys)]
        lib.command = f"{kind} {key} grow-{n}"
        if kind == "tag":
            lib.add_tags([key], [f"grow-{n}"])
        elif kind == "mark":
            lib.set_status([key], list(Status)[n % 3])
        else:
            lib.set_note(key, f"Note {n}: a sentence or two of what the paper showed.")
    return journal_path(library).stat().st_size - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="a readlist checkout to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = child_env(work / "home")
        library = work / "library.json"
        listing = write_listing(work / "listing.txt", args.size)
        imported = cli(library, env, "import", str(listing))
        print(f"import {args.size} (CLI): {imported.seconds:.2f} s", flush=True)
        print(f"journal after the import: {journal_path(library).stat().st_size / 1e6:.1f} MB")
        keys = [paper.key for paper in Library(library).papers()[:1000]]
        cli(library, env, "tag", keys[0], "first-of-the-day")  # the daily backup, not measured
        tag = median([cli(library, env, "tag", keys[0], f"bench-{n}") for n in range(args.repeat)])
        print(
            f"tag one paper (CLI, median of {args.repeat}): "
            f"{tag.seconds:.3f} s, {tag.rss_mb:.0f} MB"
        )
        runs = [cli_cpu(library, env, "tag", keys[0], f"cpu-{n}") for n in range(args.repeat)]
        assert all(wall is not None for wall, _ in runs), "a tag failed"
        print(
            f"tag one paper (CLI, median of {args.repeat}): CPU "
            f"{statistics.median(c for _, c in runs):.3f} s, wall "
            f"{statistics.median(w for w, _ in runs if w is not None):.3f} s"
        )
        if args.baseline:
            old_env = {**env, "PYTHONPATH": str(args.baseline.resolve())}
            command = [sys.executable, "-m", "readlist", "--library", str(library), "tag", keys[2]]
            pairs = [
                (timed([*command, f"old-{n}"], old_env)[0], timed([*command, f"new-{n}"], env)[0])
                for n in range(args.repeat)
            ]
            old = statistics.median(p[0] for p in pairs)
            new = statistics.median(p[1] for p in pairs)
            print(
                f"tag (python -m, alternating, median): baseline {old:.3f} s, journal {new:.3f} s"
            )
        on, on_cpu = in_process_save(library, keys[1], journal=True, repeat=30)
        off, off_cpu = in_process_save(library, keys[1], journal=False, repeat=30)
        print(f"tag save in-process: journal on {on * 1000:.1f} ms, off {off * 1000:.1f} ms")
        print(
            f"tag save in-process, CPU: journal on {on_cpu * 1000:.1f} ms, "
            f"off {off_cpu * 1000:.1f} ms"
        )
        for kind in ("tag", "mark", "note"):
            grew = growth(library, keys, kind)
            print(f"journal growth per 1,000 {kind} changes: {grew / 1000:.0f} kB")
        runs = [cli_cpu(library, env, "tag", keys[0], f"late-{n}") for n in range(args.repeat)]
        size = journal_path(library).stat().st_size / 1e6
        print(
            f"tag one paper (CLI, journal {size:.1f} MB, median of {args.repeat}): CPU "
            f"{statistics.median(c for _, c in runs):.3f} s, wall "
            f"{statistics.median(w for w, _ in runs if w is not None):.3f} s"
        )
        wall, cpu = cli_cpu(library, env, "undo")
        assert wall is not None, "undo failed"
        print(f"undo one tag (CLI, journal {size:.1f} MB): CPU {cpu:.3f} s, wall {wall:.3f} s")
        wall, cpu = cli_cpu(library, env, "history")
        assert wall is not None, "history failed"
        print(f"history (CLI, journal {size:.1f} MB): CPU {cpu:.3f} s, wall {wall:.3f} s")
    print(f"machine: {machine()}; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
