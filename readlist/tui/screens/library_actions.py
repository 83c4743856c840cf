"""The library screen's keys that change or open papers: status, tags, notes, links, removal.

Each acts on the selection when there is one, else on the highlighted paper
(:meth:`LibraryActions._targets`); a note or a link is always the highlighted paper's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import SuspendNotSupported

from readlist.errors import ReadlistError
from readlist.models import Paper, Status
from readlist.store import Library, NoteOutcome, NoteSave
from readlist.text import one_line
from readlist.tui.browser import code_url, open_link, paper_url
from readlist.tui.jobs import bibtex_entry
from readlist.tui.screens.confirm import ConfirmScreen
from readlist.tui.screens.library_view import LibraryView, plural
from readlist.tui.screens.note_editor import CONFLICT_MESSAGE, NoteEditor, saved_message
from readlist.tui.screens.prompt import ChoicePrompt, TagSuggester, TextPrompt, split_tags


class LibraryActions(LibraryView):
    """Status, tag, note, link, BibTeX and remove actions; mixed into the library screen."""

    # -- what the actions act on -------------------------------------------------

    def _targets(self) -> list[str]:
        """The selection when there is one, else the highlighted paper (keys still known)."""
        if self.table.selected:
            keys = sorted(self.table.selected)
        else:
            paper = self.table.highlighted
            keys = [paper.key] if paper else []
        try:
            known = {paper.key for paper in self.library.papers()}
        except ReadlistError:
            return []
        return [key for key in keys if key in known]

    def _current(self) -> Paper | None:
        """The highlighted paper, fresh from the library."""
        paper = self.table.highlighted
        if paper is None:
            self.notify("No paper here", severity="warning", markup=False)
            return None
        try:
            return self.library.get(paper.key)
        except ReadlistError as error:
            self.notify(str(error), severity="error", markup=False)
            return None

    def _describe(self, keys: Sequence[str]) -> str:
        if len(keys) == 1:
            try:
                return one_line(self.library.get(keys[0]).title)
            except ReadlistError:
                return keys[0]
        return plural(len(keys), "selected paper")

    def _write(self, change: Callable[[Library], object], done: str = "") -> bool:
        """Apply ``change`` (saved at once), redraw, and say what happened."""
        try:
            self.session.write(change)
        except ReadlistError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return False
        self.refresh_view()
        if done:
            self.notify(done, markup=False)
        return True

    # -- status and tags ---------------------------------------------------------

    def action_cycle_status(self) -> None:
        """Move each target paper on: unread → reading → read → unread."""
        keys = self._targets()
        if not keys:
            return
        groups: dict[Status, list[str]] = {}
        for key in keys:
            groups.setdefault(self.library.get(key).status.next(), []).append(key)

        def change(library: Library) -> None:
            for status, group in groups.items():
                library.set_status(group, status)

        statuses = ", ".join(status.value for status in groups)
        self._write(change, f"{self._describe(keys)} → {statuses}")

    def action_set_status(self, status: str) -> None:
        """Give the target papers ``status``."""
        keys = self._targets()
        if keys:
            new = Status(status)
            self._write(
                lambda library: library.set_status(keys, new),
                f"{self._describe(keys)} → {new.value}",
            )

    def action_add_tags(self) -> None:
        """Ask for tags and add them to the target papers."""
        keys = self._targets()
        if not keys:
            return
        known = [tag for tag, _ in self.library.tag_counts().most_common()]

        def answered(text: str | None) -> None:
            tags = split_tags(text or "")
            if tags:
                self._write(
                    lambda library: library.add_tags(keys, tags),
                    f"Tagged {self._describe(keys)}: {' '.join(tags)}",
                )

        self.app.push_screen(
            TextPrompt(
                f"Add tags to {self._describe(keys)}",
                placeholder="tag another-tag",
                hint="space or comma between tags · → completes a known tag · escape cancels",
                suggester=TagSuggester(known),
            ),
            answered,
        )

    def action_remove_tag(self) -> None:
        """Pick one of the target papers' tags and remove it from them."""
        keys = self._targets()
        tags = sorted({tag for key in keys for tag in self.library.get(key).tags})
        if not tags:
            self.notify("No tags to remove", markup=False)
            return

        def answered(tag: str | None) -> None:
            if tag:
                self._write(
                    lambda library: library.remove_tags(keys, [tag]),
                    f"Removed tag {tag} from {self._describe(keys)}",
                )

        self.app.push_screen(
            ChoicePrompt(f"Remove a tag from {self._describe(keys)}", tags), answered
        )

    # -- notes -------------------------------------------------------------------

    def action_edit_note(self) -> None:
        """Edit the highlighted paper's note in the app."""
        paper = self._current()
        if paper is not None:
            self._open_note_editor(paper, paper.notes)

    def _open_note_editor(self, paper: Paper, base: str, text: str | None = None) -> None:
        """The in-app editor on ``text`` (default ``base``), saved as an edit of ``base``."""
        key = paper.key

        def save(new: str, started_from: str) -> NoteSave:
            return self.session.write(
                lambda library: library.save_note(key, new, base=started_from)
            )

        def closed(saved: NoteSave | None) -> None:
            if saved is not None:
                self.refresh_view()
                self.notify(saved_message(saved), markup=False)

        editor = NoteEditor(
            one_line(paper.title),
            base,
            save=save,
            keep_draft=lambda draft: self.library.save_draft(key, draft),
            text=text,
        )
        self.app.push_screen(editor, closed)

    def action_edit_note_externally(self) -> None:
        """Edit the highlighted paper's note in $EDITOR (the app steps aside meanwhile)."""
        from readlist.launch import EditorError, edit_text

        paper = self._current()
        if paper is None:
            return
        base = paper.notes
        try:
            with self.app.suspend():
                edited = edit_text(base)
        except SuspendNotSupported:
            self.notify(
                "Cannot hand the terminal to an editor here; press n instead",
                severity="warning",
                markup=False,
            )
            return
        except EditorError as error:
            kept = ""
            if error.lost_file:
                kept = f". {self._keep_note_draft(paper.key, error.text)}"
            self.notify(f"{error}{kept}", title="Note not changed", severity="error", markup=False)
            return
        if edited.warning:
            self.notify(edited.warning, severity="warning", markup=False)
        text = edited.text.rstrip("\n")
        edited.discard()
        if text == base:
            return
        try:
            saved = self.session.write(
                lambda library: library.save_note(paper.key, text, base=base)
            )
        except ReadlistError as error:
            # The editor is gone: reopen the text in the app, where ctrl+s tries again.
            self.notify(
                f"{error}. {self._keep_note_draft(paper.key, text)}",
                title="Note not saved",
                severity="error",
                markup=False,
                timeout=20,
            )
            self._open_note_editor(paper, base, text)
            return
        self.refresh_view()
        if saved.outcome is NoteOutcome.CONFLICT:
            self.notify(CONFLICT_MESSAGE, severity="warning", markup=False, timeout=20)
            self._open_note_editor(paper, saved.text)
        else:
            self.notify(saved_message(saved), markup=False)

    def _keep_note_draft(self, key: str, text: str) -> str:
        """Keep ``text`` as a draft of the note of ``key``; a sentence saying where."""
        try:
            return f"A draft is kept in {self.library.save_draft(key, text)}"
        except ReadlistError as error:
            return f"No draft could be kept either ({error})"

    # -- links and BibTeX --------------------------------------------------------

    def action_open_code(self) -> None:
        """Open the code link, or a repository search for the title."""
        paper = self._current()
        if paper is not None:
            open_link(self.app, code_url(paper))

    def action_open_paper(self) -> None:
        """Open a search for the paper's page."""
        paper = self._current()
        if paper is not None:
            open_link(self.app, paper_url(paper))

    def action_copy_bibtex(self) -> None:
        """Copy the highlighted paper's BibTeX entry to the clipboard."""
        paper = self._current()
        if paper is None:
            return
        try:
            entry = bibtex_entry(paper)
        except (ReadlistError, ValueError) as error:
            self.notify(str(error), title="No BibTeX", severity="error", markup=False)
            return
        self.app.copy_to_clipboard(entry)
        self.notify(f"Copied the BibTeX entry {paper.key}", markup=False)

    # -- removal -----------------------------------------------------------------

    def action_remove(self) -> None:
        """Remove the target papers, after asking."""
        keys = self._targets()
        if not keys:
            return

        def answered(yes: bool | None) -> None:
            if yes and self._write(
                lambda library: library.remove(keys), f"Removed {plural(len(keys), 'paper')}"
            ):
                self.table.forget(keys)
                self._show_counts()

        question = Text("Remove ")
        question.append(self._describe(keys), style="bold")
        question.append(" from the library? Its tags, status and note go too.")
        self.app.push_screen(ConfirmScreen("Remove", question, yes="remove"), answered)
