"""Where readlist keeps its data: one small module so every caller agrees."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "readlist"
LIBRARY_ENV = "READLIST_LIBRARY"
#: The folder beside the library that holds the downloaded PDFs.
PDF_FOLDER = "papers"


def default_library_path() -> Path:
    """The library used when neither ``--library`` nor ``READLIST_LIBRARY`` says otherwise."""
    from platformdirs import user_data_dir  # only when no library is named

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "library.json"


def abstracts_path(library: str | os.PathLike[str]) -> Path:
    """The file that holds the abstracts of the library at ``library``, beside it.

    ``library.json`` keeps its abstracts in ``library.abstracts.json``: they are most
    of the bytes, and keeping them apart lets a tag or a status change skip them.
    """
    path = Path(library)
    return path.with_name(f"{path.stem}.abstracts{path.suffix}")


def quarantine_path(library: str | os.PathLike[str]) -> Path:
    """Where damaged records are moved: ``library.quarantine.json`` beside the library."""
    path = Path(library)
    return path.with_name(f"{path.stem}.quarantine{path.suffix}")


def exports_path(library: str | os.PathLike[str]) -> Path:
    """The registry of the exports kept up to date for the library at ``library``, beside it."""
    path = Path(library)
    return path.with_name(f"{path.stem}.exports{path.suffix}")


def lock_path(library: str | os.PathLike[str]) -> Path:
    """The lock file that guards the library at ``library`` (and its abstracts), beside it."""
    path = Path(library)
    return path.with_name(path.name + ".lock")


def real_library_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with a symlinked library file resolved to the file it points at.

    A library reached through a symlink keeps its abstracts, lock and backups
    beside the real file, and a save replaces the real file, never the link.
    A path that is not a symlink is returned as given.
    """
    library = Path(path).expanduser()
    if library.is_symlink():
        return Path(os.path.realpath(library))
    return library


def library_path(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The library file to use: ``explicit``, else ``$READLIST_LIBRARY``, else the default.

    ``environ`` is where ``$READLIST_LIBRARY`` is looked up (the process's by default).
    A symlink is resolved (see :func:`real_library_path`).
    """
    if explicit:
        return real_library_path(explicit)
    from_env = (os.environ if environ is None else environ).get(LIBRARY_ENV)
    if from_env:
        return real_library_path(from_env)
    return real_library_path(default_library_path())
