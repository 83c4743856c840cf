"""The CLI's PDF commands: ``fetch-pdf KEY`` (download into papers/) and ``open --pdf``."""

from __future__ import annotations

import argparse

from readlist.cli.streams import out
from readlist.store import Library


def cmd_fetch_pdf(args: argparse.Namespace, library: Library) -> int:
    """Download the PDF of each paper into papers/ beside the library, atomically."""
    from readlist.pdfs import fetch_pdf, human_size

    for key in [library.resolve_key(prefix) for prefix in args.keys]:
        fetched = fetch_pdf(library, key)
        out(f"{key}: {fetched.path} ({human_size(fetched.size)})")
    return 0


def open_pdf(library: Library, key: str) -> str:
    """Open the downloaded PDF of ``key``, else its PDF link, in the PDF viewer; what opened."""
    from readlist.launch import open_pdf as open_in_viewer
    from readlist.net import net_settings
    from readlist.pdfs import open_target

    paper = library.get(key)
    return open_in_viewer(open_target(library.path, paper, net_settings()))
