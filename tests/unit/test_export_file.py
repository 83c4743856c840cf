"""Exports written a piece at a time: same text as in one piece, and atomic on failure."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from readlist.errors import ReadlistError
from readlist.export_file import check_export_path, write_export
from readlist.exporters import FORMATS, export, export_chunks
from readlist.models import Paper
from readlist.store.atomic import atomic_write


def papers() -> list[Paper]:
    return [
        Paper(title="Sparse Attention", key="lee2024sparse", authors=["Zoë Müller"]),
        Paper(title="Dense Attention", key="lee2024sparse", published="2023"),
        Paper(title="No Authors & 100% Specials", key="x2020"),
    ]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("count", [0, 1, 3])
def test_pieces_join_to_the_whole_export(format: str, count: int) -> None:
    chosen = papers()[:count]
    for ascii in (False, True):
        pieces = list(export_chunks(chosen, format, ascii=ascii))
        assert "".join(pieces) == export(chosen, format, ascii=ascii)
        if format != "csl-json" and count:
            assert len(pieces) >= count  # really a piece per paper


def test_an_unknown_format_fails_before_any_piece() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_chunks(papers(), "ris")


def test_write_export_to_a_file_and_to_a_stream(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    assert write_export(papers(), "bibtex", target) == 3
    assert target.read_text("utf-8") == export(papers(), "bibtex")
    stream = io.StringIO()
    write_export(papers(), "markdown", stream)
    assert stream.getvalue() == export(papers(), "markdown")


def test_a_failure_while_the_pieces_are_made_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(b"old")

    def pieces() -> Iterator[bytes]:
        yield b"@article{half,"
        raise RuntimeError("the exporter broke")

    with pytest.raises(RuntimeError):
        atomic_write(target, pieces())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library with its abstracts, lock and a backup, as the CLI leaves them."""
    from readlist.store import Library
    from readlist.store.backup import snapshot

    path = tmp_path / "lib" / "library.json"
    Library(path).import_papers([Paper(title="Kept", authors=["Ann Lee"], abstract="Text")])
    snapshot(path)
    return path


def files_of(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_library_and_everything_it_depends_on_are_refused(
    library: Path, tmp_path: Path
) -> None:
    from readlist.store.backup import backup_folder, list_backups

    before = files_of(library.parent)
    [backup] = list_backups(library)
    hard = tmp_path / "hard.bib"
    os.link(library, hard)
    link = tmp_path / "link.bib"
    link.symlink_to(library.with_name("library.abstracts.json"))
    for target in (
        library,
        library.with_name("library.abstracts.json"),
        library.with_name("library.json.lock"),
        backup.path,
        backup_folder(library) / "new.bib",
        library.parent / ".readlist-backups" / "new.bib",
        hard,
        link,
    ):
        with pytest.raises(ReadlistError, match="it is a file of the library"):
            write_export(papers(), "bibtex", target, library=library)
    assert files_of(library.parent) == before


def test_the_guard_sees_through_a_symlinked_library(library: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-to-library.json"
    link.symlink_to(library)
    with pytest.raises(ReadlistError, match="it is a file of the library"):
        check_export_path(library.with_name("library.abstracts.json"), link)
    assert check_export_path(tmp_path / "refs.bib", link) == tmp_path / "refs.bib"


def test_files_beside_the_library_are_fine(library: Path) -> None:
    target = library.with_name("refs.bib")
    assert write_export(papers(), "bibtex", target, library=library) == 3
    assert target.read_text("utf-8") == export(papers(), "bibtex")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: os.mkfifo(p), "a FIFO (named pipe)"),
        (lambda p: p.mkdir(), "a folder"),
        (lambda p: p.symlink_to("/dev/zero"), "a device"),
    ],
)
def test_only_regular_files_are_replaced(
    tmp_path: Path, make: Callable[[Path], None], kind: str
) -> None:
    target = tmp_path / "out"
    make(target)
    with pytest.raises(ReadlistError, match=f"it is {re.escape(kind)}, not a file"):
        write_export(papers(), "bibtex", target)
    assert not target.is_file()


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    real.write_text("old")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    chain = tmp_path / "chain.bib"
    chain.symlink_to(link)
    write_export(papers(), "bibtex", chain)
    assert chain.is_symlink() and link.is_symlink()
    assert real.read_text("utf-8") == export(papers(), "bibtex")
    dangling = tmp_path / "dangling.bib"
    dangling.symlink_to(tmp_path / "not-yet.bib")
    write_export(papers(), "markdown", dangling)
    assert dangling.is_symlink() and (tmp_path / "not-yet.bib").is_file()
