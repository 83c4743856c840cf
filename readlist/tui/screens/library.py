"""The main screen: search bar, paper table, detail pane, facet sidebar and counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from readlist.errors import QueryError, ReadlistError
from readlist.models import Paper, Status
from readlist.query import Query, parse_query, sort_papers
from readlist.store import ImportReport, Library
from readlist.text import one_line
from readlist.tui.browser import code_url, open_link, paper_url
from readlist.tui.jobs import ImportChoice, bibtex_entry, run_export, run_import
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.note_editor import NoteEditor
from readlist.tui.screens.prompt import (
    ChoicePrompt,
    ImportPrompt,
    PathPrompt,
    TagSuggester,
    TextPrompt,
    split_tags,
)
from readlist.tui.screens.stats import StatsScreen
from readlist.tui.screens.triage import TriageScreen, TriageSummary
from readlist.tui.screens.welcome import WelcomeChoice, WelcomeScreen
from readlist.tui.session import LibrarySession
from readlist.tui.widgets.counts_header import CountsHeader
from readlist.tui.widgets.facet_sidebar import FacetSidebar
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable

#: The orders ``s`` cycles through.
SORT_CYCLE = ("published", "added", "title", "author", "status")
#: How often to look for changes saved by another process.
POLL_SECONDS = 1.0
#: Least time between two redraws of the detail pane while the cursor moves.
DETAIL_INTERVAL = 0.08
DEFAULT_EXPORT_PATH = "~/readlist-export.bib"
SEARCH_PLACEHOLDER = "Search: words, tag:x status:unread author:kim year:>=2023 cat:cv code:yes"

_TERM = re.compile(r'-?[A-Za-z]+:"[^"]*"?|"[^"]*"?|\S+')


def toggle_term(query: str, field: str, value: str) -> str:
    """``query`` with ``field:value`` added, or taken out if it is there.

    A paper has one status and one category, so a new ``status:``/``cat:`` term
    replaces the old one; tags add up.
    """
    term = f'{field}:"{value}"' if re.search(r"\s", value) else f"{field}:{value}"
    terms = _TERM.findall(query)
    if term in terms:
        terms.remove(term)
    else:
        if field in ("status", "cat"):
            terms = [t for t in terms if not t.lower().startswith(f"{field}:")]
        terms.append(term)
    return " ".join(terms)


def plural(count: int, noun: str) -> str:
    """``1 paper`` / ``3 papers``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class LibraryScreen(Screen[None]):
    """Browse, search and edit the library; every change is saved at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs before the keys after it are routed, so a query
        # typed (or pasted) right after "/" lands in the search bar, not on the table.
        Binding("slash", "focus_search", "Search", tooltip="filter as you type", priority=True),
        Binding(
            "escape",
            "back",
            "Clear / back",
            show=False,
            tooltip="leave the search, clear the selection, then the query",
        ),
        Binding("enter", "focus_detail", "Details", show=False, tooltip="scroll the detail pane"),
        Binding("r", "cycle_status", "Status", tooltip="unread → reading → read"),
        Binding("u", "set_status('unread')", "Mark unread", show=False),
        Binding("R", "set_status('reading')", "Mark reading", show=False),
        Binding("d", "set_status('read')", "Mark read", show=False),
        Binding("t", "add_tags", "Tag", tooltip="add tags (→ completes)"),
        Binding("T", "remove_tag", "Remove a tag", show=False),
        Binding("n", "edit_note", "Note", tooltip="edit the Markdown note here"),
        Binding("E", "edit_note_externally", "Note in $EDITOR", show=False),
        Binding("o", "open_code", "Code", tooltip="open the code (or search for it)"),
        Binding("p", "open_paper", "Paper page", show=False, tooltip="search for the paper"),
        Binding("y", "copy_bibtex", "Copy BibTeX", show=False),
        Binding("e", "export", "Export", tooltip="view or selection as BibTeX"),
        Binding("i", "import_file", "Import", tooltip="a file, or ctrl+s: the samples"),
        Binding("s", "cycle_sort", "Sort", tooltip="date, added, title, author, status"),
        Binding("x,delete", "remove", "Remove", show=False, tooltip="asks first"),
        Binding("v,ctrl+t", "triage", "Triage", tooltip="unread papers one at a time"),
        Binding("S", "stats", "Stats", show=False, tooltip="reading stats"),
        Binding("q", "app.quit", "Quit"),
    ]
    """Keys; tag, status, export and remove act on the selection when there is one."""

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

    def __init__(self, session: LibrarySession, *, today: Callable[[], date] = date.today) -> None:
        """The main screen on ``session``'s library."""
        super().__init__()
        self.session = session
        self.today = today
        self.sort_by = SORT_CYCLE[0]
        self._query: Query = parse_query("")
        self._poll_error: str | None = None
        self._welcome: WelcomeScreen | None = None
        #: The whole library in the current order; filtering keeps this order.
        self._sorted: list[Paper] | None = None
        self._statuses: Counter[Status] = Counter()
        self._detail_pending: Paper | None = None
        self._detail_timer: Timer | None = None
        self._detail_shown_at = 0.0

    @property
    def library(self) -> Library:
        """The library on screen."""
        return self.session.library

    @property
    def table(self) -> PaperTable:
        """The paper table."""
        return self.query_one(PaperTable)

    @property
    def search(self) -> Input:
        """The search bar."""
        return self.query_one("#search", Input)

    # -- layout and data -------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Counts on top, facets on the left, search + table + detail on the right."""
        yield CountsHeader(id="counts")
        with Horizontal(id="body"):
            yield FacetSidebar(id="facets")
            with Vertical(id="main"):
                yield Input(placeholder=SEARCH_PLACEHOLDER, id="search")
                yield Static(id="query-error")
                yield PaperTable(id="papers")
                yield PaperDetail(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Show the library, start watching the file, greet an empty library."""
        self.query_one("#query-error").display = False
        self.table.sort_by = self.sort_by
        self.table.focus()
        self.refresh_view()
        self.set_interval(POLL_SECONDS, self._poll)
        self._warm_up()
        if self._is_empty():
            self.call_after_refresh(self._show_welcome)

    def _is_empty(self) -> bool:
        try:
            return len(self.library) == 0
        except ReadlistError:
            return False

    def refresh_view(self, *, counts: bool = True, keep: str | None = None) -> None:
        """Re-run the query and redraw the rows; ``counts``: the data changed too."""
        if counts:
            self._sorted = None
        try:
            if self._sorted is None:
                self._sorted = sort_papers(self.library.papers(), self.sort_by)
            if self._query.is_empty:
                papers = self._sorted
            else:
                matching = {paper.key for paper in self.library.search(self._query)}
                papers = [paper for paper in self._sorted if paper.key in matching]
        except ReadlistError as error:
            self.notify(
                str(error),
                title="Cannot read the library",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.table.set_papers(papers, keep=keep)
        if counts:
            self._statuses = self.library.status_counts()
            self.query_one(FacetSidebar).show_counts(
                self._statuses, self.library.tag_counts(), self.library.category_counts()
            )
        self._show_counts()

    def _show_counts(self) -> None:
        self.query_one(CountsHeader).show_counts(
            self._statuses,
            shown=len(self.table.papers),
            selected=len(self.table.selected),
            sort_by=self.sort_by,
        )

    def _library_changed(self) -> None:
        """The library was reloaded from disk: redraw, keeping the cursor's paper."""
        known = {paper.key for paper in self.library.papers()}
        self.table.forget(self.table.selected - known)
        self.refresh_view()
        self._warm_up()
        if self._welcome is not None and not self._is_empty():
            self._welcome.dismiss(None)

    def _poll(self) -> None:
        """Pick up changes another process (the CLI) saved."""
        try:
            changed = self.session.reload_if_changed()
        except ReadlistError as error:
            if str(error) != self._poll_error:
                self.notify(
                    str(error), title="Cannot reload the library", severity="error", markup=False
                )
            self._poll_error = str(error)
            return
        self._poll_error = None
        if changed:
            self._library_changed()

    @work(
        thread=True,
        exclusive=True,
        group="warm-up",
        exit_on_error=False,
        description="build the search index",
    )
    def _warm_up(self) -> None:
        self.session.warm_up()

    # -- events ----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#query-error", Static)
        try:
            query = parse_query(event.value)
        except QueryError as problem:
            error.update(Text(str(problem)))
            error.display = True
            self.search.add_class("-invalid")
            return  # keep showing the last good result
        if error.display:
            error.display = False
            self.search.remove_class("-invalid")
        self._query = query
        self.refresh_view(counts=False)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    @on(PaperTable.Highlighted)
    def _highlighted(self, event: PaperTable.Highlighted) -> None:
        """Show the paper in the detail pane; while the cursor races, only now and then.

        Redrawing the pane costs a layout pass (tens of ms), so a burst of cursor
        moves (a held ``j``) updates it at most every ``DETAIL_INTERVAL``. New rows
        (a keystroke in the search) update it at once.
        """
        self._detail_pending = event.paper
        wait = self._detail_shown_at + DETAIL_INTERVAL - monotonic()
        if not event.moved or wait <= 0:
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._show_detail()
        elif self._detail_timer is None:
            self._detail_timer = self.set_timer(wait, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_timer = None
        self._detail_shown_at = monotonic()
        detail = self.query_one(PaperDetail)
        if self._detail_pending is not detail.paper:
            detail.scroll_home(animate=False)
        detail.show(self._detail_pending)

    @on(PaperTable.SelectionChanged)
    def _selection_changed(self) -> None:
        self._show_counts()

    @on(FacetSidebar.Chosen)
    def _facet_chosen(self, event: FacetSidebar.Chosen) -> None:
        self.search.value = toggle_term(self.search.value, event.field, event.value)

    # -- helpers ---------------------------------------------------------------

    def _targets(self) -> list[str]:
        """The selection when there is one, else the highlighted paper (keys still known)."""
        if self.table.selected:
            keys = sorted(self.table.selected)
        else:
            paper = self.table.highlighted
            keys = [paper.key] if paper else []
        try:
            known = {paper.key for paper in self.library.papers()}
        except ReadlistError:
            return []
        return [key for key in keys if key in known]

    def _current(self) -> Paper | None:
        """The highlighted paper, fresh from the library."""
        paper = self.table.highlighted
        if paper is None:
            self.notify("No paper here", severity="warning", markup=False)
            return None
        try:
            return self.library.get(paper.key)
        except ReadlistError as error:
            self.notify(str(error), severity="error", markup=False)
            return None

    def _describe(self, keys: Sequence[str]) -> str:
        if len(keys) == 1:
            try:
                return one_line(self.library.get(keys[0]).title)
            except ReadlistError:
                return keys[0]
        return plural(len(keys), "selected paper")

    def _write(self, change: Callable[[Library], object], done: str = "") -> bool:
        """Apply ``change`` (saved at once), redraw, and say what happened."""
        try:
            self.session.write(change)
        except ReadlistError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return False
        self.refresh_view()
        if done:
            self.notify(done, markup=False)
        return True

    # -- actions ---------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search bar (at once); in the bar, "/" is just a slash."""
        if self.focused is self.search:
            self.search.insert_text_at_cursor("/")
        else:
            self.set_focus(self.search)

    def action_focus_detail(self) -> None:
        """Move focus to the detail pane (to scroll a long abstract)."""
        self.query_one(PaperDetail).focus()

    def action_back(self) -> None:
        """Escape: leave the search bar or detail pane, else clear selection, else the query."""
        focused = self.focused
        if focused is self.search and self.search.value:
            self.search.value = ""
        elif focused is not self.table:
            self.table.focus()
        elif self.table.selected:
            self.table.clear_selection()
        elif self.search.value:
            self.search.value = ""

    def action_cycle_status(self) -> None:
        """Move each target paper on: unread → reading → read → unread."""
        keys = self._targets()
        if not keys:
            return
        groups: dict[Status, list[str]] = {}
        for key in keys:
            groups.setdefault(self.library.get(key).status.next(), []).append(key)

        def change(library: Library) -> None:
            for status, group in groups.items():
                library.set_status(group, status)

        statuses = ", ".join(status.value for status in groups)
        self._write(change, f"{self._describe(keys)} → {statuses}")

    def action_set_status(self, status: str) -> None:
        """Give the target papers ``status``."""
        keys = self._targets()
        if keys:
            new = Status(status)
            self._write(
                lambda library: library.set_status(keys, new),
                f"{self._describe(keys)} → {new.value}",
            )

    def action_add_tags(self) -> None:
        """Ask for tags and add them to the target papers."""
        keys = self._targets()
        if not keys:
            return
        known = [tag for tag, _ in self.library.tag_counts().most_common()]

        def answered(text: str | None) -> None:
            tags = split_tags(text or "")
            if tags:
                self._write(
                    lambda library: library.add_tags(keys, tags),
                    f"Tagged {self._describe(keys)}: {' '.join(tags)}",
                )

        self.app.push_screen(
            TextPrompt(
                f"Add tags to {self._describe(keys)}",
                placeholder="tag another-tag",
                hint="space or comma between tags · → completes a known tag · escape cancels",
                suggester=TagSuggester(known),
            ),
            answered,
        )

    def action_remove_tag(self) -> None:
        """Pick one of the target papers' tags and remove it from them."""
        keys = self._targets()
        tags = sorted({tag for key in keys for tag in self.library.get(key).tags})
        if not tags:
            self.notify("No tags to remove", markup=False)
            return

        def answered(tag: str | None) -> None:
            if tag:
                self._write(
                    lambda library: library.remove_tags(keys, [tag]),
                    f"Removed tag {tag} from {self._describe(keys)}",
                )

        self.app.push_screen(
            ChoicePrompt(f"Remove a tag from {self._describe(keys)}", tags), answered
        )

    def action_edit_note(self) -> None:
        """Edit the highlighted paper's note in the app."""
        paper = self._current()
        if paper is None:
            return

        def answered(text: str | None) -> None:
            if text is not None and text != paper.notes:
                self._write(
                    lambda library: library.set_note(paper.key, text.rstrip("\n")), "Note saved"
                )

        self.app.push_screen(NoteEditor(one_line(paper.title), paper.notes), answered)

    def action_edit_note_externally(self) -> None:
        """Edit the highlighted paper's note in $EDITOR (the app steps aside meanwhile)."""
        from readlist.launch import edit_text

        paper = self._current()
        if paper is None:
            return
        try:
            with self.app.suspend():
                text = edit_text(paper.notes)
        except SuspendNotSupported:
            self.notify(
                "Cannot hand the terminal to an editor here; press n instead",
                severity="warning",
                markup=False,
            )
            return
        except ReadlistError as error:
            self.notify(str(error), title="Note not changed", severity="error", markup=False)
            return
        if text.rstrip("\n") != paper.notes:
            self._write(
                lambda library: library.set_note(paper.key, text.rstrip("\n")), "Note saved"
            )

    def action_open_code(self) -> None:
        """Open the code link, or a repository search for the title."""
        paper = self._current()
        if paper is not None:
            open_link(self.app, code_url(paper))

    def action_open_paper(self) -> None:
        """Open a search for the paper's page."""
        paper = self._current()
        if paper is not None:
            open_link(self.app, paper_url(paper))

    def action_copy_bibtex(self) -> None:
        """Copy the highlighted paper's BibTeX entry to the clipboard."""
        paper = self._current()
        if paper is None:
            return
        try:
            entry = bibtex_entry(paper)
        except (ReadlistError, ValueError) as error:
            self.notify(str(error), title="No BibTeX", severity="error", markup=False)
            return
        self.app.copy_to_clipboard(entry)
        self.notify(f"Copied the BibTeX entry {paper.key}", markup=False)

    def action_cycle_sort(self) -> None:
        """Sort by the next order: published, added, title, author, status."""
        self.action_sort(SORT_CYCLE[(SORT_CYCLE.index(self.sort_by) + 1) % len(SORT_CYCLE)])

    def action_sort(self, by: str) -> None:
        """Sort by ``by`` (one of :data:`SORT_CYCLE`)."""
        if by in SORT_CYCLE:
            self.sort_by = by
            self.table.sort_by = by
            self._sorted = None
            self.refresh_view(counts=False)

    def action_filter(self, field: str, value: str) -> None:
        """Toggle ``field:value`` in the query."""
        self.search.value = toggle_term(self.search.value, field, value)

    def action_remove(self) -> None:
        """Remove the target papers, after asking."""
        keys = self._targets()
        if not keys:
            return

        def answered(yes: bool | None) -> None:
            if yes and self._write(
                lambda library: library.remove(keys), f"Removed {plural(len(keys), 'paper')}"
            ):
                self.table.forget(keys)
                self._show_counts()

        question = Text("Remove ")
        question.append(self._describe(keys), style="bold")
        question.append(" from the library? Its tags, status and note go too.")
        self.app.push_screen(ConfirmScreen("Remove", question, yes="remove"), answered)

    def action_triage(self) -> None:
        """Go through the unread papers of this view one at a time."""
        keys = [p.key for p in self.table.papers if p.status is Status.UNREAD]
        if not keys:
            self.notify("No unread papers in this view", markup=False)
            return

        def finished(summary: TriageSummary | None) -> None:
            self.refresh_view()
            if summary is not None and summary.seen:
                self.notify(summary.line(), title="Triage", markup=False)

        self.app.push_screen(TriageScreen(self.session, keys), finished)

    def action_stats(self) -> None:
        """Show the reading stats."""
        self.app.push_screen(StatsScreen(self.session, today=self.today()))

    # -- import and export -----------------------------------------------------

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
            if path.exists():
                question = Text(f"{path} exists. Replace it?")
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
            count = run_export(papers, path)
        except (ReadlistError, OSError, ValueError) as error:
            self.post_message(self.JobFailed("Export failed", str(error)))
        else:
            self.post_message(self.Exported(path, count))

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

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        entries = "entry" if message.count == 1 else "entries"
        self.notify(
            f"Wrote {message.count} {entries} to {message.path}", title="Exported", markup=False
        )

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

    def palette_commands(self) -> Iterable[tuple[str, str, str]]:
        """Extra commands for the palette: ``(name, help, action)``."""
        yield ("Import the bundled sample listings", "", "import_samples")
        for by in SORT_CYCLE:
            yield (f"Sort by {by}", "", f"sort('{by}')")
        for status in Status:
            yield (
                f"Filter: {status.value}",
                "toggle in the query",
                f"filter('status', '{status}')",
            )
        yield ("Filter: has code", "toggle in the query", "filter('code', 'yes')")
