"""``readlist sync``: commit this machine's changes, merge the remote's, push; the sync state.

``sync`` holds the library's lock throughout: a change from another readlist
process waits, and an open interface sees the merged library as an outside change.
Before anything, it undoes what a sync stopped halfway left
(:mod:`readlist.sync.recovery`).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.store import Library
from readlist.store.atomic import atomic_write
from readlist.store.threeway import ChangeSummary, summarize
from readlist.sync.git import (
    commit,
    current_branch,
    file_tables,
    git,
    git_identity,
    is_repository,
    last_line,
    synced_files,
)
from readlist.sync.recovery import recover
from readlist.sync.setup import configure

#: The file in ``.git`` that holds when this machine last synced (UTC, ISO 8601).
LAST_SYNC_FILE = "readlist-last-sync"


@dataclass
class SyncReport:
    """What ``sync`` did: what this machine sent, what came in, and what needs the user."""

    committed: ChangeSummary | None = None
    received: ChangeSummary | None = None
    conflicts: list[str] = field(default_factory=list)
    pushed: bool = False
    remote: str | None = None
    notes: list[str] = field(default_factory=list)


def sync(library: Library) -> SyncReport:
    """Commit this machine's changes, merge the remote's, push; see the module docstring."""
    path = library.path
    folder = path.parent
    report = SyncReport()
    with library.locked():
        if not is_repository(folder):
            raise ReadlistError(
                f"{folder} is not set up for sync: run 'readlist sync init [REMOTE]' first"
            )
        report.notes.extend(recover(library))  # first: a stale lock stops every git command
        configure(path)  # a fresh clone by plain git: the driver is per machine
        host = socket.gethostname()
        report.committed = commit(library, f"readlist: changes on {host}")
        remote = git(folder, "remote", "get-url", "origin", check=False)
        if remote.returncode != 0:
            report.notes.append("no remote to sync with: 'readlist sync init REMOTE' adds one")
            return report
        report.remote = remote.stdout.strip()
        for attempt in (1, 2):
            try:
                git(folder, "fetch", "--quiet", "origin")
            except ReadlistError as error:
                raise ReadlistError(
                    f"cannot reach {report.remote} ({error}); your changes are committed here"
                    " and go out with the next sync"
                ) from None
            branch = current_branch(folder)
            upstream = f"origin/{branch}"
            has_upstream = (
                git(folder, "rev-parse", "--verify", "--quiet", upstream, check=False).returncode
                == 0
            )
            if has_upstream:
                _merge(library, upstream, report)
            pushed = git(folder, "push", "--quiet", "-u", "origin", branch, check=False)
            if pushed.returncode == 0:
                report.pushed = True
                _note_sync_time(folder)
                break
            if attempt == 2:
                raise ReadlistError(
                    f"git push failed: {last_line(pushed.stderr)}; your changes are committed"
                    " here and go out with the next sync"
                )
    return report


def _note_sync_time(folder: Path) -> None:
    """Remember that this machine synced now (read by :func:`sync_state`)."""
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    atomic_write(folder / ".git" / LAST_SYNC_FILE, (stamp + "\n").encode())


@dataclass(frozen=True)
class SyncState:
    """Whether the library is set up to sync, when it last did, and what waits to go out."""

    last_sync: str | None
    #: Changes to the library not yet committed, or commits not yet pushed.
    pending: bool


def sync_state(library: Path) -> SyncState | None:
    """The sync state of the library at ``library``; ``None`` when sync is not set up.

    Runs git (tens of milliseconds): an interface calls it from a worker.
    """
    folder = library.parent
    if shutil.which("git") is None or not (folder / ".git").is_dir():
        return None
    try:
        if not is_repository(folder):
            return None
        status = git(folder, "status", "--porcelain", "--", *synced_files(library), check=False)
        ahead = git(folder, "rev-list", "--count", "@{upstream}..HEAD", check=False)
    except ReadlistError:
        return None
    try:
        last = (folder / ".git" / LAST_SYNC_FILE).read_text("utf-8").strip() or None
    except OSError:
        last = None
    unpushed = ahead.returncode != 0 or ahead.stdout.strip() not in ("", "0")
    return SyncState(last, bool(status.stdout.strip()) or unpushed)


def _merge(library: Library, upstream: str, report: SyncReport) -> None:
    """Merge ``upstream`` into the library's branch with readlist's driver; note what came in."""
    folder = library.path.parent
    before = file_tables(library.path)
    merged = git(
        folder,
        *git_identity(folder),
        "merge",
        "--no-edit",
        "--quiet",
        "--allow-unrelated-histories",
        upstream,
        check=False,
    )
    if merged.returncode != 0:
        git(folder, "merge", "--abort", check=False)
        raise ReadlistError(
            f"git could not merge {upstream}: {last_line(merged.stderr or merged.stdout)};"
            " nothing was changed here"
        )
    after = file_tables(library.path)
    received = summarize(before, after)
    if received:  # the merge is a change like any other: history shows it, undo can reverse it
        from readlist.store.journal import journal_replacement, records_by_key

        with contextlib.suppress(OSError, ReadlistError):  # merged all the same
            journal_replacement(
                library.path,
                records_by_key((before or {}).get("papers")),
                records_by_key((after or {}).get("papers")),
                f"sync: merged {upstream}",
            )
    if received:
        report.received = received if report.received is None else _add(report.received, received)
    for record in (after or {}).get("papers", {}).values():
        flagged = isinstance(record, dict) and record.get("conflicts") and record.get("key")
        if flagged and str(record["key"]) not in report.conflicts:
            report.conflicts.append(str(record["key"]))


def _add(first: ChangeSummary, second: ChangeSummary) -> ChangeSummary:
    kinds = dict(first.kinds)
    for kind, count in second.kinds.items():
        kinds[kind] = kinds.get(kind, 0) + count
    return ChangeSummary(
        first.added + second.added,
        first.removed + second.removed,
        first.changed + second.changed,
        kinds,
    )
