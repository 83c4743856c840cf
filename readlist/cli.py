"""The command line: argument parsing and one function per command (never imports textual)."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from readlist import __version__
from readlist.errors import LibraryError, ReadlistError
from readlist.models import Paper, Status
from readlist.output import make_console, paper_details, paper_lines, to_json
from readlist.paths import library_path
from readlist.services import open_library
from readlist.store import ImportStep, Library
from readlist.text import escape_controls, one_line

if TYPE_CHECKING:  # the doctor is imported only by the commands that use it
    from readlist.store.repair import AbstractRepair

#: Allocations between young-generation collections (Python's default is 700).
GC_THRESHOLD = 100_000
#: ``readlist.importers.FORMATS``, spelled out so that commands which import nothing
#: do not load the importers (a test keeps the two equal).
IMPORT_FORMATS = ("listing", "search", "bibtex")

#: Warnings printed per imported file; the rest are counted (and all are in --json).
MAX_WARNINGS_SHOWN = 20

Command = Callable[[argparse.Namespace, Library], int]


def _shown(text: str) -> str:
    """``text`` safe for a terminal: file names, tags and keys in it may hold escapes."""
    return "\n".join(escape_controls(line) for line in text.removesuffix("\n").split("\n"))


def _out(text: str) -> None:
    sys.stdout.write(_shown(text) + "\n")


def _out_json(data: object) -> None:
    sys.stdout.write(to_json(data) + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"readlist: {_shown(text)}\n")


def _warn(text: str) -> None:
    sys.stderr.write(f"warning: {_shown(text)}\n")


# -- commands ------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, library: Library) -> int:
    """Import listing, search-result or BibTeX files (or the bundled samples)."""
    from readlist.sources import file_source, import_sources, sample_sources, stdin_source, total

    sources = sample_sources() if args.sample else []
    for name in args.files:
        if name == "-":
            sources.append(stdin_source(sys.stdin.buffer))
        else:
            sources.append(file_source(name))
    if not sources:
        raise ReadlistError("nothing to import: give FILE(s), '-' for stdin, or --sample")
    reports = import_sources(
        library, sources, format=args.format, tags=args.tag, dry_run=args.dry_run
    )
    totals = total(reports)
    if not args.json:
        dry = " (dry run)" if args.dry_run else ""
        for file_report in reports:
            summary = file_report.report.summary()
            _out(f"{one_line(file_report.name)} ({file_report.format}): {summary}{dry}")
            if args.dry_run:
                _out_steps(file_report.report.steps)
        if len(reports) > 1:
            _out(f"total: {totals.summary()}")
    for file_report in reports:
        warnings = file_report.report.warnings
        for warning in warnings[:MAX_WARNINGS_SHOWN]:
            _warn(warning)
        if len(warnings) > MAX_WARNINGS_SHOWN:
            hidden = len(warnings) - MAX_WARNINGS_SHOWN
            _warn(f"{file_report.name}: … and {hidden} more warnings")
    if args.json:
        names = ("added", "updated", "unchanged", "warnings")
        result: dict[str, object] = {name: getattr(totals, name) for name in names}
        if args.dry_run:
            result["dry_run"] = True
            result["steps"] = [step.to_dict() for step in totals.steps]
        _out_json(result)
    elif args.dry_run:
        _out("dry run: nothing was written")
    return 0


def _out_steps(steps: Sequence[ImportStep]) -> None:
    """One line per entry of a dry run: what it adds, or which paper it merges into."""
    for step in steps:
        title = one_line(step.title)
        if step.action == "added":
            _out(f"  add {step.key}: {title}")
        elif step.action == "updated":
            _out(f"  merge into {step.key} ({', '.join(step.fields)}): {title}")
        else:
            _out(f"  same as {step.key} (no change): {title}")


def _selected(args: argparse.Namespace, library: Library) -> list[Paper]:
    from readlist.query import sort_papers

    papers = library.search(" ".join(args.query))
    if args.sort:
        papers = sort_papers(papers, args.sort)
    if args.limit is not None:
        papers = papers[: max(args.limit, 0)]
    return papers


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    """List papers matching a query."""
    papers = _selected(args, library)
    if args.json:
        _out_json([paper.to_dict() for paper in papers])
        return 0
    if not sys.stdout.isatty():  # piped: plain lines, whole titles, no console needed
        sys.stdout.writelines(f"{line}\n" for line in paper_lines(papers, width=None, color=False))
        return 0
    console = make_console()
    lines = paper_lines(papers, width=console.width, color=not console.no_color)
    sys.stdout.writelines(f"{line}\n" for line in lines)
    console.print(f"{len(papers)} of {len(library)} papers", style="dim")
    return 0


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    """Show one paper."""
    paper = library.resolve(args.key)
    if args.json:
        _out_json(paper.to_dict())
    else:
        make_console().print(paper_details(paper))
    return 0


def _keys(library: Library, prefixes: Sequence[str]) -> list[str]:
    return [library.resolve_key(prefix) for prefix in prefixes]


def cmd_tag(args: argparse.Namespace, library: Library) -> int:
    """Add tags to a paper."""
    key = library.resolve_key(args.key)
    library.add_tags([key], args.tags)
    _out(f"{key}: {' '.join(library.tags_of(key)) or '(no tags)'}")
    return 0


def cmd_untag(args: argparse.Namespace, library: Library) -> int:
    """Remove tags from a paper."""
    key = library.resolve_key(args.key)
    library.remove_tags([key], args.tags)
    _out(f"{key}: {' '.join(library.tags_of(key)) or '(no tags)'}")
    return 0


def cmd_mark(args: argparse.Namespace, library: Library) -> int:
    """Set a paper's read status."""
    key = library.resolve_key(args.key)
    library.set_status([key], Status(args.status))
    _out(f"{key}: {args.status}")
    return 0


def cmd_note(args: argparse.Namespace, library: Library) -> int:
    """Set or append to a paper's note; with no text, edit it in $EDITOR."""
    key = library.resolve_key(args.key)
    if args.text is None:
        return _edit_note(library, key)
    text = _stdin_text() if args.text == "-" else args.text
    library.set_note(key, text.rstrip("\n"), append=args.append)
    _out(f"{key}: note saved")
    return 0


def _stdin_text() -> str:
    """Standard input as UTF-8 text (up to the import size limit); else one clear error."""
    from readlist.sources import read_capped

    data = read_capped(sys.stdin.buffer, "<stdin>")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadlistError(
            f"standard input is not UTF-8 text (invalid byte 0x{data[error.start]:02x} "
            f"at offset {error.start}); nothing was saved"
        ) from None


def _edit_note(library: Library, key: str) -> int:
    """Edit a note in $EDITOR and save it against the note it started from.

    A change saved meanwhile (``note --append``, the app) is merged in, never
    overwritten. Text that cannot be saved is kept as a draft beside the library.
    """
    from readlist.launch import EditorError, edit_text
    from readlist.store.library import NoteOutcome

    base = library.get(key).notes
    try:
        edited = edit_text(base)
    except EditorError as error:
        if error.lost_file:
            _keep_draft(library, key, error.text)
        raise
    if edited.warning:
        _warn(edited.warning)
    try:
        saved = library.save_note(key, edited.text.rstrip("\n"), base=base)
    except ReadlistError:
        _keep_draft(library, key, edited.text, also=edited.file)
        raise
    edited.discard()
    if saved.outcome is NoteOutcome.SAVED:
        _out(f"{key}: note saved")
    elif saved.outcome is NoteOutcome.MERGED:
        _out(f"{key}: note saved, merged with a change saved meanwhile")
    else:
        _out(
            f"{key}: note saved with both versions: a change saved meanwhile touched the same "
            f"lines; review the parts between <<<<<<< and >>>>>>> with: readlist note {key}"
        )
    return 0


def _keep_draft(library: Library, key: str, text: str, *, also: Path | None = None) -> None:
    """Keep unsaved note text as a draft beside the library and say where."""
    kept = f" and in {also}" if also else ""
    try:
        draft = library.save_draft(key, text)
    except ReadlistError as error:
        _err(f"your note text could not be kept as a draft ({error}){kept}")
        return
    _err(f"your note text is kept in {draft}{kept}")


def cmd_open(args: argparse.Namespace, library: Library) -> int:
    """Open a paper's code link (or a search for it) in the web browser."""
    from readlist.launch import open_url
    from readlist.links import code_target, paper_search_url

    paper = library.resolve(args.key)
    url = paper_search_url(paper.title) if args.paper else code_target(paper)
    _out(f"opening {open_url(url)}")
    return 0


def cmd_remove(args: argparse.Namespace, library: Library) -> int:
    """Remove papers from the library."""
    for key in library.remove(_keys(library, args.keys)):
        _out(f"removed {key}")
    return 0


def cmd_stats(args: argparse.Namespace, library: Library) -> int:
    """Counts by status, tag and category."""
    statuses = library.status_counts()
    groups: dict[str, dict[str, int]] = {
        "status": {status.value: statuses[status] for status in Status},
        "tags": dict(library.tag_counts().most_common()),
        "categories": dict(library.category_counts().most_common()),
    }
    if args.json:
        _out_json({"total": len(library), **groups})
        return 0
    from rich.table import Table

    console = make_console()
    console.print(f"{len(library)} papers", style="bold")
    for title, counts in groups.items():
        if not counts:
            continue
        table = Table(box=None, pad_edge=False)
        table.add_column(title, style="bold")
        table.add_column("papers", justify="right")
        for name, count in counts.items():
            table.add_row(escape_controls(name), str(count))
        console.print(table)
    return 0


def cmd_export(args: argparse.Namespace, library: Library) -> int:
    """Export citations as BibTeX, CSL-JSON or Markdown."""
    from readlist.export_file import write_export

    if args.keys:
        papers = [library.resolve(k.strip()) for k in args.keys.split(",") if k.strip()]
        if args.query:
            matching = {p.key for p in library.search(" ".join(args.query))}
            papers = [p for p in papers if p.key in matching]
    else:
        papers = _selected(args, library)
    if args.output and args.output != "-":
        write_export(
            papers, args.export_format, Path(args.output), ascii=args.ascii, library=library.path
        )
        sys.stderr.write(_shown(f"wrote {len(papers)} entries to {args.output}") + "\n")
    else:
        write_export(papers, args.export_format, sys.stdout, ascii=args.ascii)
    return 0


def cmd_tui(args: argparse.Namespace, library: Library) -> int:
    """Open the interactive interface."""
    library.load()  # a damaged library is one clear error line, not an empty screen
    from readlist.tui.app import ReadlistApp

    app = ReadlistApp(library)
    app.run()
    for draft in app.drafts_kept:
        _err(f"your unsaved note is kept in {draft}")
    return app.return_code or 0


# -- doctor and restore (logic in readlist.doctor and readlist.backup) ---------


def cmd_doctor(args: argparse.Namespace, library: Library) -> int:
    """Check the library file for damage; ``--fix`` deletes leftovers of killed saves."""
    from readlist.doctor import Severity, check_library, fix_library

    if args.fix:
        fixes = fix_library(library.path)
        for removed in fixes.removed:
            _out(f"removed {removed}")
        if fixes.quarantined:
            moved = fixes.quarantined.records
            _out(f"moved {_plural(len(moved), 'damaged record')} to {fixes.quarantined.path}:")
            for line in moved:
                _out(f"  {line}")
        for line in _repair_lines(fixes.abstracts):
            _out(line)
    findings = check_library(library.path)
    for finding in findings:
        _out(str(finding))
    errors = sum(f.count for f in findings if f.severity is Severity.ERROR)
    warnings = sum(f.count for f in findings if f.severity is Severity.WARNING)
    _out(f"{library.path}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    if any(f.fixable for f in findings):
        _out(
            "run 'readlist doctor --fix' to repair what it can "
            "(temporary files, abstracts, damaged records)"
        )
    return 1 if errors else 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
        lines.append(f"recovered {_plural(repair.recovered, 'abstract')} from the backups")
    if repair.missing:
        shown = ", ".join(repair.missing[:10]) + (" …" if len(repair.missing) > 10 else "")
        lines.append(
            f"{_plural(len(repair.missing), 'abstract')} found in no backup "
            f"(import their files again to get them back): {shown}"
        )
    if repair.dropped:
        lines.append(f"dropped {_plural(repair.dropped, 'abstract')} that no paper names")
    return lines


def cmd_restore(args: argparse.Namespace, library: Library) -> int:
    """List the library's backups, or restore one (named by date or path)."""
    from readlist.backup import list_backups
    from readlist.doctor import find_backup, inspect_backup, restore_backup

    if args.backup is None:
        backups = list_backups(library.path)
        if not backups:
            _out(f"no backups of {library.path} yet")
            return 0
        _out(f"backups of {library.path}, newest first:")
        width = max(len(backup.label) for backup in backups)
        for backup in backups:
            try:
                state = f"{inspect_backup(backup.path)} papers"
            except ReadlistError as error:
                state = f"unusable: {error}"
            _out(f"  {backup.label:<{width}}  {state:<12}  {backup.path}")
        _out("restore one with: readlist restore DATE (or a backup file)")
        return 0
    restored = restore_backup(library.path, find_backup(library.path, args.backup))
    kept = f"; the replaced file is kept as {restored.previous}" if restored.previous else ""
    if restored.moved_directory:
        _out(f"moved the directory in place of the abstracts file to {restored.moved_directory}")
    _out(f"restored {library.path} from {restored.backup} ({restored.papers} papers){kept}")
    return 0


# -- end of doctor and restore --------------------------------------------------


# -- parsing -------------------------------------------------------------------


def _sort_option(value: str) -> str:
    """``--sort``'s value checked while parsing, so a wrong one is a usage error (exit 2)."""
    from readlist.errors import QueryError
    from readlist.query import sort_name

    try:
        return sort_name(value)
    except QueryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, with the user's text in its error lines escaped, never raw."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with ``message`` (which quotes the arguments) made safe for a terminal."""
        super().error(escape_controls(message))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _ArgumentParser(
        prog="readlist",
        description="A keyboard-driven reading list for research papers.",
        epilog="With no command, opens the interactive interface.",
    )
    parser.add_argument("--version", action="version", version=f"readlist {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="library file (default: $READLIST_LIBRARY, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Command, help: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help, description=help)
        command.set_defaults(func=func)
        return command

    def add_selection(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "query", nargs="*", help="query (e.g. tag:ml status:unread year:>=2023)"
        )
        command.add_argument(
            "--sort", type=_sort_option, help="published, added, title, author, status or key"
        )
        command.add_argument("--limit", type=int, metavar="N", help="at most N papers")

    command = add("import", cmd_import, "import listing, search-result or BibTeX files")
    command.add_argument("files", nargs="*", metavar="FILE", help="files to import ('-' is stdin)")
    command.add_argument("--format", choices=IMPORT_FORMATS, help="skip format detection")
    command.add_argument("--tag", action="append", default=[], metavar="T", help="tag every paper")
    command.add_argument("--sample", action="store_true", help="import the bundled sample listings")
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument(
        "--dry-run", action="store_true", help="report what would be added or merged; write nothing"
    )

    command = add("list", cmd_list, "list papers matching a query")
    add_selection(command)
    command.add_argument("--json", action="store_true", help="print papers as JSON")

    command = add("show", cmd_show, "show one paper")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("--json", action="store_true", help="print the paper as JSON")

    for name, func, help in (("tag", cmd_tag, "add tags"), ("untag", cmd_untag, "remove tags")):
        command = add(name, func, f"{help} to a paper" if name == "tag" else f"{help} from a paper")
        command.add_argument("key", help="citation key or a unique prefix")
        command.add_argument("tags", nargs="+", metavar="TAG")

    command = add("mark", cmd_mark, "set a paper's read status")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("status", choices=[s.value for s in Status])

    command = add("note", cmd_note, "set a paper's note (no text: edit in $EDITOR)")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("text", nargs="?", help="the note text ('-' reads stdin)")
    command.add_argument("--append", action="store_true", help="add to the note instead")

    command = add("open", cmd_open, "open a paper's code (or a search for it) in the browser")
    command.add_argument("key", help="citation key or a unique prefix")
    command.add_argument("--paper", action="store_true", help="open an arXiv search for the title")

    command = add("remove", cmd_remove, "remove papers from the library")
    command.add_argument("keys", nargs="+", metavar="KEY")

    command = add("stats", cmd_stats, "counts by status, tag and category")
    command.add_argument("--json", action="store_true", help="print as JSON")

    command = add("export", cmd_export, "export citations (bibtex, csl-json, markdown)")
    command.add_argument(
        "export_format", metavar="FORMAT", choices=["bibtex", "csl-json", "markdown"]
    )
    add_selection(command)
    command.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    command.add_argument("--keys", metavar="K1,K2", help="only these keys (or unique prefixes)")
    command.add_argument("--ascii", action="store_true", help="LaTeX accents instead of UTF-8")

    add("tui", cmd_tui, "open the interactive interface (the default)")

    # -- doctor and restore --
    command = add("doctor", cmd_doctor, "check the library file for damage")
    command.add_argument("--fix", action="store_true", help="delete leftovers of killed saves")
    command = add("restore", cmd_restore, "list backups (newest first), or restore one")
    command.add_argument("backup", nargs="?", metavar="BACKUP", help="a date (2026-11-24) or file")
    # -- end of doctor and restore --
    return parser


#: Arguments that name files: any bytes the system allows are kept (as surrogate escapes).
PATH_ARGUMENTS = frozenset({"library", "files", "output", "backup"})


def _warn_damaged(lines: Sequence[str]) -> None:
    """Warn about records edited by hand that were read as well as they could be."""
    for line in lines[:MAX_WARNINGS_SHOWN]:
        _warn(f"{line} (see readlist doctor)")
    if len(lines) > MAX_WARNINGS_SHOWN:
        _warn(f"… and {len(lines) - MAX_WARNINGS_SHOWN} more damaged records")


def _undecodable_argument(args: argparse.Namespace) -> str | None:
    """The first text argument (not a path) that held bytes that are not UTF-8, shown escaped."""
    from readlist.sources import shown_name

    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and shown_name(item) != item:
                return f"'{shown_name(item)}'"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``readlist`` command; returns the exit status."""
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # A path given in bytes that are not UTF-8 is printed escaped, never a traceback.
        sys.stdout.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # A negated query term such as "-tag:read" looks like an option to argparse.
    if extra and hasattr(args, "query") and not any(e.startswith("--") for e in extra):
        args.query += extra
    elif len(extra) == 1 and getattr(args, "text", "") is None:
        # argparse gives an optional positional nothing when an option comes first:
        # "note KEY --append TEXT" must read like "note KEY TEXT --append".
        args.text = extra[0]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    func: Command = getattr(args, "func", cmd_tui)
    undecodable = _undecodable_argument(args)
    if undecodable is not None:
        _err(f"argument {undecodable} is not valid UTF-8 text; nothing was changed")
        return 1
    # Loading or importing a library makes millions of objects and hardly any cycles:
    # a one-shot command runs without the cyclic collector (50k-paper listing import
    # 5.3 s -> 4.1 s, same peak memory); the interface, which runs for hours, collects
    # young objects 1/140 as often as Python's default.
    if func is cmd_tui:
        gc.set_threshold(GC_THRESHOLD, 50, 100)
    else:
        gc.disable()
    try:
        library = open_library(library_path(args.library))
        status = func(args, library)
        if func not in (cmd_tui, cmd_doctor, cmd_restore, cmd_import):  # import reports its own
            _warn_damaged(library.damaged(everywhere=func is cmd_stats))
        return status
    except LibraryError as error:
        from readlist.doctor import explain_library_error

        _err(explain_library_error(error, library_path(args.library)))
        return 1
    except ReadlistError as error:
        _err(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Downstream closed (e.g. `| head`): not an error worth reporting.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
