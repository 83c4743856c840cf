"""The CLI's LaTeX-project exports (`export --aux`/`--tex`), `--keep-updated` and `exports`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.cli.environment import current
from readlist.cli.streams import note, out, out_json, warn
from readlist.store import Library

if TYPE_CHECKING:  # loaded by the commands that use them: they pull in the exporters
    from readlist.kept_exports import Selection
    from readlist.store.exports import KeptExport

#: The exit status of an export that wrote what it could but lacks cited keys.
MISSING_CITATIONS = 3


def wants_project_export(args: argparse.Namespace) -> bool:
    """Whether ``export`` was asked for a LaTeX project's citations or to keep its file updated."""
    return bool(args.aux or args.tex or args.keep_updated)


def cmd_project_export(args: argparse.Namespace, library: Library) -> int:
    r"""``export`` with ``--aux``/``--tex`` (the cited papers) or ``--keep-updated``.

    Exit status 0, or :data:`MISSING_CITATIONS` when cited keys are not in the
    library (each named on standard error; the file holds the others).
    """
    from readlist.kept_exports import select
    from readlist.store.exports import ExportRegistry, KeptExport, absolute

    main = args.aux or args.tex
    if args.aux and args.tex:
        args.usage_error("--aux and --tex cannot be used together")
    if main and (args.query or args.keys):
        args.usage_error("--aux/--tex export what the project cites: give no QUERY or --keys")
    writes_file = args.output and args.output != "-"
    if args.keep_updated and not writes_file:
        args.usage_error("--keep-updated needs -o FILE: the file to keep up to date")
    keys: tuple[str, ...] = ()
    if args.keys:
        keys = tuple(library.resolve_key(k.strip()) for k in args.keys.split(",") if k.strip())
    kept = KeptExport(
        path=absolute(args.output) if writes_file else "-",
        format=args.export_format,
        query=" ".join(args.query),
        keys=keys,
        aux=absolute(args.aux) if args.aux else None,
        tex=absolute(args.tex) if args.tex else None,
        ascii=args.ascii,
        dialect=args.dialect,
    )
    if args.sort or args.limit is not None:
        args.usage_error("these exports are in key order: give no --sort or --limit")
    selection = select(library, kept)
    for problem in selection.problems:
        warn(problem)
    for key in selection.missing:
        warn(f"cited but not in the library: {key}")
    if writes_file:
        with library.locked():  # no change to the library between writing and registering
            written = _write(library, kept, selection)
            if args.keep_updated:
                ExportRegistry(library.path, library.locked()).add(kept)
        count = len(selection.papers)
        done = "wrote" if written else "unchanged:"
        note(f"{done} {count} entries in {args.output}")
        if args.keep_updated:
            note("kept up to date from now on (see 'readlist exports')")
    else:
        from readlist.exporters import export_chunks

        current().stdout.writelines(
            export_chunks(selection.papers, kept.format, ascii=kept.ascii, dialect=kept.dialect)
        )
    return MISSING_CITATIONS if selection.missing else 0


def _write(library: Library, kept: KeptExport, selection: Selection) -> bool:
    """Write the export's file unless it holds this text already; whether it was written."""
    from readlist.exporters import export
    from readlist.kept_exports import write_if_changed

    text = export(selection.papers, kept.format, ascii=kept.ascii, dialect=kept.dialect)
    return write_if_changed(Path(kept.path), text, library=library.path)


def cmd_exports(args: argparse.Namespace, library: Library) -> int:
    """List the exports kept up to date, or remove one (``exports remove PATH|N``)."""
    from readlist.store.exports import ExportRegistry

    registry = ExportRegistry(library.path, library.locked())
    if args.action == "remove":
        if not args.which:
            args.usage_error("say which export to remove: its file or its number")
        removed = registry.remove(args.which)
        out(f"no longer kept up to date: {removed.path} (the file itself is left as it is)")
        return 0
    if args.which:
        args.usage_error(f"unknown action {args.which!r}: use 'exports' or 'exports remove'")
    exports = registry.exports()
    if args.json:
        out_json([{"number": n, **kept.to_dict()} for n, kept in enumerate(exports, 1)])
        return 0
    if not exports:
        out("no export is kept up to date (export … -o FILE --keep-updated adds one)")
    for number, kept in enumerate(exports, 1):
        options = (" ascii" if kept.ascii else "") + (
            f" {kept.dialect}" if kept.dialect != "bibtex" else ""
        )
        out(f"{number}  {kept.path}  ({kept.format}{options}, {kept.describe()})")
    return 0
