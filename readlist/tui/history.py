"""Undo and redo from the interface: the library's own, on its thread, told in a toast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from readlist.store.journal import describe_entry
from readlist.store.library import Reversal
from readlist.tui.session import LibrarySession


def start_reversal(
    screen: Screen[Any],
    session: LibrarySession,
    *,
    undo: bool,
    then: Callable[[Reversal], object] | None = None,
) -> None:
    """Queue the undo (or redo) of the last command on the library thread; then say what it did.

    ``then(reversal)`` runs after the toasts (the triage screen follows the paper).
    A failure comes back to ``screen`` as :class:`LibrarySession.Failed` (one plain line).
    """

    def done(reversal: Reversal) -> None:
        _show(screen, reversal, undo=undo)
        if then is not None:
            then(reversal)

    session.write(
        lambda library: library.undo() if undo else library.redo(),
        origin=screen,
        done=done,
        title="Not undone" if undo else "Not redone",
    )


def _show(screen: Screen[Any], reversal: Reversal, *, undo: bool) -> None:
    """Say, in plain text, what was undone or redone and what was skipped."""
    if not reversal.entries:
        screen.notify("Nothing to undo" if undo else "Nothing to redo", markup=False)
        return
    done = "Undid" if undo else "Redid"
    for entry in reversal.entries:
        screen.notify(f"{done} {entry.command}: {describe_entry(entry)}", markup=False)
    for line in reversal.skipped:
        screen.notify(f"Skipped {line}", title="Changed since", severity="warning", markup=False)
