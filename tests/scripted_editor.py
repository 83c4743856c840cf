"""A scripted ``$EDITOR`` for the note tests (not a test module).

    EDITOR="python scripted_editor.py" readlist note KEY

It keeps a copy of the file it was handed in ``$SCRIPTED_RECORD`` (if set), runs
the JSON argument list in ``$SCRIPTED_MEANWHILE`` (if set: a concurrent change
while the editor is open), then does ``$SCRIPTED_EDIT`` to the file:

- ``append`` (default): appends ``$SCRIPTED_TEXT`` as a new line;
- ``replace``: writes ``$SCRIPTED_TEXT`` instead;
- ``latin1``: writes ``$SCRIPTED_TEXT`` encoded as Latin-1;
- ``delete``: deletes the file; ``directory``: replaces it with a folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def main() -> None:
    path = Path(sys.argv[-1])
    if record := os.environ.get("SCRIPTED_RECORD"):
        shutil.copyfile(path, record)
    if meanwhile := os.environ.get("SCRIPTED_MEANWHILE"):
        # The change made meanwhile must not run this change again (an editor in it).
        env = {k: v for k, v in os.environ.items() if k != "SCRIPTED_MEANWHILE"}
        subprocess.run(json.loads(meanwhile), check=True, capture_output=True, env=env, timeout=60)
    action = os.environ.get("SCRIPTED_EDIT", "append")
    text = os.environ.get("SCRIPTED_TEXT", "")
    if action == "append":
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{text}\n")
    elif action == "replace":
        path.write_text(text, encoding="utf-8")
    elif action == "latin1":
        path.write_bytes(text.encode("latin-1"))
    elif action == "delete":
        path.unlink()
    elif action == "directory":
        path.unlink()
        path.mkdir()
    else:
        raise SystemExit(f"unknown SCRIPTED_EDIT {action!r}")


if __name__ == "__main__":
    main()
