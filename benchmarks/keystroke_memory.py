"""What typing in the TUI's search bar leaves behind: frozen objects and memory.

    python benchmarks/keystroke_memory.py LIBRARY [ROUNDS]

Runs the app headless (160×48) on LIBRARY (import one with ``benchmarks/generate.py``
and ``readlist import`` first), focuses the search bar, and types ``a``, ``t``, then two
backspaces, ROUNDS times (default 100), waiting for each query's rows. Prints the
objects frozen out of the garbage collector's sight (``gc.get_freeze_count``) and the
resident memory before and after. The remembered query is left as it was found.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


async def measure(library: str, rounds: int) -> None:
    from readlist.store import Library
    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_table import PaperTable

    app = ReadlistApp(Library(library))
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.screen.query(PaperTable) and app.screen.query_one(PaperTable).papers):
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await pilot.press("slash")
        frozen, resident = gc.get_freeze_count(), resident_mib()
        for _ in range(rounds):
            await pilot.press("a", "t")
            await app.workers.wait_for_complete()
            await pilot.press("backspace", "backspace")
            await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        print(
            f"{rounds * 4} keystrokes: frozen objects {frozen:,} -> {gc.get_freeze_count():,}, "
            f"resident {resident:.0f} -> {resident_mib():.0f} MiB"
        )


if __name__ == "__main__":
    asyncio.run(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100))
