"""The CLI's ``sync`` (set-up, clone, and the sync itself), ``merge-driver`` and ``resolve``."""

from __future__ import annotations

import argparse
from pathlib import Path

from readlist.cli.streams import out, out_json, warn
from readlist.store import Library


def cmd_sync(args: argparse.Namespace, library: Library) -> int:
    """``sync``, ``sync init [REMOTE]`` or ``sync clone REMOTE``."""
    from readlist.sync.exchange import sync
    from readlist.sync.setup import clone, init

    if args.with_pdfs and args.action != "init":
        args.usage_error("--with-pdfs goes with 'sync init'")
    if args.action == "init":
        for line in init(library, args.remote, with_pdfs=args.with_pdfs):
            out(line)
        return 0
    if args.action == "clone":
        if not args.remote:
            args.usage_error("sync clone needs the REMOTE to clone")
        for line in clone(args.remote, library.path):
            out(line)
        return 0
    if args.remote:
        args.usage_error(f"unknown action {args.remote!r}: use 'sync', 'sync init' or 'sync clone'")
    report = sync(library)
    if args.json:
        out_json(
            {
                "committed": report.committed.describe() if report.committed else None,
                "received": report.received.describe() if report.received else None,
                "conflicts": report.conflicts,
                "pushed": report.pushed,
                "remote": report.remote,
            }
        )
        return 0
    out(f"sent: {report.committed.describe()}" if report.committed else "sent: no change here")
    if report.remote:
        received = report.received.describe() if report.received else "nothing new"
        out(f"received from {report.remote}: {received}")
    for line in report.notes:
        out(line)
    if report.conflicts:
        warn(
            f"{len(report.conflicts)} paper(s) need a look: {', '.join(report.conflicts[:10])}"
            " (readlist list has:conflict; readlist resolve KEY when done)"
        )
    return 0


def cmd_merge_driver(args: argparse.Namespace, library: Library) -> int:
    """Git's merge driver for library files (``%O %A %B [%P]``); registered by ``sync init``."""
    from readlist.sync.driver import merge_driver

    return merge_driver(Path(args.base), Path(args.ours), Path(args.theirs), args.path)


def cmd_resolve(args: argparse.Namespace, library: Library) -> int:
    """Clear the sync conflicts of papers once the user has looked at them."""
    keys = [library.resolve_key(key.strip()) for key in args.keys if key.strip()]
    for key, cleared in library.clear_conflicts(keys):
        out(f"{key}: {cleared} conflict(s) cleared" if cleared else f"{key}: no conflict")
    return 0
