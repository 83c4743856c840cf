"""Exports written a piece at a time: same text as in one piece, and atomic on failure."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.atomic import atomic_write
from readlist.export_file import write_export
from readlist.exporters import FORMATS, export, export_chunks
from readlist.models import Paper


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
