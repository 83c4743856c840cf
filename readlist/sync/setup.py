"""Making a folder ready to sync: ``.gitattributes``, ``.gitignore``, the driver, init, clone.

Only the library and its abstracts travel (a whitelist ``.gitignore``); locks,
backups, drafts, the search index and the kept-exports registry stay on each
machine. ``.gitattributes`` names readlist's merge driver for both files, and each
machine's ``.git/config`` says how to run it (``python -m readlist merge-driver
%O %A %B %P``), so that git merges papers field by field
(:mod:`readlist.sync.driver`) instead of lines of JSON.
"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.paths import PDF_FOLDER
from readlist.store import Library
from readlist.store.atomic import atomic_write
from readlist.sync.git import (
    DRIVER,
    PDF_IGNORE_LINES,
    commit,
    current_branch,
    git,
    is_repository,
    synced_files,
)

#: The ``.gitattributes`` line for the PDFs: binary, merged by readlist's driver.
PDF_ATTRIBUTES = f"/{PDF_FOLDER}/** -text -diff merge={DRIVER}"


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
        if not is_repository(folder):
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
            commit(library, f"readlist: library on {socket.gethostname()}")
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
    if not is_repository(folder):
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
    current = current_branch(folder)
    refs = git(folder, "for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin")
    branches = [line for line in refs.stdout.split() if line != "HEAD"]
    if current in branches:
        return current
    return branches[0] if branches else None
