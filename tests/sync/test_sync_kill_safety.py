"""A sync, a git or the merge driver killed halfway: the next sync (or doctor --fix) recovers.

The real git against a bare repository in a temp folder; kills are real SIGKILLs
of the whole process group of a ``readlist sync`` (git and the driver included).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sync.common import (
    assert_same_library_with_tags,
    clashing_commits_without_the_driver,
    leftover_locks,
    papers,
    plain_git,
    tag_on_both,
)

#: Lock files a killed git leaves, by where git writes them (``.git`` of a machine).
LOCKS = (
    "index.lock",
    "HEAD.lock",
    "ORIG_HEAD.lock",
    "config.lock",
    "packed-refs.lock",
    "refs/heads/main.lock",
    "refs/remotes/origin/main.lock",
    "logs/HEAD.lock",
)


def git_out(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


def test_every_stale_git_lock_and_merge_leftover_goes_at_the_next_sync(machines, run_cli) -> None:
    remote, a, b = machines
    git_dir = b.parent / ".git"
    for name in LOCKS:
        (git_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (git_dir / name).write_text("")
    (remote / "refs" / "heads" / "main.lock").write_text("")  # a push killed halfway
    (b.parent / ".merge_file_Ab12Cd").write_text("{}")
    (b.parent / "..merge_file_Ab12Cd.x1y2.tmp").write_text("{")
    doctor = run_cli("doctor", library=b)
    assert "stale git lock(s) left by a git that was stopped" in doctor.stdout
    for name in LOCKS:
        assert f".git/{name}" in doctor.stdout
    assert "a stopped merge left temporary files: ..merge_file_Ab12Cd.x1y2.tmp" in doctor.stdout
    run_cli("tag", "knuth1984", "from-a", library=a, check=True)
    pushed = run_cli("sync", library=a, check=True)  # the remote's lock would stop it
    assert "removed a stale lock in the remote: refs/heads/main.lock" in pushed.stdout
    run_cli("tag", "knuth1984", "from-b", library=b, check=True)
    result = run_cli("sync", library=b, check=True)
    assert "removed git's stale lock .git/refs/heads/main.lock" in result.stdout
    assert leftover_locks(git_dir) == [] and leftover_locks(remote) == []
    assert not list(b.parent.glob("*merge_file*"))
    run_cli("sync", library=a, check=True)
    tags = papers(run_cli, a)["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b"}
    assert papers(run_cli, a) == papers(run_cli, b)
    assert "set up for readlist sync" in run_cli("doctor", library=b, check=True).stdout


#: Plain git commands that stop halfway on the library's JSON lines without readlist's
#: driver, and what each leaves in ``.git`` until it is finished or aborted.
STOPPED = {
    "rebase": (["pull", "--rebase"], ("rebase-merge", "rebase-apply")),
    "cherry-pick": (["cherry-pick", "@{upstream}"], ("CHERRY_PICK_HEAD",)),
    "revert": (["revert", "--no-edit", "HEAD~1"], ("REVERT_HEAD",)),
}


@pytest.mark.parametrize("operation", sorted(STOPPED))
def test_doctor_fix_removes_locks_and_undoes_an_unfinished_operation(
    machines, run_cli, operation: str
) -> None:
    _, a, b = machines
    # Plain git without readlist's driver stops on the JSON lines.
    git_b = clashing_commits_without_the_driver(run_cli, a, b)
    if operation == "revert":  # undoing an older change that b's commit overlaps
        run_cli("tag", "knuth1984", "again-b", library=b, check=True)
        subprocess.run([*git_b, "commit", "-qam", "b2"], check=True)
    subprocess.run([*git_b, "fetch", "-q"], check=True)
    command, markers = STOPPED[operation]
    stopped = subprocess.run([*git_b, *command], capture_output=True, text=True, check=False)
    git_dir = b.parent / ".git"
    assert any((git_dir / marker).exists() for marker in markers), stopped.stdout + stopped.stderr
    (git_dir / "index.lock").write_text("")
    doctor = run_cli("doctor", library=b)
    assert f"a git {operation} in" in doctor.stdout and "was not finished" in doctor.stdout
    assert ".git/index.lock" in doctor.stdout
    fixed = run_cli("doctor", "--fix", library=b)
    assert "removed git's stale lock .git/index.lock" in fixed.stdout
    assert f"undid a {operation} left unfinished" in fixed.stdout
    assert not any((git_dir / marker).exists() for marker in markers)
    assert "was not finished" not in run_cli("doctor", library=b).stdout
    run_cli("sync", library=b, check=True)  # registers the driver again and merges
    run_cli("sync", library=a, check=True)
    tags = papers(run_cli, b)["knuth1984"]["tags"]
    assert isinstance(tags, list) and {"from-a", "from-b"} <= set(tags)
    assert papers(run_cli, a) == papers(run_cli, b)


def test_an_old_driver_registration_is_brought_up_to_date(machines, run_cli) -> None:
    _, _, b = machines
    registered = git_out(b.parent, "config", "merge.readlist.driver").strip()
    assert registered.endswith("merge-driver %O %A %B %P")
    old = registered.removesuffix(" %P")
    subprocess.run(["git", "-C", str(b.parent), "config", "merge.readlist.driver", old], check=True)
    assert "registered the old way" in run_cli("doctor", library=b).stdout
    run_cli("sync", library=b, check=True)
    assert git_out(b.parent, "config", "merge.readlist.driver").strip() == registered
    assert "registered the old way" not in run_cli("doctor", library=b).stdout


def test_the_merge_driver_takes_the_path_git_gives_and_works_without_it(
    run_cli, tmp_path: Path
) -> None:
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_bytes(b"")
    theirs.write_bytes(b'{"abstracts": {"bb": "B"}}')
    for extra in ((), ("library.abstracts.json",)):
        ours.write_bytes(b'{"abstracts": {"aa": "A"}}')
        assert run_cli("merge-driver", str(base), str(ours), str(theirs), *extra).returncode == 0
        merged = ours.read_text("utf-8")
        # Named as an abstracts file, the texts unite; unnamed, it reads as a library
        # (whose other tables merge whole).
        assert ('"aa"' in merged and '"bb"' in merged) == bool(extra)


def killing_driver(delay: float) -> dict[str, str]:
    """Environment that makes git run the driver and SIGKILL the whole sync ``delay`` s later."""
    real = f"{shlex.quote(sys.executable)} -m readlist merge-driver"
    script = f'{real} "$1" "$2" "$3" "$4" & sleep {delay}; kill -9 0'
    command = f"sh -c {shlex.quote(script)} driver %O %A %B %P"
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "merge.readlist.driver",
        "GIT_CONFIG_VALUE_0": command,
    }


def test_a_merge_driver_killed_mid_merge_leaves_everything_usable(
    machines, run_cli, readlist_command: list[str]
) -> None:
    _, a, b = machines
    expected: set[str] = set()
    for round_, delay in enumerate((0.0, 0.1, 0.25, 0.4, 0.8)):
        expected |= tag_on_both(run_cli, a, b, "knuth1984", round_)
        child = subprocess.run(
            [*readlist_command, "--library", str(b), "sync"],
            capture_output=True,
            env={**os.environ, **killing_driver(delay)},
            start_new_session=True,  # kill -9 0 reaches sync, git and the driver, not pytest
            timeout=60,
            check=False,
        )
        assert child.returncode == -signal.SIGKILL
        assert run_cli("list", "--json", library=b).returncode == 0
        recovered = run_cli("sync", library=b, check=True).stdout
        assert "a merge's leftover" in recovered  # git was killed waiting for the driver
        run_cli("sync", library=a, check=True)
        assert leftover_locks(b.parent / ".git") == []
        assert not list(b.parent.glob("*merge_file*"))
        assert_same_library_with_tags(run_cli, a, b, "knuth1984", expected)
    assert run_cli("doctor", library=b).returncode == 0


def test_a_library_file_cut_short_by_a_killed_git_is_put_back_from_the_last_commit(
    machines, run_cli
) -> None:
    _, a, b = machines
    committed = b.read_bytes()
    b.write_bytes(committed[: len(committed) // 2])  # git writes the work tree in place
    assert run_cli("list", library=b).returncode == 1  # as it was, unreadable
    result = run_cli("sync", library=b, check=True)
    assert "library.json was cut short by a git that was stopped" in result.stdout
    assert b.read_bytes() == committed
    assert b.with_name("library.json.torn").read_bytes() == committed[: len(committed) // 2]
    assert papers(run_cli, a) == papers(run_cli, b)
    assert "library.json.torn" not in git_out(b.parent, "status", "--porcelain")


def test_a_lock_held_by_a_running_git_is_left_alone(machines, run_cli) -> None:
    _, _, b = machines
    lock = b.parent / ".git" / "index.lock"
    running = subprocess.Popen(  # a git at work in the folder (waiting on its input)
        ["git", "-C", str(b.parent), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        lock.write_text("")
        assert "stale git lock" not in run_cli("doctor", library=b).stdout
        run_cli("doctor", "--fix", library=b, check=True)
        assert lock.exists()
    finally:
        assert running.stdin is not None
        running.stdin.close()
        running.wait(timeout=30)
    assert ".git/index.lock" in run_cli("doctor", library=b).stdout  # stale now
    run_cli("doctor", "--fix", library=b, check=True)
    assert not lock.exists()


def test_a_change_made_on_a_merge_left_unfinished_is_kept(machines, run_cli) -> None:
    _, a, b = machines
    run_cli("tag", "knuth1984", "from-a", library=a, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("tag", "knuth1984", "from-b", library=b, check=True)
    run_cli("sync", "init", library=b, check=True)  # commits b's change
    git_b = plain_git(b.parent)
    subprocess.run([*git_b, "fetch", "-q"], check=True)
    # Merged by readlist's driver but not committed, as a sync killed at that moment leaves it.
    subprocess.run([*git_b, "merge", "--no-commit", "--no-ff", "@{upstream}"], check=True)
    assert (b.parent / ".git" / "MERGE_HEAD").exists()
    run_cli("tag", "knuth1984", "meanwhile", library=b, check=True)  # the user goes on
    result = run_cli("sync", library=b, check=True)
    assert "undid a merge left unfinished" in result.stdout
    assert not (b.parent / ".git" / "MERGE_HEAD").exists()
    run_cli("sync", library=a, check=True)
    tags = papers(run_cli, a)["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b", "meanwhile"}
    assert papers(run_cli, a) == papers(run_cli, b)
