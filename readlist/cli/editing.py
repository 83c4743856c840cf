"""The CLI's ``edit KEY``: a paper's metadata edited as a BibTeX entry in ``$EDITOR``."""

from __future__ import annotations

import argparse

from readlist.cli.environment import current
from readlist.cli.streams import err, note, out, warn
from readlist.store import Library


def cmd_edit(args: argparse.Namespace, library: Library) -> int:
    """Edit a paper's metadata as a BibTeX entry; reopened until valid, saved conflict-safely."""
    from readlist.services import edit_metadata

    key = library.resolve_key(args.key)

    def show_errors(lines: list[str]) -> None:
        for line in lines:
            err(line)
        note("the entry is not valid: reopening it (save it unchanged or empty to give up)")

    edited = edit_metadata(
        library, key, edit=current().edit_entry_text, kept=err, errors=show_errors
    )
    if edited.warning:
        warn(edited.warning)
    if edited.gave_up or not edited.changed:
        out(f"{key}: nothing changed")
        return 0
    renamed = f" (now {edited.key}; {key} is an alias)" if edited.key != key else ""
    out(f"{key}: saved {', '.join(edited.changed)}{renamed}")
    return 0
