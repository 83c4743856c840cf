"""Fixtures of the sync tests: machines (library folders) meeting through a bare repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REFS = r"""
@article{knuth1984, author = {Donald E. Knuth}, title = {Literate Programming},
  journal = {The Computer Journal}, year = {1984}, abstract = {Programs as literature.}}
@book{lamport1986, author = {Leslie Lamport}, title = {{\LaTeX}: A Document Preparation System},
  publisher = {Addison-Wesley}, year = {1986}}
@book{patashnik1988, author = {Oren Patashnik}, title = {{BibTeXing}}, publisher = {Self},
  year = {1988}}
"""


@pytest.fixture
def machines(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch):
    """A bare remote, machine A set up with a library and synced, machine B cloned from it."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))  # no user identity
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    a = tmp_path / "a" / "library.json"
    b = tmp_path / "b" / "library.json"
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS, encoding="utf-8")
    run_cli("import", str(bib), library=a, check=True)
    run_cli("sync", "init", str(remote), library=a, check=True)
    run_cli("sync", library=a, check=True)
    cloned = run_cli("sync", "clone", str(remote), library=b, check=True)
    assert f"library: {b}" in cloned.stdout
    return remote, a, b
