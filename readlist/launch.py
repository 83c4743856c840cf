"""Handing work to other programs safely: the web browser and the user's editor.

No shell ever sees user text: URLs are checked to be http(s) before they reach
:mod:`webbrowser`, and ``$EDITOR`` is split with :func:`shlex.split` and run as
an argument list.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import webbrowser
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.links import safe_url


def open_url(url: str) -> str:
    """Open ``url`` in the web browser; only http(s) URLs are ever opened.

    Returns the URL that was opened; raises :class:`ReadlistError` otherwise.
    """
    safe = safe_url(url)
    if safe is None:
        raise ReadlistError(f"refusing to open {url!r}: only http and https links are opened")
    try:
        opened = webbrowser.open(safe)
    except webbrowser.Error as error:
        raise ReadlistError(f"cannot open a web browser: {error}") from None
    if not opened:
        raise ReadlistError(f"no web browser available to open {safe}")
    return safe


def editor_command() -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` (or ``vi``) as an argument list, quotes respected."""
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(raw)
    except ValueError as error:
        raise ReadlistError(f"cannot parse $EDITOR {raw!r}: {error}") from None
    if not command:
        raise ReadlistError("$EDITOR is empty")
    return command


def edit_text(text: str, *, suffix: str = ".md") -> str:
    """Let the user edit ``text`` in their editor and return the result."""
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix="readlist-note-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise ReadlistError(f"cannot run editor {command[0]!r}: {error.strerror}") from None
        if result.returncode != 0:
            raise ReadlistError(
                f"editor {command[0]!r} exited with status {result.returncode}; note not changed"
            )
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)
