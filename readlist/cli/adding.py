"""The CLI's ``add`` command: papers by arXiv id, DOI, ACL Anthology id or their URLs."""

from __future__ import annotations

import argparse
import sys

from readlist.cli.commands import _typed_tags
from readlist.cli.streams import err, out, out_json
from readlist.errors import ReadlistError
from readlist.store import Library
from readlist.text import one_line


def _progress(message: str) -> None:
    """A progress line on stderr, only when a person is watching it."""
    if sys.stderr.isatty():
        sys.stderr.write(f"… {one_line(message)}\n")


def cmd_add(args: argparse.Namespace, library: Library) -> int:
    """Add papers by identifier; a known paper is enriched and named, never duplicated."""
    from readlist.adding import add_things

    tags = _typed_tags(args.tag)
    if tags is None:
        return 2
    texts: list[str] = []
    for thing in args.things:
        if thing == "-":
            texts += sys.stdin.read().splitlines()
        else:
            texts.append(thing)
    if not any(text.strip() for text in texts):
        raise ReadlistError("nothing to add: give arXiv ids, DOIs, ACL ids or URLs, or '-'")
    outcome = add_things(library, texts, tags=tags, progress=_progress)
    if args.json:
        out_json(outcome.to_dict())
    else:
        for step in outcome.steps:
            out(step.describe())
    for error in outcome.errors:
        err(error)
    return 1 if outcome.errors else 0
