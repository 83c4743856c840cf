"""The search index through the CLI: other processes' changes are always seen."""

from __future__ import annotations

import json
from pathlib import Path

from readlist.store.index import index_path


def keys_found(run_cli, *query: str) -> list[str]:
    result = run_cli("list", "--json", *query, check=True)
    return [paper["key"] for paper in json.loads(result.stdout)]


def test_a_search_after_other_processes_wrote_sees_their_changes(
    run_cli, library_file: Path
) -> None:
    run_cli("import", "--sample", check=True)
    everything = keys_found(run_cli)
    assert keys_found(run_cli, "zyzzyva") == []
    assert index_path(library_file).exists()  # the first free-word search wrote it
    key = everything[3]
    run_cli("note", key, "Zyzzyva, a weevil.", check=True)  # another process
    assert keys_found(run_cli, "zyzzyva") == [key]
    assert run_cli("list", "zyzzyva", check=True).stdout.count("\n") == 1  # plain lines too
    run_cli("note", key, "gone", check=True)
    assert keys_found(run_cli, "zyzzyva") == []
    run_cli("remove", "--yes", key, check=True)
    assert key not in keys_found(run_cli, "gone") + keys_found(run_cli)
