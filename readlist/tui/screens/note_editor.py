"""Editing a paper's Markdown note in the app: ctrl+s saves, escape asks first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from readlist.tui.screens.confirm import ConfirmScreen


class NoteEditor(ModalScreen[str | None]):
    """A Markdown text area for one paper's note; returns the new text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        """Edit ``note`` of the paper titled ``title`` (already cleaned)."""
        super().__init__()
        self._title = title
        self._note = note

    def compose(self) -> ComposeResult:
        """Paper title, the text area, the keys."""
        with Vertical(classes="dialog note-editor") as dialog:
            dialog.border_title = "Note"
            yield Static(Text(self._title), classes="note-editor-title")
            yield TextArea(self._note, soft_wrap=True, show_line_numbers=False)
            yield Static(Text("Markdown · ctrl+s saves · escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        """Use Markdown highlighting when it is installed; start at the end."""
        area = self.query_one(TextArea)
        if "markdown" in area.available_languages:
            area.language = "markdown"
        area.move_cursor(area.document.end)
        area.focus()

    @property
    def text(self) -> str:
        """The note as typed so far."""
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        """Close with the new note."""
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        """Close, asking first if that would drop changes."""
        if self.text == self._note:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Unsaved note", "Drop the changes to this note?", yes="drop them"),
            answered,
        )
