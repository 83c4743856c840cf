"""The use cases the CLI and the interface share (readlist.services), on real files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from readlist.errors import ReadlistError
from readlist.launch import EditedText, EditorError
from readlist.models import Paper
from readlist.paths import abstracts_path
from readlist.services import (
    check_export_target,
    edit_note,
    export_to,
    import_files,
    open_library,
    open_link,
)
from readlist.store import Library, NoteOutcome

BIB = """@article{lora2021,
  title = {LoRA: Low-Rank Adaptation of Large Language Models},
  author = {Hu, Edward and Shen, Yelong},
  year = {2021},
}
"""


@pytest.fixture
def library(library_file: Path) -> Library:
    return open_library(library_file)


def test_import_files_reads_files_and_stdin_in_one_save(library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    listing = (Path(__file__).parent / "data" / "bibtex_entries.bib").read_bytes()

    imported = import_files(library, [bib, "-"], stdin=io.BytesIO(listing), tags=["todo"])

    assert [report.name for report in imported.reports] == ["refs.bib", "<stdin>"]
    assert "lora2021" in imported.total.added
    reopened = Library(library.path)
    assert len(reopened) == len(set(imported.total.added)) > 1
    assert "todo" in reopened.get("lora2021").tags


def test_import_files_changes_nothing_when_one_file_is_bad(
    library: Library, tmp_path: Path
) -> None:
    good, missing = tmp_path / "good.bib", tmp_path / "missing.bib"
    good.write_text(BIB, encoding="utf-8")
    with pytest.raises(ReadlistError, match=r"missing\.bib"):
        import_files(library, [good, missing])
    assert not library.path.exists() or len(Library(library.path)) == 0


def test_import_files_dry_run_writes_nothing_and_nothing_is_an_error(
    library: Library, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    dry = import_files(library, [bib], dry_run=True)
    assert dry.total.added == ["lora2021"]
    assert len(Library(library.path)) == 0
    with pytest.raises(ReadlistError, match="nothing to import"):
        import_files(library, [])
    with pytest.raises(ReadlistError, match="standard input"):
        import_files(library, ["-"])


def test_import_files_takes_the_samples(library: Library) -> None:
    assert import_files(library, samples=True).total.added
    assert len(Library(library.path)) > 0


def test_export_to_a_file_and_a_stream(library: Library, tmp_path: Path) -> None:
    library.import_papers([Paper(key="lora", title="LoRA", published="2021")])
    target = tmp_path / "out.bib"
    assert export_to(library.papers(), "bibtex", target, library=library.path) == 1
    assert "{lora," in target.read_text(encoding="utf-8")
    stream = io.StringIO()
    export_to(library.papers(), "markdown", stream, library=library.path)
    assert "LoRA" in stream.getvalue()


@pytest.mark.parametrize("victim", ["library", "abstracts"])
def test_export_to_never_replaces_the_librarys_own_files(
    library: Library, tmp_path: Path, victim: str
) -> None:
    library.import_papers([Paper(key="lora", title="LoRA", abstract="Low rank.")])
    path = library.path if victim == "library" else abstracts_path(library.path)
    before = path.read_bytes()
    with pytest.raises(ReadlistError):
        check_export_target(path, library.path)
    with pytest.raises(ReadlistError):
        export_to(library.papers(), "bibtex", path, library=library.path)
    assert path.read_bytes() == before


def _editor(result: str, tmp_path: Path, *, meanwhile: Library | None = None):
    """An editor that leaves ``result`` in a real file (and maybe saves a change meanwhile)."""

    def edit(text: str) -> EditedText:
        if meanwhile is not None:
            meanwhile.set_note("lora", "line one\nchanged elsewhere")
        file = tmp_path / "edited.md"
        file.write_text(result + "\n", encoding="utf-8")
        return EditedText(result + "\n", file)

    return edit


def test_edit_note_saves_against_the_note_it_started_from(library: Library, tmp_path: Path) -> None:
    library.import_papers([Paper(key="lora", title="LoRA", notes="line one\nline two")])
    other = Library(library.path)  # another process
    kept: list[str] = []
    edited = edit_note(
        library,
        "lora",
        edit=_editor("line one edited\nline two", tmp_path, meanwhile=other),
        kept=kept.append,
    )
    assert edited.saved is not None
    assert edited.saved.outcome is NoteOutcome.MERGED
    assert Library(library.path).get("lora").notes == "line one edited\nchanged elsewhere"
    assert kept == []
    assert not (tmp_path / "edited.md").exists()  # discarded once saved


def test_edit_note_unchanged_saves_nothing_when_asked(library: Library, tmp_path: Path) -> None:
    library.import_papers([Paper(key="lora", title="LoRA", notes="same")])
    edited = edit_note(
        library, "lora", edit=_editor("same", tmp_path), kept=print, save_unchanged=False
    )
    assert edited.saved is None


def test_edit_note_keeps_a_draft_when_the_editor_lost_its_file(
    library: Library, tmp_path: Path
) -> None:
    library.import_papers([Paper(key="lora", title="LoRA", notes="old")])

    def lost(text: str) -> EditedText:
        raise EditorError("the editor left no file", "typed text", lost_file=True)

    kept: list[str] = []
    with pytest.raises(EditorError):
        edit_note(library, "lora", edit=lost, kept=kept.append)
    (sentence,) = kept
    draft = Path(sentence.removeprefix("your note text is kept in "))
    assert draft.read_text(encoding="utf-8").startswith("typed text")
    assert Library(library.path).get("lora").notes == "old"


def test_open_link_hands_only_http_links_to_the_opener() -> None:
    opened: list[str] = []
    url = "https://example.org/a?b=1&c=$(id);ls"
    assert open_link(url, opener=opened.append) == opened[0]
    assert opened == ["https://example.org/a?b=1&c=$(id);ls"]  # one argument, no shell
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "-x https://example.org"):
        with pytest.raises(ReadlistError, match="only http and https"):
            open_link(bad, opener=opened.append)
    assert len(opened) == 1
