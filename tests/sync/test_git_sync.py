"""Two machines, one library, synced through the real git against a bare repository.

Each "machine" is a library folder of its own; they meet only through a bare
repository in a temp folder, as two laptops meet through a git server.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from pathlib import Path

from tests.sync.common import (
    assert_same_library_with_tags,
    clashing_commits_without_the_driver,
    leftover_locks,
    papers,
    tag_on_both,
)


def test_downloaded_pdfs_are_not_synced(machines, run_cli) -> None:
    _, a, _ = machines
    (a.parent / "papers").mkdir()
    (a.parent / "papers" / "knuth1984.pdf").write_bytes(b"%PDF-1.4\n")
    ignored = subprocess.run(
        ["git", "-C", str(a.parent), "check-ignore", "papers/knuth1984.pdf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.returncode == 0, ignored  # 0: git ignores it
    status = subprocess.run(
        ["git", "-C", str(a.parent), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "papers" not in status.stdout


def test_a_clone_holds_the_same_library_and_only_the_library_travels(
    machines, run_cli, tmp_path: Path
) -> None:
    _, a, b = machines
    assert papers(run_cli, a) == papers(run_cli, b)
    tracked = subprocess.run(
        ["git", "-C", str(b.parent), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(tracked) == [
        ".gitattributes", ".gitignore", "library.abstracts.json", "library.json",
    ]  # fmt: skip
    assert (a.parent / "library.json.lock").exists()  # the lock stays on its machine


def test_competing_edits_on_two_machines_reach_the_same_library_with_nothing_lost(
    machines, run_cli
) -> None:
    _, a, b = machines
    on_a = lambda *args: run_cli(*args, library=a, check=True)  # noqa: E731
    on_b = lambda *args: run_cli(*args, library=b, check=True)  # noqa: E731
    on_a("tag", "knuth1984", "from-a")
    on_b("tag", "knuth1984", "from-b")
    on_a("note", "lamport1986", "first line\nshared\nA's ending")
    on_a("sync")
    on_b("sync")  # B learns the note's first version before both edit it
    on_a("note", "lamport1986", "first line\nshared\nA's new ending")
    on_b("note", "lamport1986", "first line\nshared\nB's new ending")
    on_a("mark", "patashnik1988", "read")
    on_b("tag", "patashnik1988", "classic")
    on_a("sync")
    report = on_b("sync")
    assert "received from" in report.stdout and "changed" in report.stdout
    assert "lamport1986" in report.stderr  # the note both changed needs a look
    on_a("sync")
    on_b("sync")
    seen_a, seen_b = papers(run_cli, a), papers(run_cli, b)
    assert seen_a == seen_b
    tags = seen_a["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b"}
    assert seen_a["patashnik1988"]["status"] == "read"
    assert seen_a["patashnik1988"]["tags"] == ["classic"]
    note = str(seen_a["lamport1986"]["notes"])
    assert "A's new ending" in note and "B's new ending" in note
    assert seen_a["lamport1986"]["conflicts"]
    flagged = run_cli("list", "has:conflict", "--json", library=a, check=True).stdout
    assert [paper["key"] for paper in json.loads(flagged)] == ["lamport1986"]
    shown = on_a("show", "lamport1986").stdout
    assert "conflict" in shown and "both are kept between markers" in shown
    history = on_b("history", "--limit", "3").stdout
    assert "sync: merged origin/" in history
    on_a("resolve", "lamport1986")
    assert json.loads(run_cli("list", "has:conflict", "--json", library=a).stdout) == []


def test_removed_here_and_tagged_there_is_kept_and_flagged(machines, run_cli) -> None:
    _, a, b = machines
    run_cli("remove", "--yes", "knuth1984", library=a, check=True)
    run_cli("tag", "knuth1984", "keep-me", library=b, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("sync", library=b, check=True)
    run_cli("sync", library=a, check=True)
    kept = papers(run_cli, a)["knuth1984"]
    assert kept["tags"] == ["keep-me"]
    assert kept["conflicts"] == ["removed on one machine but changed on another: kept"]


def test_the_same_paper_added_on_both_machines_is_one_and_both_keys_cite_it(
    machines, run_cli, tmp_path: Path
) -> None:
    _, a, b = machines
    for library, key in ((a, "vaswani2017attention"), (b, "Vaswani17")):
        bib = tmp_path / f"{key}.bib"
        bib.write_text(
            f"@inproceedings{{{key}, author = {{Ashish Vaswani and Noam Shazeer}},"
            " title = {Attention Is All You Need}, year = {2017}}\n",
            encoding="utf-8",
        )
        run_cli("import", str(bib), library=library, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("sync", library=b, check=True)
    run_cli("sync", library=a, check=True)
    seen = papers(run_cli, a)
    attention = [paper for paper in seen.values() if "Attention" in str(paper["title"])]
    assert len(attention) == 1 and seen == papers(run_cli, b)
    assert attention[0]["aliases"] == ["vaswani2017attention"]  # B's key won on B, pushed
    shown = run_cli("show", "vaswani2017attention", library=a, check=True)
    assert "Vaswani17" in shown.stdout + shown.stderr


def test_offline_sync_is_one_line_and_keeps_the_local_commit(
    machines, run_cli, tmp_path: Path
) -> None:
    remote, a, _ = machines
    run_cli("tag", "knuth1984", "offline", library=a, check=True)
    remote.rename(tmp_path / "gone.git")
    result = run_cli("sync", library=a)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "your changes are committed here" in result.stderr
    log = subprocess.run(
        ["git", "-C", str(a.parent), "log", "--format=%s%n%b"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "1 paper changed (1 tags)" in log
    (tmp_path / "gone.git").rename(remote)
    assert "sent: no change here" in run_cli("sync", library=a, check=True).stdout


def test_sync_before_init_says_what_to_do(run_cli, tmp_path: Path) -> None:
    library = tmp_path / "solo" / "library.json"
    run_cli("import", "--sample", library=library, check=True)
    result = run_cli("sync", library=library)
    assert result.returncode == 1
    assert "run 'readlist sync init [REMOTE]' first" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_merge_driver_refuses_a_file_it_cannot_read_and_leaves_it_for_git(
    run_cli, tmp_path: Path
) -> None:
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_bytes(b"")
    ours.write_bytes(b'{"papers": {"1": {"key": "a", "tags": ["x"]')  # cut short
    theirs.write_bytes(b'{"papers": {"1": {"key": "a", "tags": ["y"]}}}')
    result = run_cli("merge-driver", str(base), str(ours), str(theirs))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "is not a readlist file" in result.stderr
    assert ours.read_bytes() == b'{"papers": {"1": {"key": "a", "tags": ["x"]'  # untouched
    ours.write_bytes(b'{"papers": {"1": {"key": "a", "tags": ["x"]}}}')
    assert run_cli("merge-driver", str(base), str(ours), str(theirs)).returncode == 0
    assert json.loads(ours.read_text("utf-8"))["papers"]["1"]["tags"] == ["x", "y"]


def test_doctor_reports_the_sync_set_up_and_an_unfinished_git_merge(machines, run_cli) -> None:
    _, a, b = machines
    assert "is a git repository set up for readlist sync" in run_cli("doctor", library=b).stdout
    # A merge run by plain git without readlist's driver stops on the JSON lines.
    git_b = clashing_commits_without_the_driver(run_cli, a, b)
    pulled = subprocess.run([*git_b, "pull", "--no-rebase"], capture_output=True, text=True)
    assert "CONFLICT" in pulled.stdout, pulled.stdout + pulled.stderr
    doctor = run_cli("doctor", library=b)
    assert doctor.returncode == 1
    assert "git holds an unfinished merge of library.json" in doctor.stdout
    assert "merge driver is not registered here" in doctor.stdout
    subprocess.run([*git_b, "merge", "--abort"], check=True)
    run_cli("sync", library=b, check=True)  # registers the driver again, then merges
    tags = papers(run_cli, b)["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b"}
    assert run_cli("doctor", library=b).returncode == 0


def test_the_sync_state_says_when_and_whether_changes_wait(machines, run_cli) -> None:
    from readlist.sync.exchange import sync_state

    _, a, _ = machines
    synced = sync_state(a)
    assert synced is not None and synced.last_sync is not None and not synced.pending
    run_cli("tag", "knuth1984", "later", library=a, check=True)
    waiting = sync_state(a)
    assert waiting is not None and waiting.pending and waiting.last_sync == synced.last_sync
    assert sync_state(a.parent.parent / "elsewhere" / "library.json") is None


def test_a_sync_killed_at_any_moment_leaves_library_and_repository_usable(
    machines, run_cli, readlist_command: list[str], tmp_path: Path
) -> None:
    import os
    import random
    import signal
    import time

    remote, a, b = machines
    rng = random.Random(20261205)
    expected: set[str] = set()
    for round_ in range(8):
        expected |= tag_on_both(run_cli, a, b, "knuth1984", round_)
        child = subprocess.Popen(
            [*readlist_command, "--library", str(b), "sync"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ},
            start_new_session=True,  # the kill reaches git and the merge driver too
        )
        time.sleep(rng.uniform(0.05, 1.5))  # from the first git call to the push
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        # Whatever was cut: the library reads, and the next sync finishes the work.
        assert run_cli("list", "--json", library=b).returncode == 0
        run_cli("sync", library=b, check=True)
        assert leftover_locks(b.parent / ".git") == [] and leftover_locks(remote) == []
        run_cli("sync", library=a, check=True)
        assert_same_library_with_tags(run_cli, a, b, "knuth1984", expected)
    assert run_cli("doctor", library=b).returncode == 0


def test_sync_undoes_an_unfinished_merge_and_a_stale_git_lock(machines, run_cli) -> None:
    _, a, b = machines
    git_b = clashing_commits_without_the_driver(run_cli, a, b)
    subprocess.run([*git_b, "pull", "--no-rebase"], capture_output=True)  # stops on JSON lines
    assert (b.parent / ".git" / "MERGE_HEAD").exists()
    (b.parent / ".git" / "index.lock").write_text("")  # as a killed git leaves it
    result = run_cli("sync", library=b, check=True)
    assert "undid a merge left unfinished (by a sync that was stopped?)" in result.stdout
    assert "removed git's stale lock .git/index.lock" in result.stdout
    tags = papers(run_cli, b)["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b"}
