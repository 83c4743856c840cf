"""The CLI's ``add`` command: papers by arXiv id, DOI, ACL Anthology id or their URLs."""

from __future__ import annotations

import argparse

from readlist.cli.commands import _typed_tags
from readlist.cli.environment import current
from readlist.cli.streams import err, out, out_json
from readlist.errors import ReadlistError
from readlist.store import Library
from readlist.text import one_line

#: The most bytes ``add -`` reads from standard input: some 40,000 identifiers.
MAX_STDIN_BYTES = 1024 * 1024


def _stdin_lines() -> list[str]:
    """The lines of standard input, bytes that are not UTF-8 shown as U+FFFD; capped."""
    data = current().stdin.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise ReadlistError(
            f"standard input holds more than {MAX_STDIN_BYTES // 1024} KiB: "
            "give the identifiers in smaller batches"
        )
    return data.decode("utf-8", errors="replace").splitlines()


def _progress(message: str) -> None:
    """A progress line on stderr, only when a person is watching it."""
    stderr = current().stderr
    if stderr.isatty():
        stderr.write(f"… {one_line(message)}\n")


def cmd_add(args: argparse.Namespace, library: Library) -> int:
    """Add papers by identifier; a known paper is enriched and named, never duplicated."""
    from readlist.adding import add_things

    tags = _typed_tags(args.tag)
    if tags is None:
        return 2
    texts: list[str] = []
    for thing in args.things:
        if thing == "-":
            texts += _stdin_lines()
        else:
            texts.append(thing)
    if not any(text.strip() for text in texts):
        raise ReadlistError("nothing to add: give arXiv ids, DOIs, ACL ids or URLs, or '-'")
    outcome = add_things(library, texts, tags=tags, progress=_progress)
    pdfs = _fetch_pdfs(library, [step.key for step in outcome.steps]) if args.pdf else []
    if args.json:
        out_json({**outcome.to_dict(), **({"pdfs": pdfs} if args.pdf else {})})
    else:
        for step in outcome.steps:
            out(step.describe())
        for pdf in pdfs:
            if pdf["path"]:
                out(f"{pdf['key']}: PDF {pdf['path']} ({pdf['size']})")
    for error in outcome.errors:
        err(error)
    failed = [pdf for pdf in pdfs if pdf["error"]]
    for pdf in failed:
        err(str(pdf["error"]))
    return 1 if outcome.errors or failed else 0


def _fetch_pdfs(library: Library, keys: list[str]) -> list[dict[str, str]]:
    """Download the PDF of each paper added that has none yet; one result each.

    The papers are saved already: a PDF that cannot be had is an error line, not a
    reason to take the paper back (``fetch-pdf KEY`` tries again).
    """
    from readlist.pdfs import fetch_pdf, human_size, pdf_file

    results = []
    for key in dict.fromkeys(keys):
        kept = pdf_file(library.path, library.get(key))
        if kept is not None:
            results.append({"key": key, "path": str(kept), "size": "", "error": ""})
            continue
        try:
            fetched = fetch_pdf(library, key)
        except ReadlistError as error:
            results.append({"key": key, "path": "", "size": "", "error": str(error)})
            continue
        size = human_size(fetched.size)
        results.append({"key": key, "path": str(fetched.path), "size": size, "error": ""})
    return results


def cmd_enrich(args: argparse.Namespace, library: Library) -> int:
    """Find arXiv ids for papers without identifiers, by an exact title and first author."""
    from readlist.cli.commands import _selected
    from readlist.enriching import EnrichStep, enrich, needs_ids
    from readlist.net import Fetcher, net_settings

    args.sort, args.limit = None, None
    papers = [paper for paper in _selected(args, library) if needs_ids(paper)]
    if not papers:
        if not args.json:
            out("every paper selected has an arXiv id or a DOI already")
        else:
            out_json({"steps": [], "interrupted": False})
        return 0
    progress_bar = None
    if current().stderr.isatty() and not args.json:
        from rich.console import Console
        from rich.progress import Progress

        progress_bar = Progress(console=Console(file=current().stderr), transient=True)
        task = progress_bar.add_task("asking arXiv", total=len(papers))
        progress_bar.start()

    def on_step(done: int, total: int, step: EnrichStep | None) -> None:
        if progress_bar is not None:
            progress_bar.update(task, completed=done)
        if step is not None and not args.json:
            out(step.describe())

    try:
        with Fetcher(net_settings()) as fetcher:
            report = enrich(library, papers, fetcher, on_step=on_step)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    if args.json:
        out_json({"steps": [s.to_dict() for s in report.steps], "interrupted": report.interrupted})
    found = sum(step.outcome == "found" for step in report.steps)
    summary = f"found {found} of {len(report.steps)} searched"
    if report.interrupted:
        err(f"interrupted after {len(report.steps)} of {len(papers)} papers ({summary}); "
            "what was found is saved: run enrich again to go on")  # fmt: skip
        return 130
    if not args.json:
        out(summary)
    return 0
