"""The CLI's commands for reading and changing the library, one function each."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from readlist.cli.environment import current
from readlist.cli.streams import err, note, out, out_json, shown, warn
from readlist.errors import ReadlistError
from readlist.models import Paper, Status, normalize_tag, split_tags
from readlist.store import Library
from readlist.text import escape_controls, one_line

if TYPE_CHECKING:
    from readlist.store import ImportStep

#: Warnings printed per imported file; the rest are counted (and all are in --json).
MAX_WARNINGS_SHOWN = 20

Command = Callable[[argparse.Namespace, Library], int]


def cmd_import(args: argparse.Namespace, library: Library) -> int:
    """Import listing, search-result or BibTeX files (or the bundled samples)."""
    from readlist.services import import_files

    tags = _typed_tags(args.tag)
    if tags is None:
        return 2
    imported = import_files(
        library,
        args.files,
        samples=args.sample,
        stdin=current().stdin,
        format=args.format,
        tags=tags,
        dry_run=args.dry_run,
    )
    reports, totals = imported.reports, imported.total
    if not args.json:
        dry = " (dry run)" if args.dry_run else ""
        for file_report in reports:
            summary = file_report.report.summary()
            out(f"{one_line(file_report.name)} ({file_report.format}): {summary}{dry}")
            if args.dry_run:
                _out_steps(file_report.report.steps)
        if len(reports) > 1:
            out(f"total: {totals.summary()}")
    for file_report in reports:
        warnings = file_report.report.warnings
        for warning in warnings[:MAX_WARNINGS_SHOWN]:
            warn(warning)
        if len(warnings) > MAX_WARNINGS_SHOWN:
            hidden = len(warnings) - MAX_WARNINGS_SHOWN
            warn(f"{file_report.name}: … and {hidden} more warnings")
    if args.json:
        names = ("added", "updated", "unchanged", "warnings")
        result: dict[str, object] = {name: getattr(totals, name) for name in names}
        if args.dry_run:
            result["dry_run"] = True
            result["steps"] = [step.to_dict() for step in totals.steps]
        out_json(result)
    elif args.dry_run:
        out("dry run: nothing was written")
    return 0


def _out_steps(steps: Sequence[ImportStep]) -> None:
    """One line per entry of a dry run: what it adds, or which paper it merges into."""
    for step in steps:
        title = one_line(step.title)
        if step.action == "added":
            out(f"  add {step.key}: {title}")
        elif step.action == "updated":
            out(f"  merge into {step.key} ({', '.join(step.fields)}): {title}")
        else:
            out(f"  same as {step.key} (no change): {title}")


def _selected(args: argparse.Namespace, library: Library, *, abstracts: bool = True) -> list[Paper]:
    """The papers the query, ``--sort`` and ``--limit`` select (``abstracts``: see search)."""
    from readlist.query import parse_query
    from readlist.view import row_order, shown_rows

    query = parse_query(" ".join(args.query))
    order = row_order(query, args.sort or None)  # --sort wins over a sort: in the query
    papers = shown_rows(library.search(query, abstracts=abstracts), query, order).papers
    if args.limit is not None:
        papers = papers[: max(args.limit, 0)]
    return papers


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    """List papers matching a query."""
    from readlist.cli.render import row_lines
    from readlist.query import parse_query
    from readlist.store import listing
    from readlist.view import list_row, row_order

    query = parse_query(" ".join(args.query))
    # In library order, without abstracts, free words only: the list cache may answer.
    cacheable = not args.json and row_order(query, args.sort or None) is None
    listed = listing.served(library, query) if cacheable else None
    if listed is not None:
        rows = listed.rows if args.limit is None else listed.rows[: max(args.limit, 0)]
        return _print_lines(
            lambda width, color: row_lines(rows, width=width, color=color),
            len(rows),
            lambda: listed.total,
        )
    before = listing.start(library, query) if cacheable else None
    # The lines show no abstract: only --json needs the abstracts file read.
    papers = _selected(args, library, abstracts=args.json)
    if args.json:
        out_json([paper.to_dict() for paper in papers])
        return 0
    found = [list_row(paper) for paper in papers]
    if before is not None:  # every paper found, when not limited: the cache takes their rows
        listing.save_listing(
            library, before, query, None if args.limit is not None else (papers, found)
        )
    return _print_lines(
        lambda width, color: row_lines(found, width=width, color=color),
        len(papers),
        lambda: len(library),
    )


def _print_lines(
    lines: Callable[[int | None, bool], Iterable[str]], shown: int, total: Callable[[], int]
) -> int:
    """Write the ``list`` lines: plain when piped, fitted and coloured on a terminal."""
    from readlist.cli.render import make_console

    stdout = current().stdout
    if not current().is_a_tty:  # piped: plain lines, whole titles, no console needed
        _write_lines(stdout, lines(None, False))
        return 0
    console = make_console()
    _write_lines(stdout, lines(console.width, not console.no_color))
    console.print(f"{shown} of {total()} papers", style="dim")
    return 0


def _write_lines(stream: TextIO, lines: Iterable[str]) -> None:
    """``lines`` on ``stream``, a newline after each, a few thousand lines a write."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _LINES_A_WRITE:
            stream.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        stream.write("\n".join(batch) + "\n")


#: How many lines ``list`` joins into one write (not all 50,000: their copy would be held).
_LINES_A_WRITE = 4096


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    """Show one paper."""
    from readlist.cli.render import make_console, paper_details

    paper = library.resolve(args.key)
    if library.alias_of(args.key):
        note(f"{args.key} is an alias of {paper.key}")
    if args.json:
        out_json(paper.to_dict())
    else:
        from readlist.pdfs import human_size, pdf_size

        size = pdf_size(library.path, paper)
        pdf = f"{paper.pdf} ({human_size(size)})" if paper.pdf and size is not None else ""
        if paper.pdf and size is None:
            pdf = f"{paper.pdf} (missing: readlist fetch-pdf {paper.key} downloads it again)"
        make_console().print(paper_details(paper, pdf=pdf))
    return 0


def _keys(library: Library, prefixes: Sequence[str]) -> list[str]:
    return [library.resolve_key(prefix) for prefix in prefixes]


def cmd_tag(args: argparse.Namespace, library: Library) -> int:
    """Add tags to a paper."""
    key = library.resolve_key(args.key)
    tags = _typed_tags(args.tags)
    if tags is None:
        return 2
    library.add_tags([key], tags)
    out(f"{key}: {' '.join(library.tags_of(key)) or '(no tags)'}")
    return 0


def cmd_untag(args: argparse.Namespace, library: Library) -> int:
    """Remove tags from a paper."""
    key = library.resolve_key(args.key)
    tags = _typed_tags(args.tags)
    if tags is None:
        return 2
    present = library.tags_of(key)
    for tag in tags:
        if normalize_tag(tag) not in present:
            warn(f"{key} has no tag '{escape_controls(normalize_tag(tag))}'")
    library.remove_tags([key], tags)
    out(f"{key}: {' '.join(library.tags_of(key)) or '(no tags)'}")
    return 0


def _typed_tags(texts: Sequence[str]) -> list[str] | None:
    """The tags in the arguments, split as the interface splits them (``a,b`` is two).

    None, after saying so, when they hold no tag at all (``' , '``).
    """
    tags = [tag for text in texts for tag in split_tags(text)]
    if texts and not tags:
        err("no tag given: tags are separated by commas or spaces")
        return None
    return tags


def cmd_mark(args: argparse.Namespace, library: Library) -> int:
    """Set a paper's read status."""
    key = library.resolve_key(args.key)
    library.set_status([key], Status(args.status))
    out(f"{key}: {args.status}")
    return 0


def cmd_note(args: argparse.Namespace, library: Library) -> int:
    """Set or append to a paper's note; with no text, edit it in $EDITOR."""
    key = library.resolve_key(args.key)
    if args.text is None:
        return _edit_note(library, key)
    text = _stdin_text() if args.text == "-" else args.text
    library.set_note(key, text.rstrip("\n"), append=args.append)
    out(f"{key}: note saved")
    return 0


def _stdin_text() -> str:
    """Standard input as UTF-8 text (up to the import size limit); else one clear error."""
    from readlist.sources import read_capped

    data = read_capped(current().stdin, "<stdin>")
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
    from readlist.services import edit_note
    from readlist.store.library import NoteOutcome

    edited = edit_note(library, key, edit=current().edit_text, kept=err)
    if edited.warning:
        warn(edited.warning)
    assert edited.saved is not None  # save_unchanged: the note is always saved
    if edited.saved.outcome is NoteOutcome.SAVED:
        out(f"{key}: note saved")
    elif edited.saved.outcome is NoteOutcome.MERGED:
        out(f"{key}: note saved, merged with a change saved meanwhile")
    else:
        out(
            f"{key}: note saved with both versions: a change saved meanwhile touched the same "
            f"lines; review the parts between <<<<<<< and >>>>>>> with: readlist note {key}"
        )
    return 0


def cmd_open(args: argparse.Namespace, library: Library) -> int:
    """Open a paper's code link (or a search for it) in the web browser, or its PDF."""
    from readlist.links import code_target, paper_target
    from readlist.services import open_link

    paper = library.resolve(args.key)
    if args.pdf:
        from readlist.cli.pdfs import open_pdf

        out(f"opening {open_pdf(library, paper.key)}")
        return 0
    url = paper_target(paper) if args.paper else code_target(paper)
    out(f"opening {open_link(url, opener=current().open_url)}")
    return 0


def cmd_remove(args: argparse.Namespace, library: Library) -> int:
    """Remove papers from the library; asks first on a terminal unless ``--yes``."""
    keys = _keys(library, args.keys)
    if not args.yes:
        env = current()
        if not env.stdin.isatty():
            err("remove asks first, and there is no terminal to ask on: add --yes")
            return 2
        env.stderr.write(shown(f"remove {', '.join(keys)}? [y/N] "))
        env.stderr.flush()
        answer = env.stdin.readline().decode("utf-8", errors="replace")
        if answer.strip().lower() not in ("y", "yes"):
            out("nothing removed")
            return 1
    for key in library.remove(keys):
        out(f"removed {key}")
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
        out_json({"total": len(library), **groups})
        return 0
    from rich.table import Table

    from readlist.cli.render import make_console

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
    from readlist.cli.exports import cmd_project_export, wants_project_export
    from readlist.services import export_library

    if wants_project_export(args):
        return cmd_project_export(args, library)

    # Papers chosen by key only: the export renders them (or takes them from its cache).
    keys: list[str] | None = None
    if args.keys:
        keys = [library.resolve_key(k.strip()) for k in args.keys.split(",") if k.strip()]
        if args.query:
            matching = {p.key for p in library.search(" ".join(args.query), abstracts=False)}
            keys = [key for key in keys if key in matching]
    elif args.query or args.sort or args.limit is not None:
        keys = [paper.key for paper in _selected(args, library, abstracts=False)]
    stdout = current().stdout
    target = Path(args.output) if args.output and args.output != "-" else stdout
    count = export_library(
        library,
        args.export_format,
        target,
        keys=keys,
        ascii=args.ascii,
        dialect=args.dialect,
    )
    if target is not stdout:
        note(f"wrote {count} entries to {args.output}")
    return 0


def cmd_tui(args: argparse.Namespace, library: Library) -> int:
    """Open the interactive interface."""
    library.load()  # a damaged library is one clear error line, not an empty screen
    from readlist.tui.app import ReadlistApp

    app = ReadlistApp(library)
    app.run()
    for draft in app.drafts_kept:
        err(f"your unsaved note is kept in {draft}")
    return app.return_code or 0
