"""The Textual application: owns the library and opens the main screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from readlist.store import Library
from readlist.tui.commands import ReadlistCommands
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.session import LibrarySession


class ReadlistApp(App[None]):
    """readlist's interactive interface on one library file."""

    CSS_PATH = "app.tcss"
    TITLE = "readlist"
    COMMANDS = App.COMMANDS | {ReadlistCommands}
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
        self.today = today

    def on_mount(self) -> None:
        """Open the library screen (it greets an empty library itself)."""
        self.push_screen(LibraryScreen(self.session, today=self.today))

    def action_help(self) -> None:
        """Show every key."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
