"""The use cases the CLI and the TUI share, so that each rule lives in one place.

:func:`open_library` is how both faces open a library: the path's symlink is
resolved once (the library, its abstracts, its lock and its backups then all sit
beside the real file), the daily backup is taken before the first change, and
every save rewrites the exports kept up to date (:mod:`readlist.kept_exports`).

The use cases both faces run go through here too: :func:`import_files`,
:func:`export_to` (never onto the library's own files), :func:`edit_note` (saved
against the note it started from), :func:`edit_metadata` (a paper as a BibTeX entry,
saved against the version it started from) and :func:`open_link` (http(s) only, no shell).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from readlist.config import DEFAULT_HISTORY_DAYS, history_days, key_formula
from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.paths import exports_path, real_library_path
from readlist.store import Library, NoteSave
from readlist.text import escape_controls

if TYPE_CHECKING:  # imported where used: every command opens a library, few need these
    from readlist.keyformula import KeyFormula
    from readlist.launch import EditedText
    from readlist.metadata_edit import MetadataChange
    from readlist.sources import FileReport
    from readlist.store import ImportReport


def warn_on_stderr(message: str) -> None:
    """Write ``message`` as one ``warning:`` line on standard error."""
    sys.stderr.write(f"warning: {escape_controls(message)}\n")


def open_library(
    path: str | os.PathLike[str],
    *,
    warn: Callable[[str], None] = warn_on_stderr,
    lean: bool = False,
) -> Library:
    """The library at ``path`` (through a symlink, the real file), backed up daily.

    After every save the kept exports it changes are rewritten; a failure to
    write one is reported through ``warn`` and never fails the save. New papers
    get keys from the user's key formula, read from the settings when the first one
    is made (a broken settings file only stops commands that add papers). The
    change journal keeps the days the settings say (a broken setting: 90, with a warning).
    ``lean``: for a command on a few papers (see :class:`~readlist.store.Library`).
    """
    formulas: list[KeyFormula] = []

    def configured_key(paper: Paper) -> str:
        if not formulas:
            formulas.append(key_formula())
        return formulas[0].key(paper)

    def keep_exports(library: Library, changed: list[str]) -> None:
        # No registry beside the library, no kept export: the exporters stay unloaded.
        if not os.path.lexists(exports_path(library.path)):
            return
        from readlist.kept_exports import refresh_kept_exports

        refresh_kept_exports(library, changed, warn)

    def journal_days() -> int:
        try:
            return history_days()
        except ReadlistError as error:
            warn(f"{error}; keeping {DEFAULT_HISTORY_DAYS} days of history")
            return DEFAULT_HISTORY_DAYS

    return Library(
        real_library_path(path),
        before_first_write=_daily_backup,
        after_save=keep_exports,
        make_key=configured_key,
        history_days=journal_days,
        warn=warn,
        lean=lean,
    )


def _daily_backup(path: Path) -> None:
    """Take the day's backup of the library at ``path`` (before its first change of the day)."""
    from readlist.store.backup import daily_backup

    daily_backup(path)


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: a report per source, and all of them added up."""

    reports: list[FileReport]
    total: ImportReport


def import_files(
    library: Library,
    files: Iterable[str | os.PathLike[str]] = (),
    *,
    samples: bool = False,
    stdin: BinaryIO | None = None,
    format: str | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
) -> ImportOutcome:
    """Import ``files`` (``-`` reads ``stdin``) and, with ``samples``, the bundled listings.

    Every source is parsed before the library is touched, so one bad file changes
    nothing; all of them are then imported in one save. ``dry_run`` writes nothing.
    """
    from readlist.sources import file_source, import_sources, sample_sources, stdin_source, total

    sources = sample_sources() if samples else []
    for name in files:
        if os.fspath(name) == "-":
            if stdin is None:
                raise ReadlistError("'-' names standard input, and there is none here")
            sources.append(stdin_source(stdin))
        else:
            sources.append(file_source(os.fspath(name)))
    if not sources:
        raise ReadlistError("nothing to import: give FILE(s), '-' for stdin, or --sample")
    reports = import_sources(library, sources, format=format, tags=tags, dry_run=dry_run)
    return ImportOutcome(reports, total(reports))


def check_export_target(target: Path, library: str | os.PathLike[str]) -> Path:
    """The file an export to ``target`` would write; ReadlistError if it is the library's own."""
    from readlist.export_file import check_export_path

    return check_export_path(target, library)


def export_to(
    papers: Sequence[Paper],
    format: str,
    target: Path | TextIO,
    *,
    library: str | os.PathLike[str],
    ascii: bool = False,
    dialect: str = "bibtex",
) -> int:
    """Write ``papers`` in ``format`` to a file (atomically) or a stream; how many.

    A file is checked first against ``library`` (:func:`check_export_target`): an
    export never replaces the library, its abstracts, lock, registry or backups.
    """
    from readlist.export_file import write_export

    return write_export(papers, format, target, ascii=ascii, library=library, dialect=dialect)


def export_library(
    library: Library,
    format: str,
    target: Path | TextIO,
    *,
    keys: Sequence[str] | None = None,
    ascii: bool = False,
    dialect: str = "bibtex",
) -> int:
    """Write the papers ``keys`` of ``library`` (``None``: all) as :func:`export_to` does.

    The same text, made through the library's render cache (entries unchanged since
    an earlier export are not rendered again). Returns how many papers were written.
    """
    from readlist.export_file import write_encoded
    from readlist.store.render_cache import ExportOptions

    count, chunks = library.export_text(keys, ExportOptions(format, ascii=ascii, dialect=dialect))
    write_encoded(target, chunks, library=library.path)
    return count


@dataclass(frozen=True)
class NoteEdit:
    """A note edited in the user's editor: how the save went, and a warning to pass on."""

    saved: NoteSave | None  # None: the text came back unchanged and nothing was saved
    warning: str | None = None


def edit_note(
    library: Library,
    key: str,
    *,
    edit: Callable[[str], EditedText] | None = None,
    kept: Callable[[str], None],
    save_unchanged: bool = True,
) -> NoteEdit:
    """Edit the note of ``key`` with ``edit`` and save it against the note it started from.

    A change saved meanwhile (``note --append``, the interface) is merged in, never
    overwritten (:meth:`Library.save_note`). Text that cannot be saved is kept as a
    draft beside the library and ``kept`` is told where, before the error is raised.
    ``edit`` runs the editor (:func:`readlist.launch.edit_text` unless given).
    """
    from readlist.launch import EditorError, edit_text

    base = library.get(key).notes
    try:
        edited = (edit or edit_text)(base)
    except EditorError as error:
        if error.lost_file:
            kept(_keep_draft(library, key, error.text))
        raise
    text = edited.text.rstrip("\n")
    if text == base and not save_unchanged:
        edited.discard()
        return NoteEdit(None, edited.warning)
    try:
        saved = library.save_note(key, text, base=base)
    except ReadlistError:
        kept(_keep_draft(library, key, edited.text, also=edited.file))
        raise
    edited.discard()
    return NoteEdit(saved, edited.warning)


def _keep_draft(
    library: Library,
    key: str,
    text: str,
    *,
    also: Path | None = None,
    what: str = "note text",
    suffix: str = ".md",
) -> str:
    """Keep unsaved note (or entry) text as a draft beside the library; a sentence saying where."""
    in_file = f" and in {also}" if also else ""
    try:
        draft = library.save_draft(key, text, suffix=suffix)
    except ReadlistError as error:
        return f"your {what} could not be kept as a draft ({error}){in_file}"
    return f"your {what} is kept in {draft}{in_file}"


@dataclass(frozen=True)
class MetadataEdit:
    """What ``readlist edit`` did: the paper's key now, and the fields it changed."""

    key: str
    #: The names changed (BibTeX fields, ``entrytype``, ``key``); empty: nothing saved.
    changed: tuple[str, ...] = ()
    #: Whether the user gave up (saved the file empty or unchanged).
    gave_up: bool = False
    warning: str | None = None


@dataclass(frozen=True)
class EditedEntry:
    """The entry as the user left it in the editor: valid, or given up (``change`` None)."""

    change: MetadataChange | None
    edited: EditedText | None = None
    warning: str | None = None


def edit_entry(
    start: Paper,
    *,
    edit: Callable[[str], EditedText] | None = None,
    errors: Callable[[list[str]], None] = lambda lines: None,
) -> EditedEntry:
    """Run the editor on ``start`` as a BibTeX entry until it is valid or the user gives up.

    Each time the saved entry is not valid, ``errors`` is told (one line each) and
    the editor reopens on it with the errors as comment lines. Raises
    :class:`~readlist.launch.EditorError` when the editor fails. ``edit`` runs the
    editor (:func:`readlist.launch.edit_entry_text` unless given).
    """
    from readlist.launch import edit_entry_text
    from readlist.metadata_edit import MetadataChange, entry_text, gave_up, read_entry, with_errors

    handed = entry_text(start)
    base, problems = read_entry(handed)
    if base is None:
        raise ReadlistError(f"{start.key} cannot be written as a BibTeX entry: {problems[0]}")
    warning: str | None = None
    while True:
        edited = (edit or edit_entry_text)(handed)
        warning = warning or edited.warning
        if gave_up(edited.text, handed):
            edited.discard()
            return EditedEntry(None, warning=warning)
        after, problems = read_entry(edited.text)
        if after is not None:
            return EditedEntry(MetadataChange.between(base, after), edited, warning)
        errors(problems)
        edited.discard()
        handed = with_errors(edited.text, problems)


def save_entry(library: Library, start: Paper, entry: EditedEntry) -> MetadataEdit:
    """Save the edited entry against ``start``, the paper it was written from.

    A field changed in the library meanwhile refuses the save
    (:class:`~readlist.metadata_edit.EditConflict`); then, or when the save fails,
    the entry is kept as a draft beside the library and the error says where.
    """
    from readlist.metadata_edit import apply_edit

    change, edited = entry.change, entry.edited
    if change is None or edited is None or not change.names:
        if edited is not None:
            edited.discard()
        return MetadataEdit(start.key, gave_up=change is None, warning=entry.warning)

    def changed(current: Paper) -> Paper:
        paper = apply_edit(current, start, change)
        paper.key = change.new_key or paper.key
        return paper

    try:
        new_key = library.replace_paper(start.key, changed)
    except ReadlistError as error:
        draft = _keep_draft(
            library, start.key, edited.text, also=edited.file, what="entry", suffix=".bib"
        )
        raise ReadlistError(f"{error}; {draft}") from None
    edited.discard()
    return MetadataEdit(new_key or start.key, change.names, warning=entry.warning)


def edit_metadata(
    library: Library,
    key: str,
    *,
    edit: Callable[[str], EditedText] | None = None,
    kept: Callable[[str], None],
    errors: Callable[[list[str]], None] = lambda lines: None,
) -> MetadataEdit:
    """Edit the paper of ``key`` as a BibTeX entry (:func:`edit_entry`), then save it.

    The save is made against the paper as it was handed over (:func:`save_entry`).
    When the editor loses the file, the entry is kept as a draft and ``kept`` is told.
    """
    from readlist.launch import EditorError

    start = library.get(key).copy()
    try:
        entry = edit_entry(start, edit=edit, errors=errors)
    except EditorError as error:
        if error.lost_file:
            kept(_keep_draft(library, key, error.text, what="entry", suffix=".bib"))
        raise
    return save_entry(library, start, entry)


def open_link(url: str, *, opener: Callable[[str], object] | None = None) -> str:
    """Open ``url`` in the web browser: only http(s), never through a shell; the URL opened.

    ``opener`` is handed the checked URL (:func:`readlist.launch.open_url` unless given).
    """
    from readlist.launch import checked_url, open_url

    safe = checked_url(url)
    (opener or open_url)(safe)
    return safe
