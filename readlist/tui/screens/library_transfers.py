"""Importing into and exporting from the library screen: the dialogs, workers and results.

The workers call :mod:`readlist.tui.jobs` (domain code only) and post one message
back; the handlers here turn it into notifications and a redraw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.worker import Worker, WorkerState

from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.store import ImportReport
from readlist.text import one_line
from readlist.tui.jobs import ImportChoice, run_export, run_import
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.library_view import LibraryView, plural
from readlist.tui.screens.prompt import ImportPrompt, PathPrompt
from readlist.tui.screens.welcome import WelcomeChoice, WelcomeScreen

DEFAULT_EXPORT_PATH = "~/readlist-export.bib"


class LibraryTransfers(LibraryView):
    """The welcome, import and export flows; mixed into the library screen."""

    @dataclass
    class Imported(Message):
        """An import worker finished."""

        choice: ImportChoice
        report: ImportReport

    @dataclass
    class Exported(Message):
        """An export worker wrote a file."""

        path: Path
        count: int

    @dataclass
    class JobFailed(Message):
        """An import or export worker failed with a user-level error."""

        title: str
        error: str

    # -- import ------------------------------------------------------------------

    def _show_welcome(self) -> None:
        if self._welcome is not None:
            return

        def chosen(choice: WelcomeChoice | None) -> None:
            self._welcome = None
            if choice == "samples":
                self.start_import(ImportChoice())
            elif choice == "file":
                self.action_import_file()

        self._welcome = WelcomeScreen()
        self.app.push_screen(self._welcome, chosen)

    def action_import_file(self) -> None:
        """Ask for a file to import (or take the bundled samples)."""

        def chosen(choice: ImportChoice | None) -> None:
            if choice is not None:
                self.start_import(choice)
            elif self._is_empty():
                self._show_welcome()

        self.app.push_screen(ImportPrompt(), chosen)

    def action_import_samples(self) -> None:
        """Import the bundled sample listings."""
        self.start_import(ImportChoice())

    def start_import(self, choice: ImportChoice) -> None:
        """Import in a worker; the table shows a loading indicator meanwhile."""
        self.table.loading = True
        self.notify(f"Importing {choice.label}…", markup=False)
        self._import(choice)

    @work(
        thread=True,
        exclusive=True,
        group="import",
        exit_on_error=False,
        description="import papers",
    )
    def _import(self, choice: ImportChoice) -> None:
        try:
            report = run_import(self.library.path, choice)
        except (ReadlistError, OSError) as error:
            self.post_message(self.JobFailed("Import failed", str(error)))
        else:
            self.post_message(self.Imported(choice, report))

    @on(Imported)
    def _imported(self, message: Imported) -> None:
        self.table.loading = False
        report = message.report
        try:
            self.session.reload_if_changed()
        except ReadlistError as error:
            self.notify(str(error), severity="error", markup=False)
        self._library_changed()
        self.notify(report.summary(), title=f"Imported {message.choice.label}", markup=False)
        for warning in report.warnings[:5]:
            self.notify(warning, title="Import warning", severity="warning", markup=False)

    # -- export ------------------------------------------------------------------

    def action_export(self) -> None:
        """Export the selection (or the current view) to a BibTeX file."""
        if self.table.selected:
            papers: list[Paper] = [p for p in self.library.papers() if p.key in self.table.selected]
            what = plural(len(papers), "selected paper")
        else:
            papers = list(self.table.papers)
            what = plural(len(papers), "paper") + " in this view"
        if not papers:
            self.notify("Nothing to export", markup=False)
            return

        def confirmed(path: Path, yes: bool | None) -> None:
            if yes:
                self.start_export(papers, path)

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from readlist.export_file import check_export_path

            try:  # the library's own files are refused before any question
                check_export_path(path, self.library.path)
            except ReadlistError as error:
                self.notify(str(error), title="Export", severity="error", markup=False)
                return
            if path.exists():
                question = Text(f"{one_line(str(path))} exists. Replace it?")
                self.app.push_screen(
                    ConfirmScreen("Export", question, yes="replace it"),
                    lambda yes: confirmed(path, yes),
                )
            else:
                self.start_export(papers, path)

        default = str(Path(DEFAULT_EXPORT_PATH).expanduser())
        self.app.push_screen(PathPrompt(f"Export {what} as BibTeX to", value=default), chosen)

    def start_export(self, papers: Iterable[Paper], path: Path) -> None:
        """Export in a worker."""
        self.notify(f"Exporting to {path}…", markup=False)
        self._export(list(papers), path)

    @work(
        thread=True,
        exclusive=True,
        group="export",
        exit_on_error=False,
        description="export BibTeX",
    )
    def _export(self, papers: list[Paper], path: Path) -> None:
        try:
            count = run_export(papers, path, self.library.path)
        except (ReadlistError, OSError, ValueError) as error:
            self.post_message(self.JobFailed("Export failed", str(error)))
        else:
            self.post_message(self.Exported(path, count))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        entries = "entry" if message.count == 1 else "entries"
        self.notify(
            f"Wrote {message.count} {entries} to {message.path}", title="Exported", markup=False
        )

    # -- failures ----------------------------------------------------------------

    @on(JobFailed)
    def _job_failed(self, message: JobFailed) -> None:
        self.table.loading = False
        self.notify(message.error, title=message.title, severity="error", timeout=10, markup=False)
        if self._is_empty():
            self._show_welcome()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker crashed (a bug): say so instead of failing silently."""
        if event.state is WorkerState.ERROR and event.worker.group in ("import", "export"):
            self.table.loading = False
            self.notify(
                str(event.worker.error),
                title=f"{event.worker.group} failed",
                severity="error",
                markup=False,
            )
