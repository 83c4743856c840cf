"""The app told to quit (SIGTERM, SIGHUP) with a note being edited keeps it as a draft."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.drafts import list_drafts

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("tui_driver.py")


@pytest.mark.parametrize("quit_signal", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_with_the_note_editor_open_leaves_a_draft(
    tmp_path: Path, quit_signal: signal.Signals
) -> None:
    path = tmp_path / "lib" / "library.json"
    library = Library(path)
    (key,) = library.import_papers([Paper(title="Noted Paper", authors=["Ada Lovelace"])]).added
    library.set_note(key, "original")
    tui = subprocess.Popen(
        [sys.executable, str(DRIVER), "note", str(path), key, " unsaved words"],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert tui.stdout is not None
        assert tui.stdout.readline() == "ready\n"
        tui.send_signal(quit_signal)
        stdout, _ = tui.communicate(timeout=60)
    finally:
        tui.kill()
        tui.wait()
    (draft,) = list_drafts(path)
    assert draft.read_text(encoding="utf-8") == "original unsaved words\n"
    assert stdout == f"kept {draft}\n"  # what ``readlist`` prints once the app is gone
    assert Library(path).get(key).notes == "original"
