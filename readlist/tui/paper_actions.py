"""What a screen can do to papers, written once for the library and triage screens.

Saving a change, asking for tags, removing a tag, editing a note (in the app or in
``$EDITOR``), opening links and copying BibTeX: each reports what happened as a
notification. Changes are queued on the session's library thread; once saved,
listening screens get :class:`~readlist.tui.session.LibrarySession.Changed` and
the screen's ``changed`` callback runs; a failure comes back to the screen as
:class:`~readlist.tui.session.LibrarySession.Failed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.app import SuspendNotSupported
from textual.screen import Screen

from readlist.errors import ReadlistError
from readlist.models import Paper, normalize_tag
from readlist.store import Library, NoteOutcome, NoteSave
from readlist.text import one_line
from readlist.tui.browser import code_url, open_link, paper_url
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.note_editor import CONFLICT_MESSAGE, NoteEditor, saved_message
from readlist.tui.dialogs.prompt import ChoicePrompt, TagSuggester, TextPrompt, split_tags
from readlist.tui.jobs import bibtex_entry
from readlist.tui.session import LibrarySession
from readlist.view import plural

if TYPE_CHECKING:
    from readlist.launch import EditorError
    from readlist.services import MetadataEdit

#: Called after a change was saved.
Changed = Callable[[], None]
T = TypeVar("T")


class PaperActions:
    """Status, tag, note, link, BibTeX and remove actions on papers, for one screen."""

    def __init__(
        self, screen: Screen[Any], session: LibrarySession, changed: Changed | None = None
    ) -> None:
        """Actions from ``screen`` on ``session``'s library; ``changed`` redraws after a save."""
        self.screen = screen
        self.session = session
        self.changed: Changed = changed or (lambda: None)

    @property
    def library(self) -> Library:
        """The library acted on (touched only on the session's thread; its path anywhere)."""
        return self.session.library

    def notify(self, message: str, **options: Any) -> None:
        """A plain-text notification."""
        self.screen.notify(message, markup=False, **options)

    def describe(self, keys: Sequence[str]) -> str:
        """The paper's title for one key, else ``N selected papers``."""
        if len(keys) == 1:
            paper = self.session.snapshot.get(keys[0])
            return keys[0] if paper is None else one_line(paper.title)
        return plural(len(keys), "selected paper")

    def write(
        self,
        change: Callable[[Library], T],
        done: str | Callable[[T], str] = "",
        then: Callable[[T], object] | None = None,
    ) -> None:
        """Queue ``change`` (saved in turn); once saved, redraw and say ``done``, then ``then``.

        ``done`` may be worked out from what ``change`` returned. A failure is
        told by the session to the screen (:class:`LibrarySession.Failed`).
        """

        def saved(result: T) -> None:
            self.changed()
            message = done(result) if callable(done) else done
            if message:
                self.notify(message)
            if then is not None:
                then(result)

        self.session.write(change, origin=self.screen, done=saved)

    # -- tags --------------------------------------------------------------------

    def add_tags(self, keys: Sequence[str], then: Changed | None = None) -> None:
        """Ask for tags and add them to the papers with ``keys``; ``then`` runs after a save."""
        if not keys:
            return
        what = self.describe(keys)
        known = [tag for tag, _ in self.session.snapshot.counts.tags.most_common()]

        def answered(text: str | None) -> None:
            tags = split_tags(text or "")
            if tags:
                # The toast names the tags as the library keeps them (lowercase, hyphens).
                stored = sorted({normalize_tag(tag) for tag in tags} - {""})
                done = f"Tagged {what}: {' '.join(stored)}"
                self.write(lambda lib: lib.add_tags(keys, tags), done, then and (lambda _: then()))

        self.screen.app.push_screen(
            TextPrompt(
                f"Add tags to {what}",
                placeholder="tag another-tag",
                hint="space or comma between tags · → completes a known tag · escape cancels",
                suggester=TagSuggester(known),
            ),
            answered,
        )

    def remove_tag(self, keys: Sequence[str]) -> None:
        """Pick one of the papers' tags and remove it from them."""
        papers = [self.session.snapshot.get(key) for key in keys]
        tags = sorted({tag for paper in papers if paper is not None for tag in paper.tags})
        if not tags:
            self.notify("No tags to remove")
            return
        what = self.describe(keys)

        def answered(tag: str | None) -> None:
            if tag:
                self.write(
                    lambda library: library.remove_tags(keys, [tag]),
                    f"Removed tag {tag} from {what}",
                )

        self.screen.app.push_screen(ChoicePrompt(f"Remove a tag from {what}", tags), answered)

    # -- removal -----------------------------------------------------------------

    def remove(self, keys: Sequence[str], then: Changed | None = None) -> None:
        """Remove the papers with ``keys``, after asking; ``then`` runs once they are gone."""
        if not keys:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                done = f"Removed {plural(len(keys), 'paper')}"
                self.write(lambda library: library.remove(keys), done, then and (lambda _: then()))

        question = Text("Remove ")
        question.append(self.describe(keys), style="bold")
        question.append(" from the library? Its tags, status and note go too.")
        self.screen.app.push_screen(ConfirmScreen("Remove", question, yes="remove"), answered)

    # -- notes -------------------------------------------------------------------

    def edit_note(
        self,
        paper: Paper,
        base: str | None = None,
        text: str | None = None,
        then: Changed | None = None,
    ) -> None:
        """The in-app editor on ``text``, saved as an edit of ``base``.

        ``base`` is the note as it was (default: the paper's note); ``text`` what the
        editor shows at first (default: ``base``).
        """
        key = paper.key
        started_from = paper.notes if base is None else base

        async def save(new: str, edited_from: str) -> NoteSave:
            return await self.session.write_awaited(
                lambda library: library.save_note(key, new, base=edited_from)
            )

        def closed(saved: NoteSave | None) -> None:
            if saved is not None:
                self.changed()
                self.notify(saved_message(saved))
                if then is not None:
                    then()

        editor = NoteEditor(
            one_line(paper.title),
            started_from,
            save=save,
            keep_draft=lambda draft: self.session.call_now(
                lambda library: library.save_draft(key, draft)
            ),
            text=text,
        )
        self.screen.app.push_screen(editor, closed)

    def edit_note_externally(self, paper: Paper) -> None:
        """Edit the paper's note in $EDITOR (the app steps aside meanwhile)."""
        from readlist.launch import EditorError, edit_text

        base = paper.notes
        try:
            with self.screen.app.suspend():
                edited = edit_text(base)
        except SuspendNotSupported:
            self.notify(
                "Cannot hand the terminal to an editor here; press n instead", severity="warning"
            )
            return
        except EditorError as error:
            self._editor_failed(error, paper.key, "Note")
            return
        if edited.warning:
            self.notify(edited.warning, severity="warning")
        text = edited.text.rstrip("\n")
        edited.discard()
        if text == base:
            return
        self.screen.run_worker(
            self._save_external_note(paper, base, text), group="note-save", exit_on_error=False
        )

    async def _save_external_note(self, paper: Paper, base: str, text: str) -> None:
        """Save the note written in $EDITOR, on the library thread; reopen it here if needed."""
        try:
            saved = await self.session.write_awaited(
                lambda library: library.save_note(paper.key, text, base=base)
            )
        except ReadlistError as error:
            # The editor is gone: reopen the text in the app, where ctrl+s tries again.
            self.notify(
                f"{error}. {self._keep_draft(paper.key, text)}",
                title="Note not saved",
                severity="error",
                timeout=20,
            )
            self.edit_note(paper, base, text)
            return
        self.changed()
        if saved.outcome is NoteOutcome.CONFLICT:
            self.notify(CONFLICT_MESSAGE, severity="warning", timeout=20)
            self.edit_note(paper, saved.text)
        else:
            self.notify(saved_message(saved))

    def _editor_failed(
        self, error: EditorError, key: str, what: str, *, suffix: str = ".md"
    ) -> None:
        """Say the editor failed and ``what`` did not change; keep a draft if its file is lost."""
        kept = f". {self._keep_draft(key, error.text, suffix=suffix)}" if error.lost_file else ""
        self.notify(f"{error}{kept}", title=f"{what} not changed", severity="error")

    def _keep_draft(self, key: str, text: str, *, suffix: str = ".md") -> str:
        """Keep ``text`` as a draft of the note (or entry) of ``key``; a sentence saying where."""
        try:
            kept = self.session.call_now(
                lambda library: library.save_draft(key, text, suffix=suffix)
            )
            return f"A draft is kept in {kept}"
        except ReadlistError as error:
            return f"No draft could be kept either ({error})"

    # -- metadata ----------------------------------------------------------------

    def edit_metadata(self, paper: Paper) -> None:
        """Edit the paper's metadata as a BibTeX entry in $EDITOR (the app steps aside).

        The editor reopens on an entry that is not valid, the errors on top; the save
        is queued on the library thread, against the paper as it was handed over.
        """
        from readlist.launch import EditorError
        from readlist.services import edit_entry, save_entry

        start = paper.copy()
        try:
            with self.screen.app.suspend():
                entry = edit_entry(start)
        except SuspendNotSupported:
            self.notify("Cannot hand the terminal to an editor here", severity="warning")
            return
        except EditorError as error:
            self._editor_failed(error, paper.key, "Metadata", suffix=".bib")
            return
        except ReadlistError as error:
            self.notify(str(error), title="Metadata not changed", severity="error")
            return
        if entry.warning:
            self.notify(entry.warning, severity="warning")
        if entry.change is None or not entry.change.names:
            save_entry(self.library, start, entry)  # nothing to save: only drops the file
            self.notify(f"{paper.key}: nothing changed")
            return

        def done(edit: MetadataEdit) -> str:
            renamed = f" (now {edit.key})" if edit.key != paper.key else ""
            return f"{paper.key}: saved {', '.join(edit.changed)}{renamed}"

        self.write(lambda library: save_entry(library, start, entry), done)

    # -- links and BibTeX --------------------------------------------------------

    def open_code(self, paper: Paper) -> bool:
        """Open the code link, or a repository search for the title; whether it was opened."""
        return open_link(self.screen.app, code_url(paper)) is not None

    def open_pdf(self, paper: Paper) -> None:
        """Open the downloaded PDF, else the PDF link, in the PDF viewer, from a worker thread.

        The viewer starts detached, but finding the file and starting a program are
        kept off the event loop all the same.
        """
        library_path = self.library.path

        def run() -> None:
            from readlist.launch import open_pdf
            from readlist.net import net_settings
            from readlist.pdfs import open_target

            try:
                opened = open_pdf(open_target(library_path, paper, net_settings()))
            except ReadlistError as error:
                self.screen.app.call_from_thread(
                    self.notify, str(error), title="No PDF opened", severity="error"
                )
                return
            self.screen.app.call_from_thread(self.notify, opened, title="Opened the PDF")

        self.screen.app.run_worker(
            run, thread=True, group="pdf", description="open a PDF", exit_on_error=False
        )

    def open_paper(self, paper: Paper) -> bool:
        """Open a search for the paper's page; whether it was opened."""
        return open_link(self.screen.app, paper_url(paper)) is not None

    def copy_bibtex(self, keys: Sequence[str]) -> None:
        """Copy the BibTeX entries of the papers with ``keys`` to the clipboard."""
        try:
            papers = [self.session.snapshot.papers[key] for key in keys]
            entries = [bibtex_entry(paper) for paper in papers]
        except KeyError as error:
            self.notify(f"no paper with key {error}", title="No BibTeX", severity="error")
            return
        except (ReadlistError, ValueError) as error:
            self.notify(str(error), title="No BibTeX", severity="error")
            return
        self.screen.app.copy_to_clipboard("\n".join(entry.rstrip("\n") + "\n" for entry in entries))
        if len(keys) == 1:
            self.notify(f"Copied the BibTeX entry {keys[0]}")
        else:
            self.notify(f"Copied {len(keys)} BibTeX entries")

    def copy_citation(self, keys: Sequence[str]) -> None:
        """Copy a LaTeX citation of ``keys`` (``cite{a,b}`` after a backslash) to the clipboard."""
        citation = "\\cite{" + ",".join(keys) + "}"
        self.screen.app.copy_to_clipboard(citation)
        self.notify(f"Copied {citation}")
