"""Opening links from the interface: http(s) only, never blocking keys or sharing the screen."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App, SuspendNotSupported

from readlist.errors import ReadlistError
from readlist.models import Paper


def code_url(paper: Paper) -> str:
    """The paper's code link, else its project page, else a repository search."""
    from readlist.links import code_target

    return code_target(paper)


def paper_url(paper: Paper) -> str:
    """The paper's arXiv or DOI page, else a search for its title (see links.paper_target)."""
    from readlist.links import paper_target

    return paper_target(paper)


def open_link(app: App[Any], url: str) -> str | None:
    """Open ``url`` (http(s) only) without ever blocking the interface or sharing its screen.

    A browser that draws in this terminal runs with the app suspended, as an
    editor does; any other runs in a worker thread, so a slow ``$BROWSER`` never
    holds up a key. Returns the URL handed on, or None when it was refused.
    """
    from readlist.launch import browser_uses_terminal, checked_url, open_url

    try:
        safe = checked_url(url)
    except ReadlistError as error:
        app.notify(str(error), title="Not opened", severity="error", markup=False)
        return None
    if not browser_uses_terminal():
        app.run_worker(
            partial(_open_in_background, app, safe),
            thread=True,
            group="browser",
            description="open a link",
            exit_on_error=False,
        )
        return safe
    try:
        with app.suspend():
            open_url(safe)
    except SuspendNotSupported:
        app.notify(
            "The web browser here runs in the terminal, which cannot be handed over "
            f"from this app; open {safe} yourself",
            title="Not opened",
            severity="warning",
            markup=False,
        )
        return None
    except ReadlistError as error:
        app.notify(str(error), title="Not opened", severity="error", markup=False)
        return None
    app.notify(safe, title="Opened in the browser", markup=False)
    return safe


def _open_in_background(app: App[Any], url: str) -> None:
    """Run in a worker thread: open ``url``, then report back on the app's thread."""
    from readlist.launch import open_url

    try:
        open_url(url)
    except ReadlistError as error:
        app.call_from_thread(
            app.notify, str(error), title="Not opened", severity="error", markup=False
        )
        return
    app.call_from_thread(app.notify, url, title="Opened in the browser", markup=False)
