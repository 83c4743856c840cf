"""One library on every machine through git: set-up, the merge driver, and ``readlist sync``.

The real ``git`` binary does the work, always with an argument list (never a
shell), in the library's folder. Only the library and its abstracts travel
(a whitelist ``.gitignore``); locks, backups, drafts, the search index and the
kept-exports registry stay on each machine. ``.gitattributes`` names readlist's
merge driver for both files, and each machine's ``.git/config`` says how to run
it (``python -m readlist merge-driver %O %A %B``), so that git merges papers
field by field (:mod:`readlist.store.threeway`) instead of lines of JSON.

``sync`` holds the library's lock throughout: a change from another readlist
process waits, and an open interface sees the merged library as an outside change.

Why it is ~530 lines: set-up, clone, sync, the recovery of a stopped sync, the merge
driver's entry and the checks ``doctor`` and the interface ask for all drive the same
``git`` runner over the same files; the merging itself is :mod:`readlist.store.threeway`.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from readlist.errors import ReadlistError
from readlist.paths import abstracts_path
from readlist.store import Library
from readlist.store.atomic import atomic_write
from readlist.store.format import ABSTRACTS_KIND, LIBRARY_KIND, META_TABLE, Tables
from readlist.store.threeway import (
    ChangeSummary,
    encode,
    merge_abstracts,
    merge_library,
    summarize,
)

#: The name of the merge driver in ``.gitattributes`` and ``.git/config``.
DRIVER = "readlist"
#: How long one git command may take (a fetch or push over a slow network).
GIT_TIMEOUT = 120.0
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


def git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``git -C folder ARGS`` (no shell, no prompt); one clear error if it fails."""
    if shutil.which("git") is None:
        raise ReadlistError("sync needs git, which is not installed (or not on PATH)")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReadlistError(f"git {args[0]} took over {GIT_TIMEOUT:.0f} s; stopped") from None
    if check and result.returncode != 0:
        raise ReadlistError(f"git {args[0]} failed: {_last_line(result.stderr or result.stdout)}")
    return result


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    meaningful = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (meaningful or lines or ["no message"])[-1]


def synced_files(library: Path) -> list[str]:
    """The names of the files that travel: the library and its abstracts."""
    return [library.name, abstracts_path(library).name]


def _is_repository(folder: Path) -> bool:
    result = git(folder, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        return False
    return Path(result.stdout.strip()).resolve() == folder.resolve()


def configure(library: Path) -> None:
    """Write ``.gitattributes`` and ``.gitignore`` and register the merge driver here."""
    folder = library.parent
    names = synced_files(library)
    _add_lines(folder / ".gitattributes", [f"{_pattern(name)} merge={DRIVER}" for name in names])
    ignore = folder / ".gitignore"
    if not ignore.exists():
        _add_lines(
            ignore,
            [
                "# readlist: only the library and its abstracts travel between machines",
                "*",
                "!.gitignore",
                "!.gitattributes",
            ],
        )
    _add_lines(ignore, [f"!{_pattern(name)}" for name in names])
    command = f"{shlex.quote(sys.executable)} -m readlist merge-driver %O %A %B"
    git(folder, "config", f"merge.{DRIVER}.name", "readlist: papers merged field by field")
    git(folder, "config", f"merge.{DRIVER}.driver", command)


def _pattern(name: str) -> str:
    """``name`` as a gitignore/gitattributes pattern matching only that file at the top."""
    escaped = "".join(f"\\{char}" if char in "*?[]!# \\" else char for char in name)
    return "/" + escaped


def _add_lines(path: Path, lines: list[str]) -> None:
    """Append the ``lines`` that ``path`` lacks (it is created if need be)."""
    try:
        text = path.read_text("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ReadlistError(f"cannot read {path}: {error}") from None
    missing = [line for line in lines if line not in text.splitlines()]
    if not missing:
        return
    prefix = "" if not text or text.endswith("\n") else "\n"
    atomic_write(path, (text + prefix + "\n".join(missing) + "\n").encode("utf-8"))


def init(library: Library, remote: str | None = None) -> list[str]:
    """Make the library's folder a git repository (or adopt one) ready to sync; what was done."""
    path = library.path
    folder = path.parent
    done = []
    with library.locked():
        if not _is_repository(folder):
            git(folder, "init", "--quiet")
            done.append(f"made {folder} a git repository")
        configure(path)
        done.append("registered readlist's merge driver (.gitattributes, .git/config)")
        if remote:
            if git(folder, "remote", "get-url", "origin", check=False).returncode == 0:
                git(folder, "remote", "set-url", "origin", remote)
            else:
                git(folder, "remote", "add", "origin", remote)
            done.append(f"remote: {remote}")
        library.load()  # writes nothing; makes sure there is a readable library to commit
        if path.exists():
            _commit(library, f"readlist: library on {socket.gethostname()}")
    return done


def clone(remote: str, library_path: Path) -> list[str]:
    """Set up this machine's library from ``remote``; what was done."""
    folder = library_path.parent
    if library_path.exists():
        raise ReadlistError(
            f"a library is already at {library_path}: use 'readlist sync init {remote}' to"
            " join it to the remote, or --library to clone somewhere else"
        )
    folder.mkdir(parents=True, exist_ok=True)
    if not _is_repository(folder):
        git(folder, "init", "--quiet")
    if git(folder, "remote", "get-url", "origin", check=False).returncode == 0:
        git(folder, "remote", "set-url", "origin", remote)
    else:
        git(folder, "remote", "add", "origin", remote)
    git(folder, "fetch", "--quiet", "origin")
    branch = _remote_branch(folder)
    if branch is None:
        raise ReadlistError(f"{remote} has no commits yet: run 'readlist sync init {remote}' first")
    git(folder, "checkout", "--quiet", "-B", branch, "--track", f"origin/{branch}")
    if not library_path.exists():
        found = sorted(p.name for p in folder.glob("*.json") if ".abstracts." not in p.name)
        hint = f"; it holds {', '.join(found)} (use --library {folder / found[0]})" if found else ""
        raise ReadlistError(f"{remote} holds no {library_path.name}{hint}")
    configure(library_path)
    return [f"cloned {remote} into {folder}", f"library: {library_path}"]


def _remote_branch(folder: Path) -> str | None:
    """The branch of ``origin`` to follow: its default, else the current branch's name."""
    git(folder, "remote", "set-head", "origin", "--auto", check=False)
    head = git(folder, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False)
    if head.returncode == 0 and head.stdout.strip():
        return head.stdout.strip().removeprefix("refs/remotes/origin/")
    current = _current_branch(folder)
    refs = git(folder, "for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin")
    branches = [line for line in refs.stdout.split() if line != "HEAD"]
    if current in branches:
        return current
    return branches[0] if branches else None


def _current_branch(folder: Path) -> str:
    result = git(folder, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return result.stdout.strip() or "main"


def _identity() -> list[str]:
    """``-c`` options naming readlist as the committer when git knows no user here."""
    return [
        "-c",
        f"user.name=readlist on {socket.gethostname()}",
        "-c",
        f"user.email=readlist@{socket.gethostname()}",
    ]


def _git_identity(folder: Path) -> list[str]:
    known = git(folder, "config", "user.email", check=False).stdout.strip()
    return [] if known else _identity()


def _head_tables(folder: Path, name: str) -> Tables | None:
    """The library as the last commit holds it (``None`` before the first)."""
    shown = git(folder, "show", f"HEAD:{name}", check=False)
    if shown.returncode != 0 or not shown.stdout.strip():
        return None
    return _tables(shown.stdout.encode("utf-8"))


def _tables(raw: bytes) -> Tables | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _file_tables(path: Path) -> Tables | None:
    try:
        return _tables(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None


def _commit(library: Library, message: str) -> ChangeSummary | None:
    """Commit the library's files if they changed; what the commit holds."""
    folder, name = library.path.parent, library.path.name
    present = [n for n in synced_files(library.path) if (folder / n).exists()]
    for extra in (".gitattributes", ".gitignore"):
        if (folder / extra).exists():
            present.append(extra)
    git(folder, "add", "--", *present)
    if git(folder, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return None
    summary = summarize(_head_tables(folder, name), _file_tables(library.path))
    body = f"{message}\n\n{summary.describe()}"
    git(folder, *_git_identity(folder), "commit", "--quiet", "--no-verify", "-m", body)
    return summary


def sync(library: Library) -> SyncReport:
    """Commit this machine's changes, merge the remote's, push; see the module docstring."""
    path = library.path
    folder = path.parent
    report = SyncReport()
    with library.locked():
        if not _is_repository(folder):
            raise ReadlistError(
                f"{folder} is not set up for sync: run 'readlist sync init [REMOTE]' first"
            )
        configure(path)  # a fresh clone by plain git: the driver is per machine
        _recover(folder, report)
        host = socket.gethostname()
        report.committed = _commit(library, f"readlist: changes on {host}")
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
            branch = _current_branch(folder)
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
                    f"git push failed: {_last_line(pushed.stderr)}; your changes are committed"
                    " here and go out with the next sync"
                )
    return report


def _recover(folder: Path, report: SyncReport) -> None:
    """Undo what a sync killed halfway left: a merge not concluded, git's own stale lock.

    Only a sync merges here, and it commits this machine's changes first, so an
    unfinished merge is aborted back to that commit (nothing of this machine's is
    lost; the next merge brings the other side in again). git's ``index.lock`` is
    removed only while the library's lock is held and no git process runs here.
    """
    lock = folder / ".git" / "index.lock"
    if lock.exists() and not _git_running_in(folder):
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        report.notes.append("removed git's lock file left by a sync that was stopped")
    if (folder / ".git" / "MERGE_HEAD").exists():
        git(folder, "merge", "--abort", check=False)
        if (folder / ".git" / "MERGE_HEAD").exists():
            git(folder, "reset", "--merge", check=False)
        report.notes.append("undid a merge left unfinished by a sync that was stopped")


def _git_running_in(folder: Path) -> bool:
    """Whether a git process works in ``folder`` (read from /proc; without it, assume so)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    target = folder.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "git":
                continue
            cwd = (entry / "cwd").resolve()
        except OSError:
            continue
        if cwd == target:
            return True
    return False


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
        if not _is_repository(folder):
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
    before = _file_tables(library.path)
    merged = git(
        folder,
        *_git_identity(folder),
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
            f"git could not merge {upstream}: {_last_line(merged.stderr or merged.stdout)};"
            " nothing was changed here"
        )
    after = _file_tables(library.path)
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


def merge_driver(base: Path, ours: Path, theirs: Path) -> int:
    """Git's merge driver: merge the three versions, write the result over ``ours``.

    Returns the exit status for git: 0 merged (conflicts, if any, are flagged in the
    papers, never left to git), 1 when a version is not a readlist file (git then
    keeps its own conflict, and every version stays in the repository).
    """
    versions = []
    for path in (base, ours, theirs):
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None
        tables = _tables(raw) if raw.strip() else {}
        if tables is None:
            raise ReadlistError(f"{path} is not a readlist file; left for git to show")
        versions.append(tables)
    base_tables, our_tables, their_tables = versions
    kind = _kind(our_tables) or _kind(their_tables) or LIBRARY_KIND
    if kind == ABSTRACTS_KIND:
        result = merge_abstracts(base_tables, our_tables, their_tables)
    else:
        result, _ = merge_library(base_tables, our_tables, their_tables)
    atomic_write(ours, encode(result))
    return 0


def _kind(tables: Tables) -> str | None:
    meta = tables.get(META_TABLE)
    if not isinstance(meta, dict):
        return None
    first = next(iter(meta.values()), None)
    return str(first.get("kind", LIBRARY_KIND)) if isinstance(first, dict) else None


def check_sync(library: Path) -> list[tuple[str, str]]:
    """What ``doctor`` should say about the sync set-up: ``(severity, message)`` pairs.

    Nothing when the library's folder is no git repository (sync is not set up).
    """
    folder = library.parent
    if shutil.which("git") is None or not (folder / ".git").exists():
        return []
    if not _is_repository(folder):
        return []
    found: list[tuple[str, str]] = []
    state = git(folder, "status", "--porcelain=v1", "--", *synced_files(library), check=False)
    unmerged = [line[3:] for line in state.stdout.splitlines() if line[:2] in _UNMERGED]
    if unmerged:
        found.append(
            (
                "error",
                f"git holds an unfinished merge of {', '.join(unmerged)}: run"
                f" 'git -C {shlex.quote(str(folder))} merge --abort', then 'readlist sync'",
            )
        )
    elif (folder / ".git" / "MERGE_HEAD").exists():
        found.append(("warning", f"a git merge in {folder} was not finished; run 'readlist sync'"))
    driver = git(folder, "config", "--get", f"merge.{DRIVER}.driver", check=False).stdout
    if not driver.strip():
        found.append(
            ("warning", "readlist's merge driver is not registered here; 'readlist sync' does it")
        )
    attributes = git(folder, "check-attr", "merge", "--", library.name, check=False).stdout
    if f"merge: {DRIVER}" not in attributes:
        found.append(
            ("warning", f".gitattributes does not give {library.name} readlist's merge driver")
        )
    if not found:
        found.append(("info", f"sync: {folder} is a git repository set up for readlist sync"))
    return found


#: ``git status --porcelain`` codes of a file with merge conflicts.
_UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})
