"""Where readlist keeps its data: one small module so every caller agrees."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "readlist"
LIBRARY_ENV = "READLIST_LIBRARY"


def default_library_path() -> Path:
    """The library used when neither ``--library`` nor ``READLIST_LIBRARY`` says otherwise."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "library.json"


def abstracts_path(library: str | os.PathLike[str]) -> Path:
    """The file that holds the abstracts of the library at ``library``, beside it.

    ``library.json`` keeps its abstracts in ``library.abstracts.json``: they are most
    of the bytes, and keeping them apart lets a tag or a status change skip them.
    """
    path = Path(library)
    return path.with_name(f"{path.stem}.abstracts{path.suffix}")


def library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library file to use: ``explicit``, else ``$READLIST_LIBRARY``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_library_path()
