"""The user's settings: a small ``config.toml`` in the user config folder (or ``$READLIST_CONFIG``).

Read with :mod:`tomllib` when a setting is first needed, so that a broken file only
stops the commands that use it. Today it holds two settings::

    [keys]
    formula = "auth.lower + year + shorttitle(1,1)"

    [history]
    days = 90
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.errors import ReadlistError
from readlist.paths import APP_NAME

if TYPE_CHECKING:  # imported where used: only a command that makes keys reads the formula
    from readlist.keyformula import KeyFormula

CONFIG_ENV = "READLIST_CONFIG"
#: How many days of history the change journal keeps unless ``[history] days`` says otherwise.
DEFAULT_HISTORY_DAYS = 90


def config_path() -> Path:
    """``$READLIST_CONFIG``, else ``config.toml`` in the user config folder."""
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_config_dir  # only when a setting is first needed

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The settings in ``path`` (default :func:`config_path`); ``{}`` when there is no file."""
    import tomllib  # only once a setting is needed

    path = config_path() if path is None else path
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise ReadlistError(f"settings file {path} is not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReadlistError(f"cannot read settings file {path}: {error}") from None


def key_formula(path: Path | None = None) -> KeyFormula:
    """The key formula of the settings (``[keys] formula``), else readlist's own."""
    from readlist.keyformula import DEFAULT, KeyFormula, KeyFormulaError

    path = config_path() if path is None else path
    keys = load_config(path).get("keys", {})
    formula = keys.get("formula") if isinstance(keys, dict) else None
    if formula is None:
        return DEFAULT
    if not isinstance(formula, str):
        raise ReadlistError(f"settings file {path}: [keys] formula must be a string")
    try:
        return KeyFormula.parse(formula)
    except KeyFormulaError as error:
        raise ReadlistError(f"settings file {path}: {error}") from None


def history_days(path: Path | None = None) -> int:
    """How many days the change journal keeps (``[history] days``), else 90."""
    path = config_path() if path is None else path
    history = load_config(path).get("history", {})
    days = history.get("days") if isinstance(history, dict) else None
    if days is None:
        return DEFAULT_HISTORY_DAYS
    if type(days) is not int or days < 1:
        raise ReadlistError(f"settings file {path}: [history] days must be a whole number >= 1")
    return days
