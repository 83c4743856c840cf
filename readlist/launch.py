"""Handing work to other programs safely: the web browser and the user's editor.

No shell ever sees user text: URLs are checked to be http(s) before they reach
:mod:`webbrowser`, and ``$EDITOR`` is split with :func:`shlex.split` and run as
an argument list.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
import tempfile
import webbrowser
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from readlist.errors import ReadlistError
from readlist.links import safe_url

#: Browsers that draw in the terminal they are started from.
TERMINAL_BROWSERS = frozenset(
    {"lynx", "w3m", "links", "links2", "elinks", "browsh", "carbonyl", "www-browser"}
)


def checked_url(url: str) -> str:
    """``url`` if it is an http(s) link that is safe to hand to a browser, else an error."""
    safe = safe_url(url)
    if safe is None:
        raise ReadlistError(f"refusing to open {url!r}: only http and https links are opened")
    return safe


def browser_uses_terminal(
    environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> bool:
    """Whether opening a link would run a browser inside this terminal.

    ``$BROWSER`` decides when set (its first command, as :mod:`webbrowser` reads
    it); otherwise a Unix without a display can only fall back to a console
    browser found on ``PATH``.
    """
    browser = environ.get("BROWSER", "").strip()
    if browser:
        first = browser.split(os.pathsep)[0]
        try:
            words = shlex.split(first)
        except ValueError:
            words = first.split()
        return bool(words) and Path(words[0]).name in TERMINAL_BROWSERS
    if platform in ("darwin", "win32", "cygwin"):
        return False
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def open_url(url: str) -> str:
    """Open ``url`` in the web browser; only http(s) URLs are ever opened.

    Returns the URL that was opened; raises :class:`ReadlistError` otherwise.
    """
    safe = checked_url(url)
    try:
        opened = webbrowser.open(safe)
    except webbrowser.Error as error:
        raise ReadlistError(f"cannot open a web browser: {error}") from None
    if not opened:
        raise ReadlistError(f"no web browser available to open {safe}")
    return safe


#: The variable naming the program that opens PDFs (an argument list, no shell).
PDF_VIEWER_ENV = "READLIST_PDF_VIEWER"


def pdf_viewer_command(
    environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> list[str] | None:
    """``$READLIST_PDF_VIEWER`` as an argument list, else the system's opener (None: Windows)."""
    raw = environ.get(PDF_VIEWER_ENV, "").strip()
    if raw:
        try:
            command = shlex.split(raw)
        except ValueError as error:
            raise ReadlistError(f"cannot parse ${PDF_VIEWER_ENV} {raw!r}: {error}") from None
        if command:
            return command
    if platform == "darwin":
        return ["open"]
    if platform in ("win32", "cygwin"):
        return None  # os.startfile: the file's associated program
    return ["xdg-open"]


def open_pdf(target: str | Path) -> str:
    """Open a PDF file, or an http(s) link to one, in the PDF viewer; what was opened.

    The viewer runs without a shell, detached (a viewer window outlives the command).
    A URL is checked to be http(s) first; a file is handed over by its absolute path.
    """
    shown = checked_url(target) if isinstance(target, str) else str(Path(target).absolute())
    command = pdf_viewer_command()
    if command is None and isinstance(target, str) and not os.environ.get(PDF_VIEWER_ENV):
        return open_url(shown)
    try:
        if command is None:
            os.startfile(shown)  # type: ignore[attr-defined]  # Windows only
        else:
            subprocess.Popen(
                [*command, shown],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
    except OSError as error:
        name = command[0] if command else "the system"
        raise ReadlistError(f"cannot run PDF viewer {name!r}: {error.strerror or error}") from None
    return shown


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


class EditorError(ReadlistError):
    """The editor failed or left no readable note; ``text`` is what it was handed."""

    def __init__(self, message: str, text: str, *, lost_file: bool = False) -> None:
        """``lost_file``: the editor removed or replaced the file, so keep ``text`` as a draft."""
        super().__init__(message)
        self.text = text
        self.lost_file = lost_file


@dataclass(frozen=True)
class EditedText:
    """What the editor left: the text, its file (still there) and a warning if any."""

    text: str
    #: The temporary file the editor wrote; :meth:`discard` it once the text is safe.
    file: Path
    #: Said when the file was not UTF-8 and was read as Latin-1.
    warning: str | None = None

    def discard(self) -> None:
        """Delete the temporary file."""
        with contextlib.suppress(OSError):
            self.file.unlink()


def edit_entry_text(text: str) -> EditedText:
    """Let the user edit a BibTeX entry in their editor (a ``.bib`` file, for highlighting)."""
    return edit_text(text, suffix=".bib", what="entry")


def edit_text(text: str, *, suffix: str = ".md", what: str = "note") -> EditedText:
    """Let the user edit ``text`` in their editor (run without a shell); what it left.

    The file handed over ends with a newline, as editors expect. The caller
    discards the file once the text is saved (or keeps it when saving failed).
    Raises :class:`EditorError` if the editor cannot run, fails, or leaves no
    readable file; its message names ``what`` was being edited.
    """
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix=f"readlist-{what}-", suffix=suffix)
    path = Path(name)
    edited: EditedText | None = None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text if not text or text.endswith("\n") else text + "\n")
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise EditorError(f"cannot run editor {command[0]!r}: {error.strerror}", text) from None
        if result.returncode != 0:
            raise EditorError(
                f"editor {command[0]!r} exited with status {result.returncode}; {what} not changed",
                text,
            )
        edited = _read_edited(path, command[0], text, what)
        return edited
    finally:
        if edited is None:
            with contextlib.suppress(OSError):
                if path.is_dir():  # an editor put a folder there: remove it only if empty
                    path.rmdir()
                else:
                    path.unlink()


def _read_edited(path: Path, editor: str, text: str, what: str = "note") -> EditedText:
    """The text the editor left in ``path``, read as UTF-8 or else as Latin-1."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EditorError(
            f"editor {editor!r} removed the {what} file {path}; {what} not changed",
            text,
            lost_file=True,
        ) from None
    except IsADirectoryError:
        raise EditorError(
            f"editor {editor!r} replaced the {what} file {path} with a folder; {what} not changed",
            text,
            lost_file=True,
        ) from None
    except OSError as error:
        raise EditorError(
            f"cannot read the {what} file {path}: {error.strerror}", text, lost_file=True
        ) from None
    try:
        return EditedText(raw.decode("utf-8"), path)
    except UnicodeDecodeError:
        warning = (
            f"the editor saved the {what} in another encoding than UTF-8; it was read as "
            "Latin-1, so check its accented letters"
        )
        return EditedText(raw.decode("latin-1"), path, warning)
