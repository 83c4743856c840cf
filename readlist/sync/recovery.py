"""What a git or a sync stopped halfway leaves, found and undone: for ``sync`` and ``doctor``.

Stale locks (in the repository and in a remote that is a folder here), a merge
driver's temporary files, an unfinished merge, rebase, cherry-pick or revert, and
a synced file cut short by a killed git. ``sync`` cleans them first
(:func:`recover`); ``doctor`` reports them with the rest of the set-up
(:func:`check_sync`) and ``doctor --fix`` cleans them (:func:`fix_sync`).
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from readlist.store import Library
from readlist.store.atomic import atomic_write
from readlist.sync.git import DRIVER, git, is_repository, read_tables, synced_files

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
            if raw.strip() and read_tables(raw) is not None:
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


def recover(library: Library) -> list[str]:
    """Undo what a sync killed halfway left: git's stale locks, merge leftovers, a merge.

    A synced file that is no JSON at all was cut short by a git killed while it
    wrote the work tree (readlist itself writes whole files or nothing): it is
    moved aside (``NAME.torn``) and the last commit's version put back. Call it
    under the library's lock; a line per thing done.
    """
    folder = library.path.parent
    done = clean_leftovers(folder, synced_files(library.path))
    done.extend(_clean_remote_locks(folder))
    for name in synced_files(library.path):
        path = folder / name
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if not raw.strip() or read_tables(raw) is not None:
            continue
        if git(folder, "cat-file", "-e", f"HEAD:{name}", check=False).returncode != 0:
            continue
        path.replace(path.with_name(name + ".torn"))
        git(folder, "checkout", "HEAD", "--", name)
        done.append(
            f"{name} was cut short by a git that was stopped: put back the last synced"
            f" version (the cut one is {name}.torn)"
        )
    return done


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


def check_sync(library: Path) -> list[tuple[str, str]]:
    """What ``doctor`` should say about the sync set-up: ``(severity, message)`` pairs.

    Nothing when the library's folder is no git repository (sync is not set up).
    """
    folder = library.parent
    if shutil.which("git") is None or not (folder / ".git").exists():
        return []
    if not is_repository(folder):
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
        if not is_repository(folder):
            return []
        return clean_leftovers(folder, synced_files(library.path))


#: ``git status --porcelain`` codes of a file with merge conflicts.
_UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})
