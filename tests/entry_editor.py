"""A scripted ``$EDITOR`` for the ``readlist edit`` tests (not a test module).

    EDITOR="python entry_editor.py" readlist edit KEY

``$ENTRY_EDITS`` is a JSON list with one step per time the editor is opened (the
count is kept in the file ``$ENTRY_STATE``). A step is an object with:

- ``meanwhile``: an argument list run first (a concurrent change while the editor is open);
- ``replace``: ``[[old, new], ...]``, each done once in the file (a missing ``old`` fails);
- ``write``: a text written instead of the file's;
- ``fail``: exit with this status, changing nothing.

Each text handed over is copied to ``$ENTRY_STATE.N`` (N from 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> None:
    path = Path(sys.argv[-1])
    state = Path(os.environ["ENTRY_STATE"])
    count = int(state.read_text()) + 1 if state.exists() else 1
    state.write_text(str(count))
    Path(f"{state}.{count}").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    steps = json.loads(os.environ.get("ENTRY_EDITS", "[]"))
    step = steps[count - 1] if count <= len(steps) else {}
    if "meanwhile" in step:
        env = {k: v for k, v in os.environ.items() if k not in ("ENTRY_EDITS", "EDITOR")}
        subprocess.run(step["meanwhile"], check=True, capture_output=True, env=env, timeout=60)
    if "fail" in step:
        raise SystemExit(int(step["fail"]))
    if "write" in step:
        path.write_text(step["write"], encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    for old, new in step.get("replace", []):
        if old not in text:
            raise SystemExit(f"entry_editor: {old!r} is not in the entry")
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
