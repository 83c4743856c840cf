"""The history of one paper: what each command changed in it, newest first, from the journal.

The journal is read on the library thread (the screen says "Loading" meanwhile):
the entries that changed the paper under any key it has had
(:meth:`~readlist.store.Library.paper_history`). Each row is one command: when (in
local time), on which machine, the command, and per field the value before → after.
Everything from the journal is shown as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from readlist.store import Library
from readlist.store.journal import PaperChange, undo_state
from readlist.store.paper_history import PaperEvent
from readlist.store.records import ABSTRACT_REF
from readlist.text import one_line
from readlist.tui.literal import literal_lines
from readlist.tui.session import LibrarySession

#: How much of a value (a note, a title) a row shows.
VALUE_WIDTH = 40
#: The most commands shown (the newest); older ones are counted.
MOST_ROWS = 500
#: Fields every change touches, not worth a line.
QUIET = frozenset({"updated"})


@dataclass(frozen=True)
class PaperHistory:
    """What the screen shows, read on the library thread."""

    events: list[PaperEvent]
    #: The ids of the commands currently undone.
    undone: frozenset[str]


def read_history(library: Library, key: str) -> PaperHistory:
    """The paper's history and which of its commands are undone (one read of the journal)."""
    entries = library.history()
    events = library.paper_history(key, entries=entries)
    return PaperHistory(events, frozenset(entry.id for entry in undo_state(entries)[1]))


def local_time(stamp: str, zone: tzinfo | None = None) -> str:
    """A journal time (UTC, ``2026-12-05T07:03:34Z``) in local time (or ``zone``'s)."""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return one_line(stamp)
    if when.tzinfo is None:
        return one_line(stamp)
    return f"{when.astimezone(zone):%Y-%m-%d %H:%M}"


def short(value: object) -> str:
    """A field's value on one line, cut to :data:`VALUE_WIDTH` (``""`` for nothing)."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = ", ".join(short(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{name}={short(item)}" for name, item in value.items())
    else:
        text = one_line(str(value))
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def change_lines(change: PaperChange) -> Text:
    """One line per field changed: ``status: unread → read``, ``tags: +ml -old``."""
    if change.before is None or change.after is None:
        record = change.after if change.before is None else change.before
        what = "added" if change.before is None else "removed"
        title = short((record or {}).get("title"))
        return Text(f"{what}: {title}" if title else what)
    before, after = change.before, change.after
    lines = []
    for name in change.fields:
        if name in QUIET:
            continue
        old, new = before.get(name), after.get(name)
        if name == "tags" and isinstance(old or [], list) and isinstance(new or [], list):
            gone, came = set(old or []), set(new or [])
            added = [f"+{tag}" for tag in sorted(came - gone, key=str)]
            removed = [f"-{tag}" for tag in sorted(gone - came, key=str)]
            lines.append(f"tags: {short(' '.join([*added, *removed]))}")
        elif name == ABSTRACT_REF:  # a digest: only whether it came, went or changed
            lines.append(
                f"abstract: {'replaced' if old and new else 'added' if new else 'removed'}"
            )
        else:
            lines.append(f"{name}: {short(old) or '—'} → {short(new) or '—'}")
    return Text("\n".join(lines) or "touched")


def history_table(history: PaperHistory, zone: tzinfo | None = None) -> Table:
    """A row per command, newest first: when, machine, command, what changed."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold", expand=True)
    table.add_column("When", no_wrap=True)
    table.add_column("Machine", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("Command", ratio=1, overflow="fold")
    table.add_column("Changed", ratio=2, overflow="fold")
    for event in history.events[:MOST_ROWS]:
        entry = event.entry
        command = Text(one_line(entry.command))
        if entry.id in history.undone:
            command.append(" (undone)", style="dim")
        changed = Text("\n").join(change_lines(change) for change in event.changes)
        table.add_row(
            Text(local_time(entry.time, zone)), Text(one_line(entry.machine)), command, changed
        )
    return table


class PaperHistoryScreen(Screen[None]):
    """The journal's entries for one paper, newest first; escape closes."""

    CSS_PATH = "paper_history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,H", "app.pop_screen", "Back"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(
        self, session: LibrarySession, key: str, title: str, *, zone: tzinfo | None = None
    ) -> None:
        """The history of the paper ``key`` (``title`` heads it), times in ``zone`` (local)."""
        super().__init__()
        self.session = session
        self.key = key
        self.title_text = title
        self.zone = zone
        #: The history once read; the error if it could not be.
        self.history: PaperHistory | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        """The paper on top, then the commands (or "Loading", or the error)."""
        heading = Text("History of ", style="bold")
        heading.append(one_line(self.key), style="bold")
        heading.append(f"  {one_line(self.title_text)}")
        yield Static(heading, id="history-heading")
        with VerticalScroll(id="history-body"):
            yield Static(self._body(), id="history-rows")
        yield Footer()

    def _body(self) -> RenderableType:
        if self.error is not None:
            return literal_lines(f"Cannot read the history: {self.error}")
        if self.history is None:
            return Text("Loading the history…", style="dim")
        events = self.history.events
        if not events:
            return Text("No changes recorded for this paper.", style="dim")
        table = history_table(self.history, self.zone)
        if len(events) > MOST_ROWS:
            table.caption = f"… {len(events) - MOST_ROWS} older commands not shown"
        return table

    def on_mount(self) -> None:
        """Read the history on the library thread; the rows fill in when it is back."""
        key = self.key
        self.session.queue(
            lambda library: read_history(library, key), self._read, self._failed, "read history"
        )

    def _read(self, history: PaperHistory) -> None:
        self.history = history
        self._show()

    def _failed(self, error: Exception) -> None:
        self.error = str(error)
        self._show()

    def _show(self) -> None:
        if self in self.app.screen_stack:  # not closed before the history came
            self.query_one("#history-rows", Static).update(self._body())

    def action_scroll(self, lines: int) -> None:
        """Scroll the rows by ``lines``."""
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)
