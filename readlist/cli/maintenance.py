"""The CLI's doctor and restore commands: the report text (the checks are in readlist.store)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readlist.cli.streams import out
from readlist.errors import ReadlistError
from readlist.store import Library
from readlist.view import plural

if TYPE_CHECKING:  # the checks are imported only by the commands that use them
    from readlist.store.repair import AbstractRepair


def cmd_doctor(args: argparse.Namespace, library: Library) -> int:
    """Check the library file for damage; ``--fix`` deletes leftovers of killed saves."""
    from readlist.store.check import Severity, check_library
    from readlist.store.repair import fix_library

    if args.fix:
        fixes = fix_library(library.path, command=library.command or "doctor --fix")
        for removed in fixes.removed:
            out(f"removed {removed}")
        if fixes.quarantined:
            moved = fixes.quarantined.records
            out(f"moved {plural(len(moved), 'damaged record')} to {fixes.quarantined.path}:")
            for line in moved:
                out(f"  {line}")
        for line in _repair_lines(fixes.abstracts):
            out(line)
        from readlist.sync.recovery import fix_sync

        for line in fix_sync(library):
            out(line)
    findings = check_library(library.path)
    for finding in findings:
        out(str(finding))
    from readlist.sync.recovery import check_sync

    sync_findings = check_sync(library.path)
    for severity, message in sync_findings:
        out(f"{severity}: {message}")
    errors = sum(f.count for f in findings if f.severity is Severity.ERROR)
    errors += sum(1 for severity, _ in sync_findings if severity == "error")
    warnings = sum(f.count for f in findings if f.severity is Severity.WARNING)
    warnings += sum(1 for severity, _ in sync_findings if severity == "warning")
    out(f"{library.path}: {plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if any(f.fixable for f in findings):
        out(
            "run 'readlist doctor --fix' to repair what it can "
            "(temporary files, abstracts, damaged records)"
        )
    return 1 if errors else 0


def _repair_lines(repair: AbstractRepair | None) -> list[str]:
    """What ``doctor --fix`` did to the abstracts file, a line each."""
    if repair is None:
        return []
    lines = []
    if repair.moved_directory:
        moved = repair.moved_directory
        lines.append(f"moved the directory in place of the abstracts file to {moved}")
    if repair.damaged_copy:
        lines.append(f"kept the damaged abstracts file as {repair.damaged_copy}")
    if repair.recovered:
        lines.append(f"recovered {plural(repair.recovered, 'abstract')} from the backups")
    if repair.missing:
        shown = ", ".join(repair.missing[:10]) + (" …" if len(repair.missing) > 10 else "")
        lines.append(
            f"{plural(len(repair.missing), 'abstract')} found in no backup "
            f"(import their files again to get them back): {shown}"
        )
    if repair.dropped:
        lines.append(f"dropped {plural(repair.dropped, 'abstract')} that no paper names")
    return lines


def cmd_restore(args: argparse.Namespace, library: Library) -> int:
    """List the library's backups, or restore one (named by date or path)."""
    from readlist.store.backup import list_backups
    from readlist.store.restore import find_backup, inspect_backup, restore_backup

    if args.backup is None:
        backups = list_backups(library.path)
        if not backups:
            out(f"no backups of {library.path} yet")
            return 0
        out(f"backups of {library.path}, newest first:")
        width = max(len(backup.label) for backup in backups)
        for backup in backups:
            try:
                state = f"{inspect_backup(backup.path)} papers"
            except ReadlistError as error:
                state = f"unusable: {error}"
            out(f"  {backup.label:<{width}}  {state:<12}  {backup.path}")
        out("restore one with: readlist restore DATE (or a backup file)")
        return 0
    restored = restore_backup(
        library.path, find_backup(library.path, args.backup), command=library.command or "restore"
    )
    kept = f"; the replaced file is kept as {restored.previous}" if restored.previous else ""
    if restored.moved_directory:
        out(f"moved the directory in place of the abstracts file to {restored.moved_directory}")
    out(f"restored {library.path} from {restored.backup} ({restored.papers} papers){kept}")
    return 0
