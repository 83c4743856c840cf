"""Bytes that are not UTF-8 in arguments, standard input and paths: one clean line, never a
traceback; a path is used as the bytes it is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library

ROOT = Path(__file__).resolve().parents[2]
#: ``\xff`` as Python hands it over from argv: a surrogate escape, encoded back to the byte.
BAD = os.fsdecode(b"bad\xff")


def run(
    library: Path, *args: str, stdin: bytes = b"", strict_stdout: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """The real CLI with bytes in and out; ``strict_stdout`` as in a UTF-8 desktop locale."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    if strict_stdout:
        env["PYTHONIOENCODING"] = "utf-8:strict"
    command = [sys.executable, "-m", "readlist", "--library", str(library), *args]
    return subprocess.run(command, input=stdin, capture_output=True, env=env, timeout=60)


def assert_one_clean_line(result: subprocess.CompletedProcess[bytes], *expected: str) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 1, stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("readlist: "), stderr
    for part in expected:
        assert part in stderr, stderr
    return stderr


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    Library(path).import_papers([Paper(title="A Paper", authors=["Ann Lee"], key="lee2023a")])
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["tag", "lee2023a", BAD],
        ["untag", "lee2023a", BAD],
        ["note", "lee2023a", BAD],
        ["note", "lee2023a", "--append", BAD],
        ["list", BAD],
        ["export", "bibtex", BAD],
        ["show", BAD],
        ["import", "--tag", BAD, "-"],
    ],
    ids=lambda args: " ".join(a for a in args if a != BAD),
)
def test_text_arguments_that_are_not_utf8_are_one_clear_error(
    library: Path, args: list[str]
) -> None:
    before = library.read_bytes()
    result = run(library, *args, stdin=b"CVSep 25, 2023\nTitleAnn Lee\nabstract\n")
    assert_one_clean_line(result, "argument 'bad\\xff' is not valid UTF-8 text")
    assert library.read_bytes() == before


def test_a_note_from_stdin_that_is_not_utf8_is_one_clear_error(library: Path) -> None:
    before = library.read_bytes()
    result = run(library, "note", "lee2023a", "-", stdin=b"caf\xe9 notes")
    assert_one_clean_line(result, "standard input is not UTF-8 text", "0xe9 at offset 3")
    assert library.read_bytes() == before


def test_a_note_from_stdin_in_utf8_is_saved(library: Path) -> None:
    result = run(library, "note", "lee2023a", "-", stdin="café ✓\n".encode())
    assert result.returncode == 0, result.stderr
    assert Library(library).get("lee2023a").notes == "café ✓"


def test_a_file_name_that_is_not_utf8_imports_under_an_escaped_name(
    library: Path, tmp_path: Path
) -> None:
    source = Path(os.fsdecode(bytes(tmp_path) + b"/listing\xff.txt"))
    source.write_bytes(b"CVSep 25, 2023Code\nThe Other PaperBo Chen\nabstract\n")
    result = run(library, "import", str(source), strict_stdout=True)
    assert result.returncode == 0, result.stderr
    assert b"listing\\xff.txt (listing): added 1" in result.stdout
    added = [p for p in Library(library).papers() if p.title == "The Other Paper"]
    assert added and added[0].source is not None
    assert added[0].source.file == "listing\\xff.txt"


def test_a_library_path_that_is_not_utf8_is_used_as_bytes(tmp_path: Path) -> None:
    library = Path(os.fsdecode(bytes(tmp_path) + b"/lib\xff.json"))
    source = tmp_path / "listing.txt"
    source.write_bytes(b"CVSep 25, 2023Code\nThe Other PaperBo Chen\nabstract\n")
    assert run(library, "import", str(source)).returncode == 0
    assert os.path.exists(bytes(tmp_path) + b"/lib\xff.json")
    result = run(library, "doctor", strict_stdout=True)
    assert result.returncode == 0, result.stderr
    assert b"lib\\udcff.json: 0 errors" in result.stdout
    assert run(library, "list").stdout.count(b"The Other Paper") == 1
