"""Helpers of the sync tests: what a machine's library holds, the locks git left."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def papers(run_cli: Any, library: Path) -> dict[str, dict[str, object]]:
    """The papers of ``library`` by key, as ``list --json`` gives them."""
    listed = run_cli("list", "--json", library=library, check=True).stdout
    return {paper["key"]: paper for paper in json.loads(listed)}


def leftover_locks(folder: Path) -> list[str]:
    """The ``*.lock`` files under a git folder (objects apart), as paths relative to it."""
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*.lock")
        if "objects" not in path.relative_to(folder).parts
    )
