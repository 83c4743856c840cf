"""Another process holding a library's lock, as a second readlist would (not a test module).

    python lock_holder.py LOCK [ARG...]

takes the file lock ``LOCK``, prints ``held`` and sleeps; the tests use
:func:`lock_held`, which starts it and kills it when the block ends. Extra ``ARG``s
only show in its command line (``doctor`` names the holder by it).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readlist.store import Library

SCRIPT = Path(__file__).resolve()


@contextmanager
def lock_held(lock: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """The file lock ``lock`` held by another process while the block runs."""
    holder = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(lock), *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def impatient(library: Library) -> None:
    """Make ``library`` give up on a held lock after 0.1 s, not the 15 s a user would wait."""
    from filelock import BaseFileLock

    lock = library._storage.lock
    assert isinstance(lock, BaseFileLock)
    lock.timeout = 0.1


def main(lock: str) -> None:
    """Hold ``lock`` until killed (two minutes at the most)."""
    from filelock import FileLock

    held = FileLock(lock)  # kept: a lock that is garbage collected is released
    held.acquire()
    print("held", flush=True)
    time.sleep(120)


if __name__ == "__main__":
    main(sys.argv[1])
