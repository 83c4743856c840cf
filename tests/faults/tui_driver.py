"""Drive a headless ReadlistApp in a subprocess for the fault tests (not a test module).

    python tui_driver.py cycle LIBRARY KEY LOG   # status and tag changes forever
    python tui_driver.py tags LIBRARY KEY COUNT  # add COUNT tags, then quit
    python tui_driver.py note LIBRARY KEY TEXT   # type TEXT in the note editor, wait

``cycle`` numbers its operations: an odd one cycles the paper's status with
``r``, an even one ``i`` adds the tag ``c<i>`` with ``t``. After the library
file on disk shows an operation, its number is appended to LOG: that state was
acknowledged. :func:`operations_on_disk` tells from the file how many
operations it holds.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.backup import daily_backup

STATUSES = list(Status)
_COUNTER_TAG = re.compile(r"^c(\d+)$")


def operations_on_disk(paper: Paper) -> int:
    """How many ``cycle`` operations ``paper`` shows; ValueError if it is no such state."""
    tags = sorted(int(m.group(1)) for t in paper.tags if (m := _COUNTER_TAG.match(t)))
    count = len(tags)
    if tags != list(range(2, 2 * count + 1, 2)):
        raise ValueError(f"tags {paper.tags} are not the tags of a sequence of operations")
    status = STATUSES.index(paper.status)
    if status == count % 3:
        return 2 * count
    if status == (count + 1) % 3:
        return 2 * count + 1
    raise ValueError(f"status {paper.status} does not match {count} tags")


async def _drive(mode: str, path: Path, key: str, arg: str) -> None:
    from readlist.tui.app import ReadlistApp
    from readlist.tui.widgets.paper_table import PaperTable

    app = ReadlistApp(Library(path, before_first_write=daily_backup))
    async with app.run_test(size=(140, 40)) as pilot:
        deadline = time.monotonic() + 60
        while not (app.screen.query(PaperTable) and app.screen.query_one(PaperTable).papers):
            if time.monotonic() > deadline:
                raise SystemExit("the paper table never filled")
            await pilot.pause(0.01)
        table = app.screen.query_one(PaperTable)
        table.focus()
        if not table.move_to(key):
            raise SystemExit(f"paper {key} is not in the table")
        await pilot.pause()

        async def add_tag(tag: str) -> None:
            await pilot.press("t")
            await pilot.pause()
            await pilot.press(*tag, "enter")

        async def until_on_disk(check: object) -> None:
            deadline = time.monotonic() + 30
            while not check(Library(path).get(key)):  # type: ignore[operator]
                if time.monotonic() > deadline:
                    raise SystemExit("a change never reached the file")
                await pilot.pause(0.005)

        if mode == "note":
            await pilot.press("n")
            await pilot.press(*arg)
            await pilot.pause()
            print("ready", flush=True)
            while app.return_code is None:  # until a signal ends the app
                await pilot.pause(0.05)
            for draft in app.drafts_kept:
                print(f"kept {draft}", flush=True)
            return
        if mode == "tags":
            for n in range(int(arg)):
                await add_tag(f"tui-{n}")
                await until_on_disk(lambda p, n=n: f"tui-{n}" in p.tags)
            return
        log = os.open(arg, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        done = operations_on_disk(Library(path).get(key))
        os.write(log, f"{done}\n".encode())
        print("ready", flush=True)
        while True:
            done += 1
            if done % 2:
                await pilot.press("r")
            else:
                await add_tag(f"c{done}")
            await until_on_disk(lambda p, done=done: operations_on_disk(p) >= done)
            os.write(log, f"{done}\n".encode())


def main() -> None:
    mode, library, key, arg = sys.argv[1:5]
    asyncio.run(_drive(mode, Path(library), key, arg))


if __name__ == "__main__":
    main()
