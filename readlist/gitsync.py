"""One library on every machine through git: set-up, the merge driver, and ``readlist sync``.

The real ``git`` binary does the work, always with an argument list (never a
shell), in the library's folder. Only the library and its abstracts travel
(a whitelist ``.gitignore``); locks, backups, drafts, the search index and the
kept-exports registry stay on each machine. ``.gitattributes`` names readlist's
merge driver for both files, and each machine's ``.git/config`` says how to run
it (``python -m readlist merge-driver %O %A %B %P``), so that git merges papers
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from readlist.errors import ReadlistError
from readlist.paths import PDF_FOLDER, abstracts_path
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


#: The ``.gitignore`` lines that let the PDFs folder travel (``sync init --with-pdfs``);
#: the partial downloads in it (``.KEY.pdf.XXXX.part``) stay out all the same.
PDF_IGNORE_LINES = (f"!/{PDF_FOLDER}/", f"!/{PDF_FOLDER}/**", f"/{PDF_FOLDER}/**/.*")
#: The ``.gitattributes`` line for the PDFs: binary, merged by readlist's driver.
PDF_ATTRIBUTES = f"/{PDF_FOLDER}/** -text -diff merge={DRIVER}"


def pdfs_travel(folder: Path) -> bool:
    """Whether the repository in ``folder`` holds the PDFs folder (its ``.gitignore`` says so)."""
    try:
        lines = (folder / ".gitignore").read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return PDF_IGNORE_LINES[0] in lines


def configure(library: Path, *, with_pdfs: bool = False) -> None:
    """Write ``.gitattributes`` and ``.gitignore`` and register the merge driver here.

    ``with_pdfs`` lets the PDFs folder travel too (plain git; once set, the
    ``.gitignore`` keeps saying so).
    """
    folder = library.parent
    names = synced_files(library)
    attributes = [f"{_pattern(name)} merge={DRIVER}" for name in names]
    _add_lines(folder / ".gitattributes", attributes + ([PDF_ATTRIBUTES] if with_pdfs else []))
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
    if with_pdfs:
        _add_lines(ignore, list(PDF_IGNORE_LINES))
    # Set at every sync: a registration without %P (older readlists) is brought up to date.
    command = f"{shlex.quote(sys.executable)} -m readlist merge-driver %O %A %B %P"
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


def init(library: Library, remote: str | None = None, *, with_pdfs: bool = False) -> list[str]:
    """Make the library's folder a git repository (or adopt one) ready to sync; what was done.

    ``with_pdfs``: the PDFs folder travels too (plain git, see docs/sync.md).
    """
    path = library.path
    folder = path.parent
    done = []
    with library.locked():
        if not _is_repository(folder):
            git(folder, "init", "--quiet")
            done.append(f"made {folder} a git repository")
        configure(path, with_pdfs=with_pdfs)
        done.append("registered readlist's merge driver (.gitattributes, .git/config)")
        if with_pdfs:
            done.append(f"the PDFs in {PDF_FOLDER}/ travel too (plain git)")
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
    if pdfs_travel(folder) and (folder / PDF_FOLDER).is_dir():
        present.append(PDF_FOLDER)
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
        _recover(library, report)  # first: a stale lock would stop every git command
        configure(path)  # a fresh clone by plain git: the driver is per machine
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


#: Lock files git writes beside what it changes (``index.lock``, ``HEAD.lock``,
#: ``refs/heads/main.lock``, ``packed-refs.lock``, ``config.lock``...): a git that
#: was killed leaves them, and every later git command that needs the file fails.
LOCK_SUFFIX = ".lock"
#: Temporary files git makes in the work tree for a merge driver (``%O %A %B``), and
#: the temporary file the driver writes its result through.
MERGE_LEFTOVERS = (".merge_file_*", "..merge_file_*.tmp")


@dataclass(frozen=True)
class GitLeftovers:
    """What a git (or a sync) killed halfway leaves in a repository."""

    locks: list[Path]
    merge_files: list[Path]
    #: ``merge``, ``rebase``, ``cherry-pick`` or ``revert`` when one was left unfinished.
    unfinished: list[str]

    def __bool__(self) -> bool:
        return bool(self.locks or self.merge_files or self.unfinished)


def _git_dir(folder: Path) -> Path:
    return folder / ".git"


def find_leftovers(folder: Path) -> GitLeftovers:
    """The stale locks, merge temporaries and unfinished operations in ``folder``'s repository.

    Locks count as stale only when no git process works in the folder (read from
    /proc): a git running now holds its locks rightly.
    """
    git_dir = _git_dir(folder)
    locks: list[Path] = []
    if git_dir.is_dir() and not _git_running_in(folder):
        for path in sorted(git_dir.rglob("*" + LOCK_SUFFIX)):
            relative = path.relative_to(git_dir).parts
            if relative[0] != "objects" and path.is_file():
                locks.append(path)
    merge_files = sorted(
        path for pattern in MERGE_LEFTOVERS for path in folder.glob(pattern) if path.is_file()
    )
    unfinished = [
        name
        for name, marker in (
            ("merge", "MERGE_HEAD"),
            ("rebase", "rebase-merge"),
            ("rebase", "rebase-apply"),
            ("cherry-pick", "CHERRY_PICK_HEAD"),
            ("revert", "REVERT_HEAD"),
        )
        if (git_dir / marker).exists()
    ]
    return GitLeftovers(locks, merge_files, list(dict.fromkeys(unfinished)))


def clean_leftovers(folder: Path, keep: Sequence[str] = ()) -> list[str]:
    """Remove what a killed git or sync left in ``folder``'s repository; a line per thing done.

    Call it only under the library's lock (no other readlist sync runs then). An
    unfinished merge, rebase, cherry-pick or revert is aborted: only a sync merges
    here, and it commits this machine's changes first, so aborting goes back to
    that commit (the next merge brings the other side in again). Before a merge
    (a sync's) is undone, the files named in ``keep`` (the library's) are read and,
    if they are whole JSON that differs from that commit (the merge's result,
    perhaps changed since), put back after: the next sync commits them, and merging
    again changes nothing they already hold.
    """
    done: list[str] = []
    found = find_leftovers(folder)
    for lock in found.locks:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        done.append(f"removed git's stale lock {lock.relative_to(folder)}")
    for leftover in found.merge_files:
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
        done.append(f"removed {leftover.name}, a merge's leftover")
    if not found.unfinished:
        return done
    kept: dict[str, bytes] = {}
    for name in keep if found.unfinished == ["merge"] else ():
        with contextlib.suppress(OSError):
            raw = (folder / name).read_bytes()
            if raw.strip() and _tables(raw) is not None:
                kept[name] = raw
    git_dir = _git_dir(folder)
    for operation in found.unfinished:
        git(folder, operation, "--abort", check=False)
        if operation == "rebase":
            if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
                git(folder, "rebase", "--quit", check=False)
        else:
            git(folder, "reset", "--merge", check=False)
            for marker in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"):
                with contextlib.suppress(FileNotFoundError):
                    (git_dir / marker).unlink()
        done.append(f"undid a {operation} left unfinished (by a sync that was stopped?)")
    for name, raw in kept.items():
        path = folder / name
        with contextlib.suppress(OSError):
            if path.read_bytes() != raw:
                atomic_write(path, raw)
                done.append(f"kept {name} as it was (it goes out with the next sync)")
    return done


def _remote_folder(folder: Path) -> Path | None:
    """The remote's repository folder when ``origin`` is a folder on this machine."""
    url = git(folder, "remote", "get-url", "origin", check=False).stdout.strip()
    if not url:
        return None
    path = Path(url.removeprefix("file://"))
    if not path.is_absolute():
        path = folder / path
    if (path / "refs").is_dir() and (path / "objects").is_dir():
        return path  # a bare repository
    if (path / ".git").is_dir():
        return path / ".git"
    return None


def _clean_remote_locks(folder: Path) -> list[str]:
    """Remove ref locks a push killed halfway left in a remote that is a folder here.

    Only when no process on this machine works in that repository: a push from
    here that was killed took its ``git receive-pack`` with it, and left the locks.
    """
    remote = _remote_folder(folder)
    if remote is None or _git_running_in(remote):
        return []
    done = []
    for lock in sorted(remote.rglob("*" + LOCK_SUFFIX)):
        if lock.relative_to(remote).parts[0] == "objects" or not lock.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
        done.append(f"removed a stale lock in the remote: {lock.relative_to(remote)}")
    return done


def _recover(library: Library, report: SyncReport) -> None:
    """Undo what a sync killed halfway left: git's stale locks, merge leftovers, a merge.

    A synced file that is no JSON at all was cut short by a git killed while it
    wrote the work tree (readlist itself writes whole files or nothing): it is
    moved aside (``NAME.torn``) and the last commit's version put back.
    """
    folder = library.path.parent
    report.notes.extend(clean_leftovers(folder, synced_files(library.path)))
    report.notes.extend(_clean_remote_locks(folder))
    for name in synced_files(library.path):
        path = folder / name
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if not raw.strip() or _tables(raw) is not None:
            continue
        if git(folder, "cat-file", "-e", f"HEAD:{name}", check=False).returncode != 0:
            continue
        path.replace(path.with_name(name + ".torn"))
        git(folder, "checkout", "HEAD", "--", name)
        report.notes.append(
            f"{name} was cut short by a git that was stopped: put back the last synced"
            f" version (the cut one is {name}.torn)"
        )


def _git_running_in(folder: Path) -> bool:
    """Whether a git process works in ``folder`` or below (from /proc; without it, assume so)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    target = folder.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "comm").read_text().strip().startswith("git"):
                continue
            cwd = (entry / "cwd").resolve()
        except OSError:
            continue
        if cwd == target or target in cwd.parents:
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


def merge_driver(base: Path, ours: Path, theirs: Path, path: str | None = None) -> int:
    """Git's merge driver: merge the three versions, write the result over ``ours``.

    ``path`` is the file's name in the repository (git's ``%P``; older registrations
    give none): it tells an abstracts file whose versions carry no kind.

    Returns the exit status for git: 0 merged (conflicts, if any, are flagged in the
    papers, never left to git), 1 when a version is not a readlist file (git then
    keeps its own conflict, and every version stays in the repository).
    """
    if path and path.startswith(f"{PDF_FOLDER}/"):
        return _merge_pdf(ours, theirs)
    versions = []
    for version in (base, ours, theirs):
        try:
            raw = version.read_bytes()
        except OSError as error:
            raise ReadlistError(f"cannot read {version}: {error.strerror or error}") from None
        tables = _tables(raw) if raw.strip() else {}
        if tables is None:
            raise ReadlistError(f"{version} is not a readlist file; left for git to show")
        versions.append(tables)
    base_tables, our_tables, their_tables = versions
    named = ABSTRACTS_KIND if path and path.endswith(".abstracts.json") else LIBRARY_KIND
    kind = _kind(our_tables) or _kind(their_tables) or named
    if kind == ABSTRACTS_KIND:
        result = merge_abstracts(base_tables, our_tables, their_tables)
    else:
        result, _ = merge_library(base_tables, our_tables, their_tables)
    atomic_write(ours, encode(result))
    return 0


def _merge_pdf(ours: Path, theirs: Path) -> int:
    """Two machines stored different PDFs under one name: keep one, the same on both.

    The one whose SHA-256 sorts last, so that the machines agree whichever merges.
    """
    import hashlib

    try:
        mine, other = ours.read_bytes(), theirs.read_bytes()
    except OSError as error:
        raise ReadlistError(f"cannot read a PDF to merge: {error.strerror or error}") from None
    if hashlib.sha256(other).digest() > hashlib.sha256(mine).digest():
        atomic_write(ours, other)
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
        found.append(
            (
                "warning",
                f"a git merge in {folder} was not finished; 'readlist doctor --fix' or"
                " 'readlist sync' undoes it",
            )
        )
    left = find_leftovers(folder)
    if left.locks:
        names = ", ".join(str(lock.relative_to(folder)) for lock in left.locks)
        found.append(
            (
                "warning",
                f"stale git lock(s) left by a git that was stopped: {names};"
                " 'readlist doctor --fix' or 'readlist sync' removes them",
            )
        )
    if left.merge_files:
        names = ", ".join(leftover.name for leftover in left.merge_files)
        found.append(
            (
                "warning",
                f"a stopped merge left temporary files: {names};"
                " 'readlist doctor --fix' or 'readlist sync' removes them",
            )
        )
    for operation in [name for name in left.unfinished if name != "merge"]:  # merge: above
        found.append(
            (
                "warning",
                f"a git {operation} in {folder} was not finished;"
                " 'readlist doctor --fix' or 'readlist sync' undoes it",
            )
        )
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
    elif "%P" not in driver:
        found.append(
            (
                "warning",
                "readlist's merge driver is registered the old way; 'readlist sync' updates it",
            )
        )
    if not found:
        found.append(("info", f"sync: {folder} is a git repository set up for readlist sync"))
    return found


def fix_sync(library: Library) -> list[str]:
    """``doctor --fix``: remove what a killed git or sync left; a line per thing done.

    Under the library's lock, so that no readlist sync is running meanwhile.
    """
    folder = library.path.parent
    if shutil.which("git") is None or not (folder / ".git").is_dir():
        return []
    with library.locked():
        if not _is_repository(folder):
            return []
        return clean_leftovers(folder, synced_files(library.path))


#: ``git status --porcelain`` codes of a file with merge conflicts.
_UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})
