"""A yes/no question, answered with one key."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.tui.literal import literal


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; ``y`` answers yes, ``n`` or escape answers no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: Text | str, *, yes: str = "yes") -> None:
        """A dialog titled ``title`` asking ``question`` (plain text, never markup)."""
        super().__init__()
        self._title = title
        self._question = question if isinstance(question, Text) else Text(question)
        self._yes = yes

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical(classes="dialog confirm") as dialog:
            dialog.border_title = literal(self._title)
            yield Static(self._question, classes="confirm-question")
            yield Static(Text(f"y: {self._yes} · n / escape: cancel"), classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        """Close with ``answer``."""
        self.dismiss(answer)
