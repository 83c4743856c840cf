"""The detail pane: everything about one paper, its note rendered as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from readlist.merge import identity
from readlist.models import Paper
from readlist.text import one_line, strip_controls
from readlist.tui.browser import open_link
from readlist.view import STATUS_GLYPHS

#: Width of the names in the facts column.
FACT_WIDTH = 11


def authors_line(paper: Paper) -> Text:
    """All the authors, comma-separated, as plain text."""
    names = ", ".join(one_line(author) for author in paper.authors)
    if paper.authors_truncated:
        names += " et al."
    return Text(names or "(no authors)")


def venue(paper: Paper) -> str:
    """Where the paper appeared (its BibTeX journal or booktitle), or ""."""
    fields = paper.source.fields if paper.source is not None else {}
    return fields.get("journal") or fields.get("booktitle") or ""


def facts(paper: Paper, exports: Sequence[str] = (), pdf: str = "") -> Text:
    """Status, key, aliases, venue, ids, date, category, tags, PDF, kept exports, links.

    A line each. ``exports`` are the files of the kept exports (``--keep-updated``)
    that hold the paper; ``pdf`` describes its downloaded PDF (``papers/k.pdf (2.4 MB)``).
    """
    known = identity(paper)
    rows = [
        ("status", f"{STATUS_GLYPHS[paper.status]} {paper.status.value}"),
        ("key", paper.key),
        ("aliases", " ".join(paper.aliases)),  # old keys that \cite still finds
        ("venue", venue(paper)),
        ("doi", " ".join(sorted(known.doi))),
        ("arxiv", " ".join(sorted(known.arxiv))),
        ("published", paper.published or ""),
        ("category", paper.category or ""),
        ("tags", " ".join(paper.tags)),
        ("pdf", pdf),
        ("exports", ", ".join(exports)),
        ("added", (paper.added or "")[:10]),
        ("read", (paper.read_at or "")[:10]),
        *(("conflict", line) for line in paper.conflicts),  # from a sync: resolve KEY clears
    ]
    rows += [(link.kind.value, link.url) for link in paper.links]
    text = Text()
    for name, value in rows:
        if value:
            text.append(f"{name:<{FACT_WIDTH}}", style="dim")
            text.append(one_line(value), style="underline" if "://" in value else "")
            text.append("\n")
    text.rstrip()
    return text


class PaperDetail(VerticalScroll, can_focus=True):
    """A scrollable view of one paper; facts as plain text, the note as Markdown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty pane; :meth:`show` fills it."""
        super().__init__(id=id, classes=classes)
        self._notes: str | None = None
        self._shown = False
        self.paper: Paper | None = None

    def compose(self) -> ComposeResult:
        """Title, authors, affiliations, facts, the note (yours, so first), the abstract."""
        yield Static(classes="detail-title")
        yield Static(classes="detail-authors")
        yield Static(classes="detail-affiliations")
        yield Static(classes="detail-facts")
        yield Static(Text("Notes"), classes="detail-notes-heading")
        yield Markdown(classes="detail-notes", open_links=False)
        yield Static(classes="detail-abstract")

    def show(self, paper: Paper | None) -> None:
        """Display ``paper`` (or a hint when there is none); a no-op if it is on show."""
        if paper is self.paper and self._shown:
            return
        self._shown = True
        self.paper = paper
        with self.app.batch_update():
            self._show(paper)

    def _show(self, paper: Paper | None) -> None:
        title = self.query_one(".detail-title", Static)
        parts: dict[str, Text] = {
            ".detail-authors": Text(""),
            ".detail-affiliations": Text(""),
            ".detail-facts": Text(""),
            ".detail-abstract": Text(""),
        }
        if paper is None:
            title.update(Text("No paper selected", style="dim"))
        else:
            title.update(Text(one_line(paper.title) or "(untitled)"))
            parts[".detail-authors"] = authors_line(paper)
            parts[".detail-affiliations"] = Text(", ".join(one_line(a) for a in paper.affiliations))
            parts[".detail-facts"] = facts(paper, self._kept_exports(paper), self._pdf(paper))
            parts[".detail-abstract"] = Text(strip_controls(paper.abstract).strip())
        for selector, content in parts.items():
            widget = self.query_one(selector, Static)
            widget.update(content)
            if widget.display != bool(content.plain):
                widget.display = bool(content.plain)
        notes = strip_controls(paper.notes).strip() if paper else ""
        if notes != self._notes:
            self._notes = notes
            self.query_one(".detail-notes-heading").display = bool(notes)
            markdown = self.query_one(Markdown)
            markdown.display = bool(notes)
            markdown.update(notes)

    def _pdf(self, paper: Paper) -> str:
        """The paper's downloaded PDF and its size (one stat of a local file), or ""."""
        library = getattr(self.app, "library", None)
        if not paper.pdf or library is None:
            return ""
        from readlist.pdfs import human_size, pdf_size

        size = pdf_size(library.path, paper)
        return f"{paper.pdf} ({human_size(size) if size is not None else 'missing'})"

    def _kept_exports(self, paper: Paper) -> list[str]:
        """The kept exports whose file holds ``paper`` now (read from the files, cached)."""
        from readlist.kept_exports import exports_holding  # loads the exporters: on first use

        library = getattr(self.app, "library", None)
        return exports_holding(library.path, paper) if library is not None else []

    @on(Markdown.LinkClicked)
    def _open_note_link(self, event: Markdown.LinkClicked) -> None:
        """Links in notes are user content: open them only if they are http(s)."""
        event.stop()
        open_link(self.app, event.href)
