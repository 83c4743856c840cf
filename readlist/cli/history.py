"""The CLI's history, undo and redo commands: the journal shown, commands reversed and replayed."""

from __future__ import annotations

import argparse

from readlist.cli.streams import err, out, out_json, warn
from readlist.errors import KeyLookupError
from readlist.store import Library
from readlist.store.journal import describe_change, describe_entry, undo_state

#: How many commands ``history`` shows unless ``--limit`` says otherwise.
DEFAULT_HISTORY_LIMIT = 20


def cmd_history(args: argparse.Namespace, library: Library) -> int:
    """Show the change journal, newest first (one line per command)."""
    key = None
    if args.key:
        try:
            key = library.resolve_key(args.key)
        except KeyLookupError:
            key = args.key  # a paper removed since still has its history
    limit = DEFAULT_HISTORY_LIMIT if args.limit is None else max(args.limit, 0)
    entries = library.history()  # read once: for the lines and for what is undone
    if key is None:
        shown = [(entry, describe_entry(entry)) for entry in reversed(entries)]
    else:  # only what each command changed in this paper (an import changed thousands)
        shown = [
            (event.entry, "; ".join(describe_change(change) for change in event.changes))
            for event in library.paper_history(key, entries=entries)
        ]
    shown = shown[:limit]
    if args.json:
        out_json([entry.to_json() for entry, _ in shown])
        return 0
    if not shown:
        out("no history" + (f" for {key}" if key else ""))
        return 0
    undone = {entry.id for entry in undo_state(entries)[1]}
    for entry, what in shown:
        mark = " (undone)" if entry.id in undone else ""
        out(f"{entry.time} {entry.machine} {entry.command}{mark}: {what}")
    return 0


def cmd_undo(args: argparse.Namespace, library: Library) -> int:
    """Reverse the last N commands not yet undone."""
    return _reverse(library, args.count, undo=True)


def cmd_redo(args: argparse.Namespace, library: Library) -> int:
    """Replay the last N commands undone."""
    return _reverse(library, args.count, undo=False)


def _reverse(library: Library, count: int, *, undo: bool) -> int:
    verb = "undo" if undo else "redo"
    if count < 1:
        err(f"{verb} needs a count of at least 1")
        return 2
    reversal = library.undo(count) if undo else library.redo(count)
    if not reversal.entries:
        err(f"nothing to {verb}")
        return 1
    done = "undid" if undo else "redid"
    for entry in reversal.entries:
        out(f"{done} {entry.command} ({entry.time}): {describe_entry(entry)}")
    for line in reversal.skipped:
        warn(f"skipped {line}")
    return 0
