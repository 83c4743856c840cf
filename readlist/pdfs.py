"""Papers' PDFs: where they are kept, downloading one atomically, and which one to open.

A downloaded PDF lives in ``papers/`` beside the library file, named by the key it
was downloaded under (``papers/KEY.pdf``); the paper records that file name,
relative to the library's folder (:attr:`Paper.pdf`), so a rekey keeps it. A PDF is
bytes kept on disk, never run: it is only ever handed to the PDF viewer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx

from readlist.errors import ReadlistError
from readlist.links import safe_url
from readlist.merge import identity
from readlist.models import Paper
from readlist.net import NetSettings, net_settings
from readlist.net.download import download_pdf
from readlist.paths import PDF_FOLDER
from readlist.store import Library
from readlist.store.atomic import fsync_folder

#: Characters of a key that may not appear in a file name.
_UNSAFE = re.compile(r"[^\w.+-]")


def pdf_file(library_path: Path, paper: Paper) -> Path | None:
    """The paper's downloaded PDF, when its record names one that is there."""
    name = paper.pdf
    if not name:
        return None
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        return None  # a record edited by hand to point elsewhere: not ours to open
    path = library_path.parent.joinpath(*relative.parts)
    return path if path.is_file() else None


def pdf_size(library_path: Path, paper: Paper) -> int | None:
    """The size in bytes of the paper's downloaded PDF, if it has one."""
    path = pdf_file(library_path, paper)
    if path is None:
        return None
    try:
        return path.stat().st_size
    except OSError:
        return None


def human_size(size: int) -> str:
    """``2.4 MB``, ``830 kB``, ``512 B``: a size for people (decimal units)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    unit = "B"
    for unit in ("kB", "MB", "GB"):  # noqa: B007 - the unit the loop stops at is the one shown
        value /= 1000
        if value < 999.5:
            break
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def _looks_like_pdf(url: str) -> bool:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return path.endswith(".pdf") or "/pdf/" in path


def pdf_url(paper: Paper, settings: NetSettings) -> str | None:
    """Where the paper's PDF is: arXiv's (by its id), else a PDF link it has, else None."""
    arxiv = sorted(identity(paper).arxiv)
    if arxiv:
        return f"{settings.arxiv_pdf}/{arxiv[0]}"
    for link in paper.links:
        if _looks_like_pdf(link.url) and safe_url(link.url):
            return link.url
    return None


def open_target(library_path: Path, paper: Paper, settings: NetSettings) -> Path | str:
    """What ``open --pdf`` opens: the downloaded PDF, else the PDF's link; else an error."""
    path = pdf_file(library_path, paper)
    if path is not None:
        return path
    url = pdf_url(paper, settings)
    if url is None:
        raise ReadlistError(
            f"{paper.key} has no PDF: no downloaded file and no PDF link (an arXiv id, a .pdf URL)"
        )
    return url


@dataclass(frozen=True)
class PdfFetch:
    """A PDF downloaded: for which paper, where it was kept, its size and where it came from."""

    key: str
    path: Path
    size: int
    url: str


def _target(folder: Path, paper: Paper) -> tuple[Path, str]:
    """The file the PDF of ``paper`` goes to, and its name as the record keeps it.

    Its own file again, else ``KEY.pdf``, else ``KEY-2.pdf``…: never another paper's.
    """
    stem = _UNSAFE.sub("_", paper.key).lstrip(".") or "paper"
    count = 1
    while True:
        name = f"{stem}.pdf" if count == 1 else f"{stem}-{count}.pdf"
        relative = f"{PDF_FOLDER}/{name}"
        path = folder / name
        if relative == paper.pdf or not path.exists():
            return path, relative
        count += 1


def fetch_pdf(
    library: Library,
    key: str,
    *,
    settings: NetSettings | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PdfFetch:
    """Download the PDF of paper ``key`` into ``papers/`` and record it in the paper.

    Written to a temporary file beside it, synced and renamed over: a kill or a
    failure never leaves half a PDF under the paper's name. Every failure (no PDF
    link, the network, not a PDF, too big, the disk) is one :class:`ReadlistError`.
    """
    settings = settings or net_settings()
    paper = library.get(key)
    url = pdf_url(paper, settings)
    if url is None:
        raise ReadlistError(f"{key} has no PDF link (no arXiv id, no link to a .pdf)")
    folder = library.path.parent / PDF_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target, relative = _target(folder, paper)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise ReadlistError(f"cannot write into {folder}: {_reason(error)}") from None
    try:
        with os.fdopen(fd, "wb") as sink:
            size = download_pdf(url, sink, settings, key=key, transport=transport)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
        fsync_folder(folder)
    except OSError as error:
        raise ReadlistError(
            f"cannot write {target}: {_reason(error)}; no PDF was kept for {key}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)  # gone after a rename; what a failure left otherwise
    library.set_pdf(key, relative)
    return PdfFetch(key, target, size, url)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return error.strerror or str(error)
