"""Three machines synced in two different orders reach byte-identical libraries (real git)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from tests.sync.common import papers

NOTE = "first\nsecond\nthird\nfourth\nfifth"


def test_three_machines_synced_in_two_orders_end_byte_identical(
    machines, run_cli, tmp_path: Path
) -> None:
    remote, a, b = machines
    c = tmp_path / "c" / "library.json"
    run_cli("note", "patashnik1988", NOTE, library=a, check=True)
    run_cli("tag", "lamport1986", "old", "keep", library=a, check=True)
    run_cli("sync", library=a, check=True)
    run_cli("sync", library=b, check=True)
    run_cli("sync", "clone", str(remote), library=c, check=True)

    # Each machine edits on its own: tags of one paper on all three, a status on two,
    # the note in different lines, a tag removed, a paper added on two.
    on = {name: path for name, path in (("a", a), ("b", b), ("c", c))}
    run_cli("tag", "knuth1984", "from-a", library=a, check=True)
    run_cli("tag", "knuth1984", "from-b", library=b, check=True)
    run_cli("tag", "knuth1984", "from-c", library=c, check=True)
    run_cli("mark", "lamport1986", "reading", library=a, check=True)
    time.sleep(1.1)  # ``updated`` is to the second: b's change is the later one
    run_cli("mark", "lamport1986", "read", library=b, check=True)
    run_cli("untag", "lamport1986", "old", library=c, check=True)
    run_cli("note", "patashnik1988", NOTE.replace("first", "FIRST (a)"), library=a, check=True)
    run_cli("note", "patashnik1988", NOTE.replace("fifth", "FIFTH (c)"), library=c, check=True)
    bib = tmp_path / "new.bib"
    bib.write_text(
        "@article{new2026, author = {Ann Lee}, title = {Only on C}, year = {2026}}\n", "utf-8"
    )
    run_cli("import", str(bib), library=c, check=True)
    bib.write_text(
        "@article{another2026, author = {Bo Li}, title = {Only on A}, year = {2026}}\n", "utf-8"
    )
    run_cli("import", str(bib), library=a, check=True)  # a's new paper takes c's id

    # The same start twice over: the remote and the three machines copied as they are.
    worlds = []
    for world in ("one", "two"):
        root = tmp_path / world
        root.mkdir()
        shutil.copytree(remote, root / "remote.git")
        for name, path in on.items():
            shutil.copytree(path.parent, root / name, symlinks=True)
            subprocess.run(
                ["git", "-C", str(root / name), "remote", "set-url", "origin",
                 str(root / "remote.git")],
                check=True,
            )  # fmt: skip
        worlds.append({name: root / name / "library.json" for name in on})

    for machines_of, order in zip(worlds, ("abcab", "cbacb"), strict=True):
        for name in order:
            run_cli("sync", library=machines_of[name], check=True)

    files = {
        f"{index}{name}": (path.read_bytes(), path.with_name("library.abstracts.json").read_bytes())
        for index, world in enumerate(worlds)
        for name, path in world.items()
    }
    assert len(set(files.values())) == 1, sorted(files)  # six machines, one library
    seen = papers(run_cli, worlds[0]["a"])
    tags = seen["knuth1984"]["tags"]
    assert isinstance(tags, list) and set(tags) == {"from-a", "from-b", "from-c"}
    assert seen["lamport1986"]["status"] == "read"  # b's change was the later one
    assert seen["lamport1986"]["tags"] == ["keep"]
    assert seen["patashnik1988"]["notes"] == "FIRST (a)\nsecond\nthird\nfourth\nFIFTH (c)"
    assert "new2026" in seen and "another2026" in seen
    assert not any(paper["conflicts"] for paper in seen.values())
