"""Undo and redo from the interface: the library's own, on its thread, told in a toast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readlist.store.journal import describe_entry
from readlist.store.library import Reversal

if TYPE_CHECKING:
    from readlist.tui.screens.library import LibraryScreen


def start_reversal(screen: LibraryScreen, *, undo: bool) -> None:
    """Queue the undo (or redo) of the last command on the library thread; then say what it did.

    A failure comes back to the screen as :class:`LibrarySession.Failed` (one plain line).
    """
    screen.session.write(
        lambda library: library.undo() if undo else library.redo(),
        origin=screen,
        done=lambda reversal: _show(screen, reversal, undo=undo),
        title="Not undone" if undo else "Not redone",
    )


def _show(screen: LibraryScreen, reversal: Reversal, *, undo: bool) -> None:
    """Redraw and say, in plain text, what was undone or redone and what was skipped."""
    if not reversal.entries:
        screen.notify("Nothing to undo" if undo else "Nothing to redo", markup=False)
        return
    done = "Undid" if undo else "Redid"
    for entry in reversal.entries:
        screen.notify(f"{done} {entry.command}: {describe_entry(entry)}", markup=False)
    for line in reversal.skipped:
        screen.notify(f"Skipped {line}", title="Changed since", severity="warning", markup=False)
