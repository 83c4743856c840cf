"""The CLI's BibTeX commands: ``rekey`` (keys by the key formula), ``check`` (an entry audit)."""

from __future__ import annotations

import argparse

from readlist.cli.streams import note, out, out_json
from readlist.store import Library


def cmd_rekey(args: argparse.Namespace, library: Library) -> int:
    """Rename the matching papers' keys by the key formula; old keys become aliases."""
    from readlist.config import key_formula
    from readlist.keys import plan_rekey

    formula = key_formula()
    papers = library.search(" ".join(args.query))
    renames, pinned = plan_rekey(papers, library.papers(), formula.key, force=args.force)
    if not args.dry_run and renames:
        from readlist.exporters.bibtex import export_key

        written = {paper.key: [export_key(paper)] for paper in papers if paper.key in renames}
        library.rename(renames, also=written)
    if args.json:
        out_json(
            {
                "dry_run": args.dry_run,
                "renamed": [{"old": old, "new": new} for old, new in renames.items()],
                "pinned": pinned,
            }
        )
        return 0
    for old, new in renames.items():
        out(f"{old} -> {new}")
    done = "would rename" if args.dry_run else "renamed"
    summary = f"{done} {len(renames)} of {len(papers)} keys"
    if pinned:
        summary += f"; kept {len(pinned)} keys imported from .bib files (--force renames them)"
    note(summary)
    return 0


def cmd_check(args: argparse.Namespace, library: Library) -> int:
    """Check BibTeX entries for missing fields, bad identifiers and broken references."""
    from readlist.bibcheck import check_papers

    papers = library.search(" ".join(args.query))
    problems = check_papers(papers, library.papers())
    if args.json:
        out_json([problem.to_dict() for problem in problems])
    else:
        for problem in problems:
            out(problem.line())
        entries = len({problem.key for problem in problems})
        note(
            f"{len(problems)} problems in {entries} of {len(papers)} papers"
            if problems
            else f"no problems in {len(papers)} papers"
        )
    return 1 if problems else 0
