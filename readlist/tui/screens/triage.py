"""Triage: unread papers one at a time, big and readable, one key per decision.

``u`` undoes the last command (a wrong ``d``, say) and the card goes back to the
paper it changed, unread again, with the summary's counts taken back; ``ctrl+r``
redoes it and, if that decides the paper on show again, moves on as the key did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from readlist.errors import KeyLookupError
from readlist.models import Paper, Status
from readlist.store import Library
from readlist.store.library import Reversal
from readlist.tui.paper_actions import PaperActions
from readlist.tui.session import LibrarySession
from readlist.tui.widgets.fitting_footer import FittingFooter
from readlist.tui.widgets.paper_detail import PaperDetail


@dataclass
class TriageSummary:
    """What a triage session did: how many papers got each action."""

    total: int
    seen: int = 0
    reading: int = 0
    read: int = 0
    skipped: int = 0
    tagged: int = 0
    noted: int = 0
    opened: int = 0

    def counts(self) -> list[tuple[str, int]]:
        """``(action, count)`` for every action, in a fixed order."""
        return [
            ("→ reading (read now)", self.reading),
            ("→ read (done)", self.read),
            ("skipped", self.skipped),
            ("tagged", self.tagged),
            ("notes written", self.noted),
            ("links opened", self.opened),
        ]

    def line(self) -> str:
        """One line, e.g. ``5 of 85 papers: → reading 2, skipped 3``."""
        done = ", ".join(f"{name.split(' (')[0]} {n}" for name, n in self.counts() if n)
        return f"{self.seen} of {self.total} papers: {done or 'nothing changed'}"


#: The footer's keys to leave out first when the terminal is narrow (never one cut in half).
TRIAGE_FOOTER_DROP_ORDER = ("open_code", "note", "tag")


class TriageScreen(Screen[TriageSummary]):
    """Decide about each unread paper in turn; ends with a summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reading", "Read now"),
        Binding("d", "done", "Done"),
        Binding("s,right", "skip", "Skip"),
        Binding("t", "tag", "Tag"),
        Binding("n", "note", "Note"),
        Binding("o", "open_code", "Code"),
        Binding("p", "open_paper", "Paper page", show=False),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="back to its paper"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, tooltip="what u undid"),
        Binding("j", "scroll('down')", "Scroll down", show=False),
        Binding("k", "scroll('up')", "Scroll up", show=False),
        Binding("escape,q", "finish", "Finish"),
        Binding("enter", "close", "Back", show=False),
    ]

    def __init__(self, session: LibrarySession, keys: Sequence[str]) -> None:
        """Triage the papers with ``keys``, in that order."""
        super().__init__()
        self.session = session
        self.keys = list(keys)
        self.index = 0
        self.summary = TriageSummary(total=len(self.keys))
        self.finished = False
        #: The summary count each decided paper (by index) added to, taken back by an undo.
        self._decided: dict[int, str] = {}
        self.paper_actions = PaperActions(self, session, changed=self._redraw)

    @property
    def paper(self) -> Paper | None:
        """The paper on screen, as the library last stood."""
        if self.finished or self.index >= len(self.keys):
            return None
        return self.session.snapshot.get(self.keys[self.index])

    def compose(self) -> ComposeResult:
        """Progress on top, the paper, a summary shown at the end."""
        with Horizontal(id="triage-progress"):
            yield Static(Text("Triage", style="bold"), id="triage-heading")
            yield ProgressBar(total=len(self.keys), show_eta=False, show_percentage=False)
            yield Static(id="triage-count")
        yield PaperDetail(id="triage-paper")
        yield Static(id="triage-summary")
        yield FittingFooter(drop_order=TRIAGE_FOOTER_DROP_ORDER)

    def on_mount(self) -> None:
        """Show the first paper."""
        self.query_one("#triage-summary").display = False
        self._show()

    def _show(self) -> None:
        """Show the paper at ``index``, skipping papers removed meanwhile.

        Drawn at once from the session's snapshot, then checked against the
        library itself on its thread (another process may have removed it).
        """
        while self.index < len(self.keys):
            paper = self.session.snapshot.get(self.keys[self.index])
            if paper is None:
                self.index += 1
                continue
            self._draw(paper)
            self._check(self.index)
            return
        self._finish()

    def _draw(self, paper: Paper) -> None:
        detail = self.query_one(PaperDetail)
        detail.show(paper)
        detail.scroll_home(animate=False)
        self.query_one(ProgressBar).update(progress=self.index)
        self.query_one("#triage-count", Static).update(Text(f"{self.index + 1} / {len(self.keys)}"))

    def _check(self, start: int) -> None:
        """Make sure the paper shown from ``start`` on is still in the library."""
        keys = self.keys

        def first_left(library: Library) -> tuple[int, Paper | None]:
            for index in range(start, len(keys)):
                try:
                    return index, library.get(keys[index])
                except KeyLookupError:
                    continue
            return len(keys), None

        def found(result: tuple[int, Paper | None]) -> None:
            index, paper = result
            if self.finished or self.index != start or self not in self.app.screen_stack:
                return  # moved on (or left) meanwhile
            self.index = index
            if paper is None:
                self._finish()
            elif index != start or paper is not self.query_one(PaperDetail).paper:
                self._draw(paper)

        def failed(error: Exception) -> None:
            self.notify(str(error), severity="error", markup=False)

        self.session.queue(first_left, found, failed, "read the next paper")

    def _finish(self) -> None:
        self.finished = True
        self.query_one(ProgressBar).update(progress=self.index)
        self.query_one("#triage-count", Static).update(
            Text(f"{self.summary.seen} / {len(self.keys)}")
        )
        self.query_one(PaperDetail).display = False
        text = Text("Triage finished\n\n", style="bold")
        text.append(f"{self.summary.seen} of {self.summary.total} unread papers seen\n\n")
        for name, count in self.summary.counts():
            text.append(f"{count:>5}  ", style="bold")
            text.append(f"{name}\n")
        text.append("\nenter or escape: back to the library", style="dim")
        summary = self.query_one("#triage-summary", Static)
        summary.update(text)
        summary.display = True
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the summary is up: leaving, and undo (back to the last paper); enter closes."""
        if action in ("finish", "close"):
            return action == "finish" or self.finished
        return action in ("undo", "redo") or not self.finished

    def _next(self) -> None:
        self.summary.seen += 1
        self.index += 1
        self._show()

    def _decide(self, count: str) -> None:
        """Count the paper on show under ``count`` (``read``, ``skipped`` …) and move on."""
        self._decided[self.index] = count
        setattr(self.summary, count, getattr(self.summary, count) + 1)
        self._next()

    def _set_status(self, status: Status) -> bool:
        """Queue the new status (saved in turn; a failure is told); whether there was a paper."""
        paper = self.paper
        if paper is None:
            return False
        self.paper_actions.write(lambda library: library.set_status([paper.key], status))
        return True

    @on(LibrarySession.Failed)
    def _library_failed(self, event: LibrarySession.Failed) -> None:
        """A change could not be saved: one plain line."""
        self.notify(event.error, title=event.title, severity="error", markup=False)

    def action_reading(self) -> None:
        """Read it now: mark it reading and move on."""
        if self._set_status(Status.READING):
            self._decide("reading")

    def action_done(self) -> None:
        """Done with it: mark it read and move on."""
        if self._set_status(Status.READ):
            self._decide("read")

    def action_skip(self) -> None:
        """Leave it unread and move on."""
        if self.paper is not None:
            self._decide("skipped")

    def _redraw(self) -> None:
        """Show the paper again after a change."""
        if not self.finished:
            self.query_one(PaperDetail).show(self.paper)

    def _tagged(self) -> None:
        self.summary.tagged += 1

    def _noted(self) -> None:
        self.summary.noted += 1

    def action_tag(self) -> None:
        """Add tags to this paper."""
        if paper := self.paper:
            self.paper_actions.add_tags([paper.key], then=self._tagged)

    def action_note(self) -> None:
        """Write a note about this paper."""
        if paper := self.paper:
            self.paper_actions.edit_note(paper, then=self._noted)

    def action_open_code(self) -> None:
        """Open the code link (or a repository search)."""
        paper = self.paper
        if paper is not None and self.paper_actions.open_code(paper):
            self.summary.opened += 1

    def action_open_paper(self) -> None:
        """Open a search for the paper's page."""
        paper = self.paper
        if paper is not None and self.paper_actions.open_paper(paper):
            self.summary.opened += 1

    def action_scroll(self, direction: str) -> None:
        """Scroll a long abstract."""
        detail = self.query_one(PaperDetail)
        if direction == "down":
            detail.scroll_down()
        else:
            detail.scroll_up()

    def action_finish(self) -> None:
        """Stop: show the summary, or leave if it is already shown."""
        if self.finished:
            self.dismiss(self.summary)
        else:
            self._finish()

    def action_undo(self) -> None:
        """Undo the last command; the card goes back to the paper it changed."""
        from readlist.tui.history import start_reversal

        start_reversal(self, self.session, undo=True, then=self._undone)

    def action_redo(self) -> None:
        """Redo the last command undone; if it decides the paper on show, move on."""
        from readlist.tui.history import start_reversal

        start_reversal(self, self.session, undo=False, then=self._redone)

    def _undone(self, reversal: Reversal) -> None:
        """Go back to the latest paper of the queue the undo changed (its decision uncounted)."""
        if self not in self.app.screen_stack:
            return
        changed = set(reversal.changed)
        back = [i for i, key in enumerate(self.keys[: self.index + 1]) if key in changed]
        if not back or (back[-1] == self.index and not self.finished):
            self._redraw()  # the paper on show (a tag, a note), or none of the queue
            return
        self._rewind(back[-1])

    def _rewind(self, index: int) -> None:
        """Show the paper at ``index`` again; decisions from it on no longer count."""
        for decided in [i for i in self._decided if i >= index]:
            count = self._decided.pop(decided)
            setattr(self.summary, count, getattr(self.summary, count) - 1)
            self.summary.seen -= 1
        self.index = index
        if self.finished:
            self.finished = False
            self.query_one("#triage-summary").display = False
            self.query_one(PaperDetail).display = True
            self.refresh_bindings()
        self._show()

    def _redone(self, reversal: Reversal) -> None:
        """A redo that decides the paper on show again moves on, as its key did."""
        if self not in self.app.screen_stack or self.finished:
            return
        paper = self.paper
        if paper is not None and paper.key in reversal.changed:
            if paper.status is Status.READ:
                self._decide("read")
                return
            if paper.status is Status.READING:
                self._decide("reading")
                return
        self._redraw()

    def action_close(self) -> None:
        """Back to the library."""
        self.dismiss(self.summary)
