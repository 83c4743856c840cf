"""What the interface remembers between runs: sort, query, sidebar, export folder and format.

The state is a small JSON file in the user's state folder (``$READLIST_STATE``
names another file), never in the library: it is about the screen, not the
papers. A missing file is a first run; a damaged one is ignored (the caller
says so once) and replaced on the next save. Saving is best effort: a state
that cannot be written costs the next run its memory, nothing more.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_state_dir

from readlist.errors import ReadlistError
from readlist.paths import APP_NAME
from readlist.store.atomic import atomic_write

STATE_ENV = "READLIST_STATE"
#: Export formats the interface offers, by name; the first is the default.
EXPORT_FORMATS = ("bibtex", "csl-json", "markdown")


def state_path() -> Path:
    """The state file: ``$READLIST_STATE``, else ``tui-state.json`` in the user state folder."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return Path(user_state_dir(APP_NAME, appauthor=False)) / "tui-state.json"


@dataclass
class TuiState:
    """The remembered settings; ``queries`` maps a library file to its last query."""

    sort_by: str = "published"
    sort_reversed: bool = False
    sidebar_visible: bool = True
    export_folder: str = ""
    export_format: str = EXPORT_FORMATS[0]
    queries: dict[str, str] = field(default_factory=dict)

    def query_for(self, library: Path) -> str:
        """The last query typed on ``library``."""
        return self.queries.get(str(library), "")

    def remember_query(self, library: Path, query: str) -> None:
        """Keep ``query`` as the last one on ``library`` (an empty one is forgotten)."""
        if query:
            self.queries[str(library)] = query
        else:
            self.queries.pop(str(library), None)


def _from_json(data: Any) -> TuiState:
    """A state from parsed JSON; anything of the wrong shape raises ValueError."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    state = TuiState()
    for member in fields(TuiState):
        if member.name not in data:
            continue
        value = data[member.name]
        expected = type(getattr(state, member.name))
        if type(value) is not expected:
            raise ValueError(f"{member.name} should be {expected.__name__}")
        if member.name == "queries" and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValueError("queries should map text to text")
        setattr(state, member.name, value)
    if state.export_format not in EXPORT_FORMATS:
        state.export_format = EXPORT_FORMATS[0]
    return state


def load_state(path: Path | None = None) -> tuple[TuiState, str | None]:
    """The remembered state and, when the file could not be used, a one-line reason."""
    path = path or state_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return TuiState(), None
    except OSError as error:
        return TuiState(), f"Cannot read the saved screen state {path}: {error.strerror or error}"
    try:
        return _from_json(json.loads(raw)), None
    except (ValueError, UnicodeDecodeError) as error:
        return TuiState(), f"Ignored the damaged screen state {path} ({error})"


def save_state(state: TuiState, path: Path | None = None) -> str | None:
    """Write ``state``; a one-line reason when it could not be saved, else None."""
    path = path or state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(asdict(state), indent=2, ensure_ascii=False) + "\n"
        atomic_write(path, payload.encode("utf-8"))
    except OSError as error:
        return f"Cannot save the screen state {path}: {error.strerror or error}"
    except ReadlistError as error:
        return f"Cannot save the screen state: {error}"
    return None
