"""Opening a paper's links from the interface: http(s) only, failures as notifications."""

from __future__ import annotations

from typing import Any

from textual.app import App

from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.text import one_line


def code_url(paper: Paper) -> str:
    """The paper's code link, else its project page, else a repository search."""
    from readlist.links import code_target

    return code_target(paper)


def paper_url(paper: Paper) -> str:
    """A search for the paper's title (its page)."""
    from readlist.links import paper_search_url

    return paper_search_url(one_line(paper.title))


def open_link(app: App[Any], url: str) -> str | None:
    """Open ``url`` in the web browser; tell the user what happened."""
    from readlist.launch import open_url

    try:
        opened = open_url(url)
    except ReadlistError as error:
        app.notify(str(error), title="Not opened", severity="error", markup=False)
        return None
    app.notify(opened, title="Opened in the browser", markup=False)
    return opened
