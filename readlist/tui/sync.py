"""Sync from the interface: ``readlist sync`` on the library thread, and the header's sync state.

The sync itself goes through the session like any change (it holds the library's
lock and replaces the file, so it must not race a save). The state shown in the
header — when this machine last synced, whether changes wait to go out — comes
from git in a thread worker, never on the event loop.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from readlist.sync.exchange import SyncReport, SyncState, sync, sync_state

if TYPE_CHECKING:
    from readlist.tui.screens.library import LibraryScreen


def sync_label(state: SyncState | None, today: date) -> str:
    """``synced 10:42``, ``synced 2026-12-01, changes to send``; ``""`` when sync is not set up."""
    if state is None:
        return ""
    when = "never synced"
    if state.last_sync:
        try:
            moment = datetime.fromisoformat(state.last_sync).astimezone()
        except ValueError:
            moment = None
        if moment is not None:
            shown = moment.strftime("%H:%M") if moment.date() == today else f"{moment:%Y-%m-%d}"
            when = f"synced {shown}"
    return f"{when}, changes to send" if state.pending else when


def start_sync(screen: LibraryScreen) -> None:
    """Queue ``readlist sync`` on the library thread; then say what came and went."""
    screen.notify("Syncing…", markup=False)
    screen.session.write(
        sync,
        origin=screen,
        done=lambda report: _show(screen, report),
        title="Not synced",
    )


def _show(screen: LibraryScreen, report: SyncReport) -> None:
    """Tell, in plain text, what a sync sent and received, and what needs a look."""
    sent = report.committed.describe() if report.committed else "no change here"
    lines = [f"Sent: {sent}"]
    if report.remote:
        received = report.received.describe() if report.received else "nothing new"
        lines.append(f"Received: {received}")
    lines += report.notes
    screen.notify("\n".join(lines), title="Synced", markup=False)
    if report.conflicts:
        screen.notify(
            f"{len(report.conflicts)} paper(s) need a look: search has:conflict",
            severity="warning",
            markup=False,
        )
    refresh_sync_state(screen)


def refresh_sync_state(screen: LibraryScreen) -> None:
    """Ask git for the sync state in a thread; the header shows it when it comes.

    Asked after every change while sync is set up: one question at a time, so a burst
    of keys costs one round of git commands, not one per key.
    """
    if any(worker.group == "sync-state" and worker.is_running for worker in screen.workers):
        return
    path = screen.library.path
    today = screen.today()

    def ask() -> None:
        label = sync_label(sync_state(path), today)
        screen.app.call_from_thread(screen.show_sync_label, label)

    screen.run_worker(ask, thread=True, group="sync-state", exit_on_error=False)
