"""The use cases the CLI and the TUI share, so that each rule lives in one place.

:func:`open_library` is how both faces open a library: the path's symlink is
resolved once (the library, its abstracts, its lock and its backups then all sit
beside the real file), the daily backup is taken before the first change, and
every save rewrites the exports kept up to date (:mod:`readlist.kept_exports`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from readlist.config import DEFAULT_HISTORY_DAYS, history_days, key_formula
from readlist.errors import ReadlistError
from readlist.keyformula import KeyFormula
from readlist.models import Paper
from readlist.paths import real_library_path
from readlist.store import Library
from readlist.store.backup import daily_backup
from readlist.text import escape_controls


def warn_on_stderr(message: str) -> None:
    """Write ``message`` as one ``warning:`` line on standard error."""
    sys.stderr.write(f"warning: {escape_controls(message)}\n")


def open_library(
    path: str | os.PathLike[str], *, warn: Callable[[str], None] = warn_on_stderr
) -> Library:
    """The library at ``path`` (through a symlink, the real file), backed up daily.

    After every save the kept exports it changes are rewritten; a failure to
    write one is reported through ``warn`` and never fails the save. New papers
    get keys from the user's key formula, read from the settings when the first one
    is made (a broken settings file only stops commands that add papers). The
    change journal keeps the days the settings say (a broken setting: 90, with a warning).
    """
    formulas: list[KeyFormula] = []

    def configured_key(paper: Paper) -> str:
        if not formulas:
            formulas.append(key_formula())
        return formulas[0].key(paper)

    def keep_exports(library: Library, changed: list[str]) -> None:
        from readlist.kept_exports import refresh_kept_exports

        refresh_kept_exports(library, changed, warn)

    def journal_days() -> int:
        try:
            return history_days()
        except ReadlistError as error:
            warn(f"{error}; keeping {DEFAULT_HISTORY_DAYS} days of history")
            return DEFAULT_HISTORY_DAYS

    return Library(
        real_library_path(path),
        before_first_write=daily_backup,
        after_save=keep_exports,
        make_key=configured_key,
        history_days=journal_days,
        warn=warn,
    )
