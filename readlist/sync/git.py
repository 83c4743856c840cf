"""The git runner of sync, what travels between machines, and the commit of it.

The real ``git`` binary does the work, always with an argument list (never a
shell), in the library's folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import orjson

from readlist.errors import ReadlistError
from readlist.paths import PDF_FOLDER, abstracts_path
from readlist.store import Library
from readlist.store.format import Tables
from readlist.store.threeway import ChangeSummary, summarize

#: The name of the merge driver in ``.gitattributes`` and ``.git/config``.
DRIVER = "readlist"
#: How long one git command may take (a fetch or push over a slow network).
GIT_TIMEOUT = 120.0


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
        raise ReadlistError(f"git {args[0]} failed: {last_line(result.stderr or result.stdout)}")
    return result


def last_line(text: str) -> str:
    """The line of git's output that says what went wrong (its last error, else its last)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    meaningful = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (meaningful or lines or ["no message"])[-1]


def synced_files(library: Path) -> list[str]:
    """The names of the files that travel: the library and its abstracts."""
    return [library.name, abstracts_path(library).name]


def is_repository(folder: Path) -> bool:
    """Whether ``folder`` is the top of a git work tree (not merely inside one)."""
    result = git(folder, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        return False
    return Path(result.stdout.strip()).resolve() == folder.resolve()


#: The ``.gitignore`` lines that let the PDFs folder travel (``sync init --with-pdfs``);
#: the partial downloads in it (``.KEY.pdf.XXXX.part``) stay out all the same.
PDF_IGNORE_LINES = (f"!/{PDF_FOLDER}/", f"!/{PDF_FOLDER}/**", f"/{PDF_FOLDER}/**/.*")


def pdfs_travel(folder: Path) -> bool:
    """Whether the repository in ``folder`` holds the PDFs folder (its ``.gitignore`` says so)."""
    try:
        lines = (folder / ".gitignore").read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return PDF_IGNORE_LINES[0] in lines


def current_branch(folder: Path) -> str:
    """The branch checked out in ``folder`` (``main`` before the first commit names one)."""
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


def git_identity(folder: Path) -> list[str]:
    """The ``-c`` options a commit or merge in ``folder`` needs: none when git knows the user."""
    known = git(folder, "config", "user.email", check=False).stdout.strip()
    return [] if known else _identity()


def head_tables(folder: Path, name: str) -> Tables | None:
    """The library as the last commit holds it (``None`` before the first)."""
    shown = git(folder, "show", f"HEAD:{name}", check=False)
    if shown.returncode != 0 or not shown.stdout.strip():
        return None
    return read_tables(shown.stdout.encode("utf-8"))


def read_tables(raw: bytes) -> Tables | None:
    """The tables of a library file's bytes; ``None`` when they are no JSON object."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def file_tables(path: Path) -> Tables | None:
    """The tables of the file at ``path``; ``None`` when it is absent or no JSON object."""
    try:
        return read_tables(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ReadlistError(f"cannot read {path}: {error.strerror or error}") from None


def commit(library: Library, message: str) -> ChangeSummary | None:
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
    summary = summarize(head_tables(folder, name), file_tables(library.path))
    body = f"{message}\n\n{summary.describe()}"
    git(folder, *git_identity(folder), "commit", "--quiet", "--no-verify", "-m", body)
    return summary
