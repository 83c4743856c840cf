"""Undo and redo from the interface: the library's own, run in a worker, told in a toast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.errors import ReadlistError
from readlist.store.journal import describe_entry
from readlist.store.library import Reversal

if TYPE_CHECKING:
    from readlist.tui.screens.library import LibraryScreen


def start_reversal(screen: LibraryScreen, *, undo: bool) -> None:
    """Undo (or redo) the last command in a worker thread; the screen redraws after."""
    verb = "undo" if undo else "redo"
    screen.run_worker(
        lambda: _reverse(screen, undo=undo),
        thread=True,
        group="history",
        exit_on_error=False,
        description=f"{verb} the last command",
    )


def _reverse(screen: LibraryScreen, *, undo: bool) -> None:
    app = screen.app
    try:
        reversal = screen.session.write(lambda library: library.undo() if undo else library.redo())
    except ReadlistError as error:
        title = "Not undone" if undo else "Not redone"
        app.call_from_thread(screen.notify, str(error), title=title, severity="error", markup=False)
        return
    app.call_from_thread(_show, screen, reversal, undo=undo)


def _show(screen: LibraryScreen, reversal: Reversal, *, undo: bool) -> None:
    """Redraw and say, in plain text, what was undone or redone and what was skipped."""
    if not reversal.entries:
        screen.notify("Nothing to undo" if undo else "Nothing to redo", markup=False)
        return
    screen.library_changed()
    done = "Undid" if undo else "Redid"
    for entry in reversal.entries:
        screen.notify(f"{done} {entry.command}: {describe_entry(entry)}", markup=False)
    for line in reversal.skipped:
        screen.notify(f"Skipped {line}", title="Changed since", severity="warning", markup=False)
