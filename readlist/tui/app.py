"""The Textual application: owns the library and opens the main screen."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from readlist.store import Library
from readlist.text import one_line, strip_controls
from readlist.tui.commands import journal_name, key_commands
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.note_editor import NoteEditor
from readlist.tui.dialogs.prompt import ImportPrompt
from readlist.tui.key_hold import KeyHold
from readlist.tui.screens.help import HelpScreen, KeySection
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.screens.triage import TriageScreen
from readlist.tui.session import LibrarySession
from readlist.tui.widgets.paper_table import PaperTable

#: The dialogs whose keys the help screen lists, and where each key works.
DIALOG_HELP: tuple[tuple[type[DOMNode], str], ...] = (
    (NoteEditor, "in the note editor"),
    (ImportPrompt, "in the import prompt"),
    (ConfirmScreen, "in a question"),
)

#: Signals that end the app; an unsaved note is kept as a draft first.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class ReadlistApp(App[None]):
    """readlist's interactive interface on one library file."""

    CSS_PATH = "app.tcss"
    TITLE = "readlist"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(self, library: Library, *, today: Callable[[], date] = date.today) -> None:
        """An app on ``library``; ``today`` dates the stats (fixed in tests)."""
        super().__init__()
        self.library = library
        self.session = LibrarySession(library)
        self.session.start(self)
        self.today = today
        #: Drafts of unsaved notes kept when the app was told to quit (SIGTERM, SIGHUP);
        #: ``readlist`` names them once the terminal is its own again.
        self.drafts_kept: list[Path] = []
        #: Keys held while the first screen shows only the first rows (see key_hold).
        self.key_hold = KeyHold()

    def on_mount(self) -> None:
        """Open the library screen (it greets an empty library itself)."""
        loop = asyncio.get_running_loop()
        for quit_signal in QUIT_SIGNALS:
            # Not every platform or thread can take signals; then there is nothing to catch.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(quit_signal, self._quit_on_signal, quit_signal)
        self.push_screen(LibraryScreen(self.session, today=self.today, key_hold=self.key_hold))

    async def on_event(self, event: events.Event) -> None:
        """Handle ``event``, unless it is a key held until all rows are shown."""
        if not self.key_hold.takes(event):
            await super().on_event(event)

    def on_unmount(self) -> None:
        """Give the quit signals back; let the library thread finish the writes queued."""
        self.session.close()
        loop = asyncio.get_running_loop()
        for quit_signal in QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(quit_signal)

    def _quit_on_signal(self, received: signal.Signals) -> None:
        """Keep every open note editor's unsaved text as a draft, then quit."""
        for screen in self.screen_stack:
            if isinstance(screen, NoteEditor) and (draft := screen.keep_draft()):
                self.drafts_kept.append(draft)
        self.exit(return_code=128 + received)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; messages quote titles, tags and file names, so they are plain text.

        Unlike Textual's default, markup is off unless a caller asks for it, and
        control characters (terminal escapes) never reach the screen either way.
        """
        super().notify(
            strip_controls(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run ``action``; one on a screen of papers names, in the journal, what it saves.

        The name is the description of the screen's key for it (``tui: mark read``).
        """
        if isinstance(default_namespace, LibraryScreen | TriageScreen):
            # The library takes the name on its thread, with the change.
            self.session.command = f"tui: {journal_name(type(default_namespace), action)}"
        return await super().run_action(action, default_namespace, namespaces)

    def action_help(self) -> None:
        """Show every key."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(*self.help_sections()))

    def help_sections(self) -> tuple[list[KeySection], list[KeySection]]:
        """The help screen's two columns of keys, from the screens' and dialogs' bindings."""
        left = [KeySection("Library", LibraryScreen.BINDINGS)]
        right = [
            KeySection("Paper table", PaperTable.BINDINGS),
            KeySection("Triage", TriageScreen.BINDINGS),
            KeySection("Anywhere", self.BINDINGS),
            KeySection.of_dialogs("Dialogs", DIALOG_HELP),
        ]
        return left, right

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's system commands, then every described key of ``screen`` by name."""
        titles = set()
        for command in super().get_system_commands(screen):
            titles.add(command.title)
            yield command
        for command in key_commands(self, screen):
            if command.title not in titles:
                yield command
