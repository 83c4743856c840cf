"""PDF files beside the library: the disk failing mid-download, names, sizes, stray paths."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import httpx
import pytest

from readlist.errors import ReadlistError
from readlist.models import Link, Paper
from readlist.net import NetSettings
from readlist.pdfs import fetch_pdf, human_size, pdf_file, pdf_url
from readlist.store import Library
from tests.remote.pdf_bytes import tiny_pdf

SETTINGS = NetSettings(arxiv_pdf="https://pdfs.example/pdf")


def serving(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=body, headers={"content-type": "application/pdf"}
        )
    )


def library_with(tmp_path: Path, paper: Paper) -> tuple[Library, str]:
    library = Library(tmp_path / "library.json")
    (key,) = library.import_papers([paper]).added
    return library, key


def test_a_full_disk_keeps_no_part_of_the_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library, key = library_with(
        tmp_path, Paper(title="Full", links=[Link("https://arxiv.org/abs/1605.08386")])
    )

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("readlist.pdfs.os.fsync", full)
    with pytest.raises(ReadlistError, match="the disk is full; no PDF was kept for"):
        fetch_pdf(library, key, settings=SETTINGS, transport=serving(tiny_pdf()))
    assert list((tmp_path / "papers").iterdir()) == []
    assert library.get(key).pdf is None


def test_a_pdf_is_named_by_key_and_never_over_another_papers(tmp_path: Path) -> None:
    library, key = library_with(
        tmp_path, Paper(title="Named", links=[Link("https://arxiv.org/abs/1605.08386")])
    )
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / f"{key}.pdf").write_bytes(b"someone else's")
    fetched = fetch_pdf(library, key, settings=SETTINGS, transport=serving(tiny_pdf()))
    assert fetched.path.name == f"{key}-2.pdf"
    assert (tmp_path / "papers" / f"{key}.pdf").read_bytes() == b"someone else's"
    again = fetch_pdf(library, key, settings=SETTINGS, transport=serving(tiny_pdf(10)))
    assert again.path == fetched.path  # its own file is replaced
    assert fetched.url == "https://pdfs.example/pdf/1605.08386"


def test_a_record_pointing_outside_the_library_folder_is_not_opened(tmp_path: Path) -> None:
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(tiny_pdf())
    (tmp_path / "lib").mkdir()
    assert (
        pdf_file(tmp_path / "lib" / "library.json", Paper(title="x", pdf="../secret.pdf")) is None
    )
    assert pdf_file(tmp_path / "lib" / "library.json", Paper(title="x", pdf=str(outside))) is None


def test_the_pdf_link_prefers_arxiv_then_a_pdf_link() -> None:
    assert pdf_url(Paper(title="x", links=[Link("https://a.org/x.html")]), SETTINGS) is None
    linked = Paper(title="x", links=[Link("https://a.org/page"), Link("https://a.org/p.PDF")])
    assert pdf_url(linked, SETTINGS) == "https://a.org/p.PDF"
    assert pdf_url(Paper(title="x", links=[Link("javascript:x.pdf")]), SETTINGS) is None


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (2_400_000, "2.4 MB"), (830_000, "830 kB")],
)
def test_sizes_are_said_for_people(size: int, shown: str) -> None:
    assert human_size(size) == shown
