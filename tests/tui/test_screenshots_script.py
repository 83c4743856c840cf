"""``benchmarks/screenshots.py`` makes docs/'s screenshots from the app, the same every time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "screenshots.py"


def shoot(out: Path) -> dict[str, bytes]:
    out.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out), "NO_COLOR": "1"}  # colour all the same
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, env=env)
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_the_screenshots_are_made_the_same_every_time(tmp_path: Path) -> None:
    first = shoot(tmp_path / "one")
    assert sorted(first) == ["tui-main.svg", "tui-triage.svg"]
    assert first == shoot(tmp_path / "two")
    # The main screen with the samples imported, and triage on its first paper.
    assert b"85&#160;papers" in first["tui-main.svg"]  # the header: all 85 samples
    assert b"Triage" in first["tui-triage.svg"]
    # Nothing of the user's own data or state: the app ran on a library of its own.
    assert not (tmp_path / "one" / ".local").exists()
