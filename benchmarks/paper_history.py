"""Measure reading one paper's history: ``Library.history(KEY)`` and ``readlist history KEY``.

    python benchmarks/paper_history.py [--size 10000] [--changes 3000] [--repeat 7]

Imports a synthetic listing (``benchmarks/generate.py``) through the CLI (one 6 MB
journal line at 10,000 papers), then makes ``--changes`` one-paper changes in-process
(tags, statuses and notes, round the first 1,000 papers), renames the measured paper
(as ``rekey`` does) and tags it again, so its history spans two keys. Times, as CPU (user +
system) and wall, the median of ``--repeat``: the history read in-process with a fresh
Library (what the interface's history screen runs on the library thread), and the CLI
``history KEY`` by the old key (a fresh process each time). Prints the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_listing  # noqa: E402
from journal import cli_cpu  # noqa: E402
from run import child_env, cli  # noqa: E402

from readlist.models import Status  # noqa: E402
from readlist.store import Library  # noqa: E402
from readlist.store.journal import journal_path  # noqa: E402


def make_changes(library: Path, keys: list[str], count: int) -> None:
    """``count`` one-paper changes: tags, statuses and notes in turn."""
    lib = Library(library)
    for n in range(count):
        key = keys[n % len(keys)]
        lib.command = f"change {n}"
        if n % 3 == 0:
            lib.add_tags([key], [f"t{n % 50}"])
        elif n % 3 == 1:
            lib.set_status([key], list(Status)[n % 3])
        else:
            lib.set_note(key, f"Note {n}: a sentence or two of what the paper showed.")


def in_process(library: Path, key: str, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of ``history(key)`` on a fresh Library; entries found."""
    walls, cpus, found = [], [], 0
    for _ in range(repeat):
        lib = Library(library)
        lib.load()
        start, start_cpu = time.perf_counter(), time.process_time()
        found = len(lib.history(key))
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep the library here (and reuse it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = args.work or Path(folder)
        env = child_env(work / "home")
        library = work / "library.json"
        measured = work / "measured-key.txt"
        if not measured.exists():
            listing = write_listing(work / "listing.txt", args.size)
            cli(library, env, "import", str(listing))
            keys = [paper.key for paper in Library(library).papers()[:1000]]
            make_changes(library, keys, args.changes)
            renaming = Library(library)
            renaming.command = f"rekey {keys[7]}"
            renaming.rename({keys[7]: f"{keys[7]}-renamed"})
            cli(library, env, "tag", f"{keys[7]}-renamed", "after-the-rename")
            measured.write_text(keys[7])
        old = measured.read_text()
        new = f"{old}-renamed"
        size = journal_path(library).stat().st_size / 1e6
        lines = journal_path(library).read_bytes().count(b"\n")
        print(f"{args.size} papers, journal {size:.1f} MB, {lines} entries")
        wall, cpu, found = in_process(library, new, args.repeat)
        print(
            f"history(KEY) in-process, median of {args.repeat}: CPU {cpu * 1000:.1f} ms, "
            f"wall {wall * 1000:.1f} ms ({found} entries)"
        )
        runs = [cli_cpu(library, env, "history", old) for _ in range(args.repeat)]
        print(
            f"readlist history OLDKEY (CLI), median of {args.repeat}: CPU "
            f"{statistics.median(c for _, c in runs):.3f} s, wall "
            f"{statistics.median(w for w, _ in runs if w is not None):.3f} s"
        )
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
