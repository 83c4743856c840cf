"""The welcome screen for an empty library: what readlist is and how to fill it."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

#: What the user asked for: the bundled samples, or to pick a file.
WelcomeChoice = Literal["samples", "file"]

INTRO = (
    "A keyboard-driven reading list for research papers. Import listings of papers, "
    "search them, triage what to read next, tag them, keep Markdown notes, open their "
    "code, and export BibTeX for your bibliography. Everything is saved as you go."
)


def welcome_text() -> Text:
    """The welcome message (plain text, no markup)."""
    text = Text()
    text.append("readlist\n\n", style="bold")
    text.append(INTRO + "\n\n")
    text.append("Your library is empty.\n\n", style="bold")
    for key, what in (
        ("s", "import the bundled sample listings (recent ML papers)"),
        ("i", "import a file: a paper listing, search results or BibTeX"),
        ("q", "quit"),
    ):
        text.append(f"  {key}  ", style="bold reverse")
        text.append(f"  {what}\n")
    text.append("\nFrom your shell: ", style="dim")
    text.append("readlist import FILE", style="bold")
    text.append("  (or ", style="dim")
    text.append("readlist import --sample", style="bold")
    text.append(")", style="dim")
    return text


class WelcomeScreen(Screen[WelcomeChoice | None]):
    """Shown instead of an empty table; returns what the user wants to import."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('samples')", "Import the samples"),
        Binding("i", "choose('file')", "Import a file"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        """The message, centred."""
        with Center(), Vertical(id="welcome"):
            yield Static(welcome_text(), id="welcome-text")
        yield Footer()

    def action_choose(self, choice: WelcomeChoice) -> None:
        """Close with ``choice``."""
        self.dismiss(choice)
