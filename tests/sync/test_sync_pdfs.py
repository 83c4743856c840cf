"""The PDFs folder: out of git by default, travelling with plain git after ``--with-pdfs``."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from tests.sync.common import papers
from tests.sync.conftest import REFS

PDF = b"%PDF-1.4\n% a tiny stand-in\n%%EOF\n"


def sha256_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def tracked(folder: Path) -> list[str]:
    return subprocess.run(
        ["git", "-C", str(folder), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()


def test_with_pdfs_the_pdfs_travel_and_partial_downloads_do_not(
    run_cli, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a" / "library.json", tmp_path / "b" / "library.json"
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS, encoding="utf-8")
    run_cli("import", str(bib), library=a, check=True)
    pdfs = a.parent / "papers"
    pdfs.mkdir()
    (pdfs / "knuth1984.pdf").write_bytes(PDF)
    (pdfs / ".lamport1986.pdf.x1y2.part").write_bytes(b"%PDF-1.4\n% cut")  # downloading
    done = run_cli("sync", "init", "--with-pdfs", str(remote), library=a, check=True)
    assert "the PDFs in papers/ travel too (plain git)" in done.stdout
    run_cli("sync", library=a, check=True)
    assert "papers/knuth1984.pdf" in tracked(a.parent)
    assert not any(".part" in name for name in tracked(a.parent))

    run_cli("sync", "clone", str(remote), library=b, check=True)
    assert (b.parent / "papers" / "knuth1984.pdf").read_bytes() == PDF
    assert papers(run_cli, a) == papers(run_cli, b)

    # Both machines store a different PDF under one name: one is kept, the same on both.
    (pdfs / "lamport1986.pdf").write_bytes(PDF + b"% from a\n")
    (b.parent / "papers" / "lamport1986.pdf").write_bytes(PDF + b"% from b\n")
    (b.parent / "papers" / "patashnik1988.pdf").write_bytes(PDF + b"% only b\n")
    run_cli("sync", library=a, check=True)
    run_cli("sync", library=b, check=True)
    run_cli("sync", library=a, check=True)
    kept = (pdfs / "lamport1986.pdf").read_bytes()
    assert kept == max(PDF + b"% from a\n", PDF + b"% from b\n", key=sha256_of)
    assert (b.parent / "papers" / "lamport1986.pdf").read_bytes() == kept
    assert (pdfs / "patashnik1988.pdf").read_bytes() == PDF + b"% only b\n"
    assert run_cli("doctor", library=a).returncode == 0


def test_without_with_pdfs_the_option_is_refused_elsewhere(run_cli, tmp_path: Path) -> None:
    result = run_cli("sync", "--with-pdfs", library=tmp_path / "x" / "library.json")
    assert result.returncode == 2 and "--with-pdfs goes with 'sync init'" in result.stderr


def test_with_pdfs_on_a_library_already_synced_brings_the_pdfs_in(machines, run_cli) -> None:
    _, a, b = machines
    (a.parent / "papers").mkdir()
    (a.parent / "papers" / "knuth1984.pdf").write_bytes(PDF)
    run_cli("sync", library=a, check=True)
    assert "papers/knuth1984.pdf" not in tracked(a.parent)  # by default, PDFs stay here
    run_cli("sync", "init", "--with-pdfs", library=a, check=True)
    run_cli("sync", library=a, check=True)
    assert "papers/knuth1984.pdf" in tracked(a.parent)
    run_cli("sync", library=b, check=True)
    assert (b.parent / "papers" / "knuth1984.pdf").read_bytes() == PDF
