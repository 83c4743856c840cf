"""Helpers of the sync tests: what a machine's library holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def papers(run_cli: Any, library: Path) -> dict[str, dict[str, object]]:
    """The papers of ``library`` by key, as ``list --json`` gives them."""
    listed = run_cli("list", "--json", library=library, check=True).stdout
    return {paper["key"]: paper for paper in json.loads(listed)}
