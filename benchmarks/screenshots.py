"""Make the screenshots in docs/ from the app itself, the same every time.

    python benchmarks/screenshots.py [--out docs]

The bundled sample listings are imported into a library in a temporary folder,
at a fixed time, and a few papers are given a status, tags and a note, as after
a morning of use. The app then runs headless at a fixed size (120×35) on a fixed
date, with a state file of its own (so nothing remembered from your own runs
shows), in colour even under ``NO_COLOR``, and Textual saves what it draws as
SVG: ``tui-main.svg`` (the library screen, on the first paper) and
``tui-triage.svg`` (``v``: triage).
Running it twice writes the same bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (120, 35)
TODAY = date(2026, 11, 30)
#: The library's clock: the import, then the changes an hour apart.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_library(path: Path) -> None:
    """The sample listings, imported and used a little, at fixed times."""
    import readlist.store.library
    from readlist.models import Status
    from readlist.query import sort_papers
    from readlist.services import import_files
    from readlist.store import Library

    now = [START]

    def clock() -> str:
        now[0] += timedelta(hours=1)
        return now[0].isoformat()

    readlist.store.library.now_iso = clock  # type: ignore[attr-defined]
    library = Library(path)
    import_files(library, samples=True)
    # The papers the table shows first (newest first), so the changes are in sight.
    keys = [paper.key for paper in sort_papers(library.papers(), "published")]
    library.set_status(keys[1:3] + keys[6:7], Status.READ)
    library.set_status(keys[3:5], Status.READING)
    library.add_tags([keys[0], keys[2], keys[5]], ["toread"])
    library.add_tags(keys[1:3], ["diffusion"])
    library.set_note(keys[1], "Read §3 first: the KV-cache part.")


async def shoot(path: Path, out: Path) -> None:
    """Run the app on the library at ``path``; save both screenshots in ``out``."""
    from readlist.store import Library
    from readlist.tui.app import ReadlistApp
    from readlist.tui.screens.triage import TriageScreen
    from readlist.tui.widgets.paper_table import PaperTable

    app = ReadlistApp(Library(path), today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        while not (app.screen.query(PaperTable) and app.screen.query_one(PaperTable).papers):
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        app.save_screenshot("tui-main.svg", path=str(out))
        await pilot.press("v")
        while not isinstance(app.screen, TriageScreen):
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        app.save_screenshot("tui-triage.svg", path=str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder to write to")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="readlist-shots-") as tmp:
        os.environ["READLIST_STATE"] = str(Path(tmp) / "tui-state.json")
        os.environ.pop("NO_COLOR", None)  # in colour, whatever the shell says (Textual reads it)
        library = Path(tmp) / "library.json"
        make_library(library)
        asyncio.run(shoot(library, args.out))
    for name in ("tui-main.svg", "tui-triage.svg"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
