"""Editing a paper's Markdown note in the app: ctrl+s saves, escape asks first.

Saving is a compare-and-set against the note the edit started from
(:meth:`readlist.store.Library.save_note`): a change saved meanwhile elsewhere is
merged in. When both changed the same lines, the editor stays open on the saved
text with both versions between markers, for review. When saving fails, the
editor stays open and the text is also kept as a draft beside the library.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from readlist.errors import ReadlistError
from readlist.store import NoteOutcome, NoteSave
from readlist.text import strip_controls
from readlist.tui.dialogs.confirm import ConfirmScreen

#: Saves ``text`` as an edit of ``base`` (awaited in a worker, off the event loop);
#: raises :class:`ReadlistError` when it cannot.
NoteSaver = Callable[[str, str], Awaitable[NoteSave]]
#: Keeps ``text`` as a draft; returns where (raises :class:`ReadlistError` when it cannot).
DraftKeeper = Callable[[str], Path]

CONFLICT_MESSAGE = (
    "This note was changed meanwhile in the same lines: both versions are saved, yours "
    "between <<<<<<< this edit and =======, the other up to >>>>>>> saved meanwhile. "
    "Review them here and save again, or press escape to keep them as they are."
)


def saved_message(saved: NoteSave) -> str:
    """What to tell the user once a note is saved."""
    if saved.outcome is NoteOutcome.MERGED:
        return "Note saved, merged with a change saved meanwhile"
    if saved.outcome is NoteOutcome.CONFLICT:
        return "Note saved with both versions between markers"
    return "Note saved"


class NoteEditor(ModalScreen[NoteSave | None]):
    """A Markdown text area for one paper's note; returns how it was saved, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        note: str,
        *,
        save: NoteSaver,
        keep_draft: DraftKeeper,
        text: str | None = None,
    ) -> None:
        """Edit ``note`` of the paper titled ``title`` (already cleaned).

        ``text``: what the editor shows at first, when it is not ``note`` (an edit
        made elsewhere that still has to be saved against ``note``).
        """
        super().__init__()
        self._title = title
        self._base = note
        self._initial = note if text is None else text
        self._save = save
        self._keep_draft = keep_draft
        #: The last successful save, returned when the editor closes.
        self._saved: NoteSave | None = None
        #: A save is on its way: ctrl+s and escape wait for it.
        self._saving = False

    def compose(self) -> ComposeResult:
        """Paper title, the text area, the keys."""
        with Vertical(classes="dialog note-editor") as dialog:
            dialog.border_title = "Note"
            yield Static(Text(self._title), classes="note-editor-title")
            # A text area draws what it holds raw: a note's terminal escapes are dropped.
            yield TextArea(strip_controls(self._initial), soft_wrap=True, show_line_numbers=False)
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

    @property
    def unsaved(self) -> bool:
        """Whether the text differs from the note as last saved or loaded."""
        return self.text != strip_controls(self._base)

    def keep_draft(self) -> Path | None:
        """Keep the text as a draft if it is unsaved; where it went, or None."""
        if not self.is_mounted or not self.unsaved:
            return None
        try:
            return self._keep_draft(self.text)
        except ReadlistError:
            return None

    def action_save(self) -> None:
        """Save (merging a change made meanwhile) and close; stay open on failure or conflict.

        The save runs in a worker, so the screen stays live; the text is read-only
        until it is back, so nothing typed meanwhile could be dropped by the closing.
        """
        if self._saving:
            return
        if not self.unsaved:
            self.dismiss(self._saved)
            return
        self._saving = True
        self.query_one(TextArea).read_only = True
        self.run_worker(self._save_text(self.text), group="note-save", exit_on_error=False)

    async def _save_text(self, typed: str) -> None:
        """Save ``typed`` against the note last loaded, then close or show what came back."""
        try:
            saved = await self._save(typed.rstrip("\n"), self._base)
        except ReadlistError as error:
            self._failed(str(error))
            return
        finally:
            self._saving = False
            self.query_one(TextArea).read_only = False
        self._saved = saved
        if saved.outcome is not NoteOutcome.CONFLICT:
            self.dismiss(saved)
            return
        self._base = saved.text
        area = self.query_one(TextArea)
        area.load_text(strip_controls(saved.text))
        area.move_cursor(area.document.end)
        self.notify(
            CONFLICT_MESSAGE,
            title="Both versions kept",
            severity="warning",
            markup=False,
            timeout=20,
        )

    def _failed(self, error: str) -> None:
        """Say the save failed, keep a draft, and stay open with the text."""
        try:
            draft = f"A draft is kept in {self._keep_draft(self.text)}"
        except ReadlistError as draft_error:
            draft = f"No draft could be kept either ({draft_error})"
        self.notify(
            f"{error}. {draft}. The editor stays open: save again with ctrl+s.",
            title="Note not saved",
            severity="error",
            markup=False,
            timeout=20,
        )

    def action_cancel(self) -> None:
        """Close, asking first if that would drop changes (not while a save is on its way)."""
        if self._saving:
            return
        if not self.unsaved:
            self.dismiss(self._saved)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self._saved)

        self.app.push_screen(
            ConfirmScreen("Unsaved note", "Drop the changes to this note?", yes="drop them"),
            answered,
        )
