"""Helpers of the sync tests: what a machine's library holds, the locks git left."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


def papers(run_cli: Any, library: Path) -> dict[str, dict[str, object]]:
    """The papers of ``library`` by key, as ``list --json`` gives them."""
    listed = run_cli("list", "--json", library=library, check=True).stdout
    return {paper["key"]: paper for paper in json.loads(listed)}


def tag_on_both(run_cli: Any, a: Path, b: Path, key: str, round_: int) -> set[str]:
    """Tag ``key`` on A, synced out, and on B, not yet: B's next sync has a merge to do."""
    tag_a, tag_b = f"a{round_}", f"b{round_}"
    run_cli("tag", key, tag_a, library=a, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("tag", key, tag_b, library=b, check=True)
    return {tag_a, tag_b}


def assert_same_library_with_tags(
    run_cli: Any, a: Path, b: Path, key: str, expected: set[str]
) -> None:
    """A and B hold the same papers, and ``key`` carries exactly the ``expected`` tags."""
    assert papers(run_cli, a) == papers(run_cli, b)
    tags = papers(run_cli, b)[key]["tags"]
    assert isinstance(tags, list) and set(tags) == expected


def plain_git(folder: Path) -> list[str]:
    """``git -C folder`` with a committer: git run by hand in a machine's folder."""
    return ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t"]


def clashing_commits_without_the_driver(run_cli: Any, a: Path, b: Path) -> list[str]:
    """A tags knuth1984 and syncs; B, its merge driver unregistered, tags it too and commits.

    A plain git merge on B then stops on the JSON lines. Returns B's :func:`plain_git`.
    """
    subprocess.run(["git", "-C", str(b.parent), "config", "--remove-section", "merge.readlist"])
    run_cli("tag", "knuth1984", "from-a", library=a, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("tag", "knuth1984", "from-b", library=b, check=True)
    git_b = plain_git(b.parent)
    subprocess.run([*git_b, "commit", "-qam", "b"], check=True)
    return git_b


def leftover_locks(folder: Path) -> list[str]:
    """The ``*.lock`` files under a git folder (objects apart), as paths relative to it."""
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*.lock")
        if "objects" not in path.relative_to(folder).parts
    )
