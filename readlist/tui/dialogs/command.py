"""The ``:`` prompt: run any ``readlist`` command on the open library, without leaving.

The command runs as the real command line does, in a child process of the same
Python (``python -m readlist --library FILE …``), never through a shell: the
words typed are split like a shell would split them (quotes group words) and
passed as they are. Its output is shown as plain text; a change it makes to the
library reaches the screen like any change from another terminal. Commands
that need the terminal (the interface itself, a note in ``$EDITOR``, a console
browser) or standard input are refused with the key that does the same here,
and the destructive ones (``remove``, ``restore BACKUP``, ``doctor --fix``) ask first.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from readlist.text import strip_controls
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.prompt import CompletingInput, Dialog
from readlist.tui.literal import literal, literal_lines

#: Most candidates offered for one word.
MAX_CANDIDATES = 50
#: Why a command cannot run from the prompt, and what to press instead.
NEEDS_TERMINAL = {
    "tui": "the interface is already open",
    "open": "it may need the terminal for the browser: press o (code), p (paper page) or P (PDF)",
    "edit": "$EDITOR needs the terminal: press ctrl+e",
    "merge-driver": "git runs it during a sync; run 'sync' instead",
}


#: The command line's commands and what each does, in ``readlist --help`` order. The
#: interface may not import the command line (layers), so they are listed here, and
#: tests/tui/test_daily_dialogs.py checks the list against the parser.
CLI_COMMANDS = {
    "add": "add papers by arXiv id, DOI, ACL Anthology id or URL",
    "enrich": "find arXiv ids for papers without one, by exact title",
    "import": "import listing, search-result or BibTeX files",
    "list": "list papers matching a query",
    "show": "show one paper",
    "tag": "add tags to a paper",
    "untag": "remove tags from a paper",
    "mark": "set a paper's read status",
    "note": "set a paper's note (no text: edit in $EDITOR)",
    "edit": "edit a paper's metadata as a BibTeX entry in $EDITOR",
    "open": "open a paper's code (or a search for it) in the browser",
    "fetch-pdf": "download papers' PDFs into papers/ by the library",
    "remove": "remove papers from the library",
    "history": "show the change journal, newest first",
    "undo": "reverse the last N commands (fields changed since are kept)",
    "redo": "replay the last N commands undone",
    "stats": "counts by status, tag and category",
    "export": "export citations (bibtex, csl-json, markdown)",
    "exports": "list the exports kept up to date, or remove one",
    "rekey": "rename keys by the key formula; old keys become aliases",
    "check": "check BibTeX entries (fields, DOI, ISBN, braces, keys)",
    "sync": "sync the library through git (sync init/clone to set up)",
    "resolve": "clear the sync conflicts of papers you have looked at",
    "merge-driver": "git's merge driver for library files",
    "tui": "open the interactive interface (the default)",
    "doctor": "check the library file for damage",
    "restore": "list backups (newest first), or restore one",
}


def command_candidates(value: str, keys: Sequence[str]) -> list[str]:
    """Completions of the prompt's text: a command name first, then citation keys."""
    words = value.split(" ")
    word = words[-1]
    if len(words) == 1:
        pool: Sequence[str] = list(CLI_COMMANDS)
    elif word.startswith("-"):
        return []
    else:
        pool = keys
    head = value[: len(value) - len(word)]
    found = [head + name for name in pool if name.startswith(word) and name != word]
    return found[:MAX_CANDIDATES]


@dataclass(frozen=True)
class CommandCheck:
    """What the prompt makes of a command line before running it."""

    refusal: str | None = None
    """Why it cannot run here (then it does not run)."""
    danger: str | None = None
    """What it would destroy (then it runs only after a yes)."""


def check_command(argv: Sequence[str]) -> CommandCheck:
    """Refuse what needs the terminal or stdin; flag what destroys.

    A line the command line would reject is let through: it says what is wrong itself.
    """
    if "--library" in argv or any(word.startswith("--library=") for word in argv):
        return CommandCheck(refusal="the prompt works on the open library: leave out --library")
    if any(word in ("-h", "--help", "--version") for word in argv):
        return CommandCheck()
    command = next((word for word in argv if not word.startswith("-")), None)
    if command is None:
        return CommandCheck(refusal=NEEDS_TERMINAL["tui"])
    rest = list(argv[argv.index(command) + 1 :])
    words = [word for word in rest if not word.startswith("-") or word == "-"]
    if command in NEEDS_TERMINAL:
        return CommandCheck(refusal=NEEDS_TERMINAL[command])
    if command == "note" and len(words) == 1:
        return CommandCheck(refusal="a note in $EDITOR needs the terminal: press n or E")
    if command in ("note", "import", "add") and "-" in words:
        return CommandCheck(refusal="standard input is not available in the prompt")
    if command == "remove" and words:
        return CommandCheck(danger="remove " + ", ".join(words) + " from the library")
    if command == "restore" and words:
        return CommandCheck(danger=f"replace the library by the backup {words[0]}")
    if command == "doctor" and "--fix" in rest:
        return CommandCheck(danger="delete the leftovers of interrupted saves")
    return CommandCheck()


@dataclass(frozen=True)
class CommandResult:
    """What a command printed, and its exit status."""

    argv: tuple[str, ...]
    status: int
    output: str

    @property
    def title(self) -> str:
        """``readlist tag k ml · exit 0``."""
        return f"readlist {shlex.join(self.argv)} · exit {self.status}"


async def run_cli(library: Path, argv: Sequence[str], *, columns: int = 100) -> CommandResult:
    """Run ``readlist --library LIBRARY ARGV…`` in a child process of this Python; no shell."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns)}
    env.pop("FORCE_COLOR", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "readlist",
        "--library",
        str(library),
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await process.communicate()
    status = process.returncode if process.returncode is not None else -1
    return CommandResult(tuple(argv), status, output.decode("utf-8", errors="replace"))


class CommandPrompt(Dialog[list[str]]):
    """Ask for a command line; tab completes command names, then citation keys."""

    def __init__(self, keys: Sequence[str], value: str = "") -> None:
        """A prompt completing from ``keys`` (the library's citation keys)."""
        super().__init__(
            "Run a readlist command",
            "tab completes (again: the next) · enter runs · escape cancels · "
            "try: list tag:ml · tag KEY ml · export bibtex -o out.bib · --help",
        )
        self._keys = sorted(keys)
        self._value = value

    def compose_body(self) -> ComposeResult:
        """The command line, and a line for what is wrong with it."""
        names = " ".join(CLI_COMMANDS)
        yield CompletingInput(
            lambda value: command_candidates(value, self._keys),
            self._value,
            placeholder=f"readlist … ({names})",
            id="command-line",
        )
        yield Static(id="command-error")

    def on_mount(self) -> None:
        """No error yet."""
        self.query_one("#command-error").display = False

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#command-error", Static)
        try:
            argv = shlex.split(event.value)
        except ValueError as problem:  # an unclosed quote
            error.update(literal(f"Cannot split the line: {problem}"))
            error.display = True
            return
        if argv[:1] == ["readlist"]:  # typed out of habit
            argv = argv[1:]
        self.dismiss(argv)


class CommandOutput(ModalScreen[None]):
    """What a command printed, as plain text, in a scrolling panel."""

    DEFAULT_CSS = """
    CommandOutput .command-output {
        width: 92%;
        height: 85%;
        &.-failed { border: round $error; }
        VerticalScroll { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close"),
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
    ]

    def __init__(self, result: CommandResult) -> None:
        """Show ``result``."""
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        """The output, then the keys."""
        failed = "-failed" if self.result.status else ""
        with Vertical(classes=f"dialog command-output {failed}") as panel:
            panel.border_title = literal(self.result.title)
            with VerticalScroll():
                shown = strip_controls(self.result.output).rstrip() or "(no output)"
                yield Static(literal_lines(shown), id="command-text")
            yield Static(Text("escape / enter: close · j / k scroll"), classes="dialog-hint")

    def action_close(self) -> None:
        """Close the panel."""
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        """Scroll the output."""
        scroll = self.query_one(VerticalScroll)
        if direction == "down":
            scroll.scroll_down()
        else:
            scroll.scroll_up()


def command_session(
    app: App[object], library: Path, keys: Sequence[str], *, ran: Callable[[], None]
) -> None:
    """Ask for a command, check it, run it, show its output; ``ran`` once it ran.

    Dialogs answer through callbacks, and only the command itself runs in a
    worker, so nothing waits on a dialog (a worker waiting on one keeps the app
    busy, and a test's wait for the workers would never end).
    """

    async def run_and_show(argv: list[str]) -> None:
        result = await run_cli(library, argv, columns=max(app.size.width - 12, 40))
        ran()
        app.push_screen(CommandOutput(result))

    def run(argv: list[str]) -> None:
        app.run_worker(run_and_show(argv), group="command", description="run a command")

    def chosen(argv: list[str] | None) -> None:
        if not argv:
            return
        line = "readlist " + shlex.join(argv)
        check = check_command(argv)
        if check.refusal:
            app.notify(f"{line}: not from the prompt, {check.refusal}", severity="warning")
        elif check.danger:
            question = Text(f"This will {check.danger}.\nRun {line}?")
            # Asked here: the command itself, with no terminal to ask on, needs --yes.
            confirmed = [*argv, "--yes"] if argv[0] == "remove" else argv
            app.push_screen(
                ConfirmScreen("Run a command", question, yes="run it"),
                lambda yes: run(confirmed) if yes else None,
            )
        else:
            run(argv)

    app.push_screen(CommandPrompt(keys), chosen)
