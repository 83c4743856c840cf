"""The library screen's welcome, import, add-by-identifier and export flows.

Import and export are workers that read top to bottom: the slow part (parsing
and merging, writing the file in the chosen format) runs in a thread and calls
:mod:`readlist.tui.jobs`
(domain code only); export awaits its dialogs with ``push_screen_wait``. The
welcome and import prompts answer through callbacks instead: a worker waiting
on a dialog would count as work in progress for as long as the dialog is up.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.text import one_line
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.export import FORMAT_NAMES, ExportDialog
from readlist.tui.dialogs.prompt import ImportPrompt, TextPrompt
from readlist.tui.dialogs.welcome import WelcomeChoice, WelcomeScreen
from readlist.tui.jobs import ImportChoice, run_add, run_export, run_import
from readlist.tui.session import LibrarySession
from readlist.view import plural

if TYPE_CHECKING:
    from readlist.tui.screens.library import LibraryScreen


class LibraryTransfers:
    """Greets an empty library, imports into it and exports from it, for the library screen."""

    def __init__(self, screen: LibraryScreen, session: LibrarySession) -> None:
        """The flows of ``screen`` on ``session``'s library."""
        self.screen = screen
        self.session = session
        #: The welcome screen while it is up (an empty library); papers arriving close it.
        self._welcome: WelcomeScreen | None = None

    def _notify(self, message: str, **options: object) -> None:
        self.screen.notify(message, markup=False, **options)  # type: ignore[arg-type]

    # -- welcome -----------------------------------------------------------------

    def welcome(self) -> None:
        """Greet an empty library (once); the answer starts an import."""
        if self._welcome is not None:
            return

        def chosen(choice: WelcomeChoice | None) -> None:
            self._welcome = None
            if choice == "samples":
                self.import_samples()
            elif choice == "file":
                self.ask_import()

        self._welcome = WelcomeScreen()
        self.screen.app.push_screen(self._welcome, chosen)

    def close_welcome(self) -> None:
        """Papers arrived (another process imported): the welcome screen goes."""
        if self._welcome is not None:
            self._welcome.dismiss(None)

    # -- import ------------------------------------------------------------------

    def ask_import(self) -> None:
        """Ask for a file to import (or take the bundled samples)."""

        def chosen(choice: ImportChoice | None) -> None:
            if choice is not None:
                self.start_import(choice)
            elif self.screen.library_is_empty():
                self.welcome()

        self.screen.app.push_screen(ImportPrompt(), chosen)

    def import_samples(self) -> None:
        """Import the bundled sample listings."""
        self.start_import(ImportChoice())

    def start_import(self, choice: ImportChoice) -> None:
        """Import in a worker; the table shows a loading indicator meanwhile."""
        self.screen.run_worker(
            self._import(choice),
            group="import",
            exclusive=True,
            exit_on_error=False,
            description="import papers",
        )

    async def _import(self, choice: ImportChoice) -> None:
        table = self.screen.table
        table.loading = True
        self._notify(f"Importing {choice.label}…")
        try:
            report = await asyncio.to_thread(run_import, self.session.library.path, choice)
        except (ReadlistError, OSError) as error:
            self._failed("Import failed", str(error))
            return
        finally:
            table.loading = False
        self.screen.library_changed()
        self._notify(report.summary(), title=f"Imported {choice.label}")
        for warning in report.warnings[:5]:
            self._notify(warning, title="Import warning", severity="warning")

    def _failed(self, title: str, error: str) -> None:
        self._notify(error, title=title, severity="error", timeout=10)
        if self.screen.library_is_empty():
            self.welcome()

    # -- add by identifier -------------------------------------------------------

    def ask_add(self) -> None:
        """Ask for arXiv ids, DOIs, ACL ids or URLs, then add them in a worker."""

        def chosen(text: str | None) -> None:
            if text:
                self.start_add(text.split())

        prompt = TextPrompt(
            "Add papers by identifier",
            hint="arXiv ids, DOIs, ACL Anthology ids or their URLs, separated by spaces",
            placeholder="2306.07629  10.18653/v1/D16-1001  https://arxiv.org/abs/…",
        )
        self.screen.app.push_screen(prompt, chosen)

    def start_add(self, things: list[str]) -> None:
        """Look ``things`` up and add them in a worker; the interface stays responsive."""
        self.screen.run_worker(
            self._add(things),
            group="add",
            exclusive=True,
            exit_on_error=False,
            description="add papers by identifier",
        )

    async def _add(self, things: list[str]) -> None:
        app = self.screen.app

        def progress(message: str) -> None:  # called from the worker thread
            line = message[:1].upper() + message[1:]
            app.call_from_thread(self._notify, line, title="Adding", timeout=3)

        self._notify(f"Looking up {len(things)} paper(s)…", title="Adding")
        try:
            outcome = await asyncio.to_thread(run_add, self.session.library.path, things, progress)
        except (ReadlistError, OSError) as error:
            self._notify(str(error), title="Nothing added", severity="error", timeout=10)
            return
        # The cursor goes to the last paper once the reloaded rows are drawn.
        self.screen.library_changed(keep=outcome.steps[-1].key if outcome.steps else None)
        for step in outcome.steps:
            self._notify(step.describe(), title="Added" if step.action == "added" else "Known")
        for line in outcome.errors:
            self._notify(line, title="Not added", severity="error", timeout=10)

    # -- export ------------------------------------------------------------------

    def export(self, papers: list[Paper], what: str) -> None:
        """Ask for a format and a file to export ``papers`` (described as ``what``), then write."""
        if not papers:
            self._notify("Nothing to export")
            return
        self.screen.run_worker(
            self._export(papers, what),
            group="export",
            exclusive=True,
            exit_on_error=False,
            description="export papers",
        )

    async def _export(self, papers: list[Paper], what: str) -> None:
        from readlist.services import check_export_target

        app = self.screen.app
        state = self.screen.state
        # A remembered folder that has gone since would only make the export fail.
        folder = state.export_folder if Path(state.export_folder or "/-").is_dir() else ""
        dialog = ExportDialog(what, folder=folder, format=state.export_format)
        choice = await app.push_screen_wait(dialog)
        if choice is None:
            return
        path, format = choice.path, choice.format
        library_path = self.session.library.path
        try:  # the library's own files are refused before any question
            check_export_target(path, library_path)
        except ReadlistError as error:
            self._notify(str(error), title="Export", severity="error")
            return
        if path.exists():
            question = Text(f"{one_line(str(path))} exists. Replace it?")
            if not await app.push_screen_wait(ConfirmScreen("Export", question, yes="replace it")):
                return
        state.export_folder, state.export_format = str(path.parent), format
        self.screen.remember()
        self._notify(f"Exporting to {path}…")
        try:
            count = await asyncio.to_thread(run_export, papers, path, library_path, format)
        except (ReadlistError, OSError, ValueError) as error:
            self._failed("Export failed", one_line(str(error)))
            return
        self._notify(
            f"Wrote {plural(count, 'paper')} as {FORMAT_NAMES[format]} to {path}", title="Exported"
        )
