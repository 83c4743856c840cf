"""Rich tables in the interface's look: a bold title on the left, no box, no header."""

from __future__ import annotations

from rich.table import Table


def titled_table(title: str) -> Table:
    """An empty, borderless table under a bold, left-aligned ``title``; add columns to it."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        show_header=False,
        pad_edge=False,
        padding=(0, 1),
    )
