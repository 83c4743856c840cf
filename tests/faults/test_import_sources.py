"""What may be imported: regular files and standard input, up to a size limit; devices,
FIFOs and directories are refused at once, from the CLI and from the TUI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.errors import ReadlistError
from readlist.models import Paper
from readlist.sources import MAX_IMPORT_BYTES_ENV, file_source, read_capped
from readlist.store import Library

ROOT = Path(__file__).resolve().parents[2]
LISTING = b"CVSep 25, 2023Code\nThe Other PaperBo Chen\nabstract\n"


def run(
    library: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    command = [sys.executable, "-m", "readlist", "--library", str(library), *args]
    result = subprocess.run(command, input=stdin, capture_output=True, env=full_env, timeout=60)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def assert_one_clean_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("readlist: "), result.stderr
    for part in expected:
        assert part in result.stderr, result.stderr


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "lib" / "library.json"
    Library(path).import_papers([Paper(title="A Paper", authors=["Ann Lee"], key="lee2023a")])
    return path


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


# -- non-regular files ------------------------------------------------------------


def test_importing_a_device_is_refused_at_once(library: Path) -> None:
    before = library.read_bytes()
    result = run(library, "import", "/dev/zero")
    assert_one_clean_line(result, "cannot import /dev/zero: it is a device, not a regular file")
    assert library.read_bytes() == before


def test_importing_a_fifo_is_refused_without_waiting_for_a_writer(
    library: Path, fifo: Path
) -> None:
    result = run(library, "import", str(fifo))  # the old code waited for a writer forever
    assert_one_clean_line(result, f"cannot import {fifo}: it is a FIFO (named pipe)", "'-'")


def test_importing_a_directory_is_refused(library: Path, tmp_path: Path) -> None:
    assert_one_clean_line(run(library, "import", str(tmp_path)), "it is a directory")


def test_a_symlink_to_a_regular_file_imports(library: Path, tmp_path: Path) -> None:
    (tmp_path / "listing.txt").write_bytes(LISTING)
    (tmp_path / "link.txt").symlink_to(tmp_path / "listing.txt")
    result = run(library, "import", str(tmp_path / "link.txt"))
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout


def test_a_fifo_import_in_the_tui_is_refused_and_q_still_exits(library: Path, fifo: Path) -> None:
    """In a subprocess: a worker stuck opening the FIFO kept the old process alive after q."""
    script = f"""
import asyncio
from pathlib import Path
from textual.widgets import Input
from readlist.store import Library
from readlist.tui.app import ReadlistApp

async def main():
    app = ReadlistApp(Library(Path({str(library)!r})))
    shown = []
    original = app.notify
    app.notify = lambda message, **kw: (shown.append(message), original(message, **kw))[1]
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("i")
        await pilot.pause(0.2)
        app.screen.query_one(Input).value = {str(fifo)!r}
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if any("FIFO" in message for message in shown):
                break
        await pilot.press("q")
    print("NOTIFIED:", " | ".join(shown), flush=True)

asyncio.run(main())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the TUI did not exit after q with a FIFO import under way")
    assert process.returncode == 0, stderr[-3000:]
    assert "it is a FIFO (named pipe), not a regular file" in stdout, stdout + stderr[-3000:]


# -- the size limit ---------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_and_changes_nothing(
    library: Path, tmp_path: Path
) -> None:
    source = tmp_path / "listing.txt"
    source.write_bytes(LISTING + b"more words " * 200)
    before = library.read_bytes()
    result = run(library, "import", str(source), env={MAX_IMPORT_BYTES_ENV: "1000"})
    assert_one_clean_line(
        result, "listing.txt: it is larger than the import limit of 1000 bytes", "READLIST_MAX"
    )
    assert library.read_bytes() == before


def test_a_file_at_the_size_limit_imports(library: Path, tmp_path: Path) -> None:
    source = tmp_path / "listing.txt"
    source.write_bytes(LISTING)
    result = run(library, "import", str(source), env={MAX_IMPORT_BYTES_ENV: str(len(LISTING))})
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout


def test_stdin_over_the_size_limit_is_refused_while_reading(library: Path) -> None:
    result = run(library, "import", "-", stdin=LISTING * 50, env={MAX_IMPORT_BYTES_ENV: "1024"})
    assert_one_clean_line(result, "cannot import <stdin>: it is larger than the import limit")


def test_stdin_under_the_limit_imports(library: Path) -> None:
    result = run(library, "import", "-", stdin=LISTING, env={MAX_IMPORT_BYTES_ENV: "1024"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_a_bad_size_limit_setting_is_one_clear_error(library: Path, value: str) -> None:
    result = run(library, "import", "-", stdin=LISTING, env={MAX_IMPORT_BYTES_ENV: value})
    assert_one_clean_line(result, f"{MAX_IMPORT_BYTES_ENV} must be a positive number of bytes")


class EndlessZeros(io.RawIOBase):
    """A stream that never ends, like ``/dev/zero`` on standard input; counts what was read."""

    def __init__(self) -> None:
        self.handed_out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        buffer[:size] = bytes(size)
        self.handed_out += size
        return size


def test_an_endless_stream_stops_just_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_IMPORT_BYTES_ENV, str(3 * 1024 * 1024 + 7))
    stream = EndlessZeros()
    with pytest.raises(ReadlistError, match="larger than the import limit of 3145735 bytes"):
        read_capped(io.BufferedReader(stream), "<stdin>")
    assert stream.handed_out < 5 * 1024 * 1024  # read past the limit by at most a chunk


def test_the_default_limit_is_256_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_IMPORT_BYTES_ENV, raising=False)
    stream = EndlessZeros()
    with pytest.raises(ReadlistError, match="limit of 256 MiB"):
        read_capped(io.BufferedReader(stream), "<stdin>")
    assert 256 * 1024 * 1024 < stream.handed_out <= 258 * 1024 * 1024


def test_a_file_source_reads_the_whole_file(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    data = os.urandom(3 * 1024 * 1024 + 11)
    source.write_bytes(data)
    assert file_source(source).read() == data
