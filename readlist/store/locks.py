"""Who holds a library's lock: best effort, from Linux's table of file locks."""

from __future__ import annotations

import os
from pathlib import Path

#: How much of a lock holder's command line doctor shows.
MAX_COMMAND = 240
#: The kernel's table of file locks (Linux).
PROC_LOCKS = Path("/proc/locks")


def lock_holders(lock_file: Path, locks_table: Path = PROC_LOCKS) -> list[tuple[int, str]]:
    """Best effort: the processes holding a lock on ``lock_file``, as (pid, command line).

    Read from Linux's ``/proc/locks`` (matched by device and inode) and
    ``/proc/PID/cmdline``; empty where the platform cannot tell.
    """
    try:
        st = os.stat(lock_file)
        table = locks_table.read_text("ascii", "replace")
    except OSError:
        return []
    wanted = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    holders: dict[int, str] = {}
    for line in table.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 4321 fd:01:1234567 0 EOF"; blocked waiters have "->".
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue
        pid, where = fields[4], fields[5].split(":")
        if len(where) != 3 or not pid.lstrip("-").isdigit() or int(pid) <= 0:
            continue
        try:
            found = (int(where[0], 16), int(where[1], 16), int(where[2]))
        except ValueError:
            continue
        if found == wanted:
            holders.setdefault(int(pid), _command_line(int(pid), locks_table.parent))
    return sorted(holders.items())


def _command_line(pid: int, proc: Path) -> str:
    """The command line of process ``pid`` as one printable line ("?" if unknown)."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    words = raw.rstrip(b"\0").decode("utf-8", "replace").split("\0")
    text = " ".join([os.path.basename(words[0]), *words[1:]])
    # A command line is data: no control characters reach the terminal.
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return (text[: MAX_COMMAND - 1] + "…") if len(text) > MAX_COMMAND else (text or "?")
