"""Hostile input: garbage files, terminal escapes in data, unsafe links, odd $EDITORs, bad paths.

Every outcome must be papers (+ warnings) or one clean ``readlist: …`` line with
exit status 1 — never a traceback, a hang, or a change to the library.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import webbrowser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import cli
from readlist.importers import ImportFormatError, decode_bytes, parse_text
from readlist.models import Link, LinkKind, Paper
from readlist.store import Library

ROOT = Path(__file__).resolve().parents[2]
ESC = b"\x1b"


def run(
    library: Path,
    *args: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, bytes, str, float]:
    """Run the real CLI; exit status, stdout bytes, stderr text and peak RSS in MB."""
    command = [sys.executable, "-m", "readlist", "--library", str(library), *args]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out, stderr=err, env=full_env, cwd=library.parent,
        )  # fmt: skip
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                pytest.fail(f"readlist {' '.join(args)} did not finish within {timeout} s")
            time.sleep(0.01)
        out.seek(0)
        err.seek(0)
        return (
            os.waitstatus_to_exitcode(status),
            out.read(),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
        )


def assert_clean_outcome(code: int, stderr: str) -> None:
    """Success, or exactly one ``readlist: …`` error line and status 1."""
    assert "Traceback" not in stderr, stderr[-2000:]
    if code != 0:
        assert code == 1
        lines = [line for line in stderr.splitlines() if not line.startswith("warning: ")]
        assert len(lines) == 1 and lines[0].startswith("readlist: "), stderr[-2000:]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "library.json"


# -- importers on arbitrary input ----------------------------------------------------


@settings(max_examples=300, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_decode_bytes_gives_text_or_one_clean_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except ImportFormatError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(text, str)


_LISTING_BITS = st.sampled_from(
    [
        "CVSep 25, 2023Code\n", "CLJun 13\n", "XXFeb 30, 2023\n", "Sep 1, 2020\n",
        "Title HereZoë Müller, Łukasz Kowalski et al. · berkeley\n", "@article{k,\n",
        "title = {A {B} \\\"u},\n", "}\n", "\x1b]8;;http://x\x07", "\x1b[31m", "\u202e",
        "[bold red]markup[/]", "$V_1$ & 100% _", "https://github.com/a/b", "\x00", "\r\n",
        "Subscribe", "Get trending papers in your email inbox!\n", "{", "}", "\\", "%",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(_LISTING_BITS, st.text(max_size=80)), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, format=st.sampled_from([None, "listing", "search", "bibtex"]))
def test_parse_text_gives_papers_and_warnings_or_one_clean_error(
    text: str, format: str | None
) -> None:
    try:
        result = parse_text(text, format=format, source_name="fuzz.txt")
    except ImportFormatError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert result.papers
    for paper in result.papers:
        assert isinstance(paper.title, str)
        for link in paper.links:
            assert link.url.lower().startswith(("http://", "https://"))
    assert all(isinstance(w, str) and "\n" not in w for w in result.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.one_of(st.binary(max_size=3000), _TEXT.map(lambda t: t.encode("utf-8", "replace"))))
def test_import_command_never_crashes_on_arbitrary_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source = folder / "input.txt"
    source.write_bytes(data)
    library = folder / "library.json"
    code = cli.main(["--library", str(library), "import", str(source)])
    captured = capsys.readouterr()
    assert_clean_outcome(code, captured.err)
    if code == 1:
        assert not library.exists()  # a bad file changes nothing


HOSTILE_FILES: dict[str, bytes] = {
    "binary": bytes(range(256)) * 64,
    "nul in text": b"CVSep 25, 2023Code\nA TitleZo\x00e M\n abstract\n",
    "invalid utf-8": b"CVSep 25, 2023Code\nTitle\xff\xfeAnn Lee\nabstract\n",
    "utf-16 without bom": "CVSep 25, 2023\nTitleAnn Lee\nx\n".encode("utf-16-le"),
    "empty": b"",
    "only whitespace": b" \n\t\n\r\n",
    "huge line of text": b"CVSep 25, 2023Code\n" + b"Word " * 2_000_000 + b"\nabstract\n",
    "huge title line": b"CVSep 25, 2023Code\n" + b"Ab" * 5_000_000 + b"Ann Lee\nabstract\n",
    "huge abstract of escapes": b"CVSep 25, 2023Code\nTitleAnn Lee\n" + b"\x1b]" * 5_000_000,
    "huge C1 escapes": b"CVSep 25, 2023Code\nTitleAnn Lee\n" + "\x9da".encode() * 3_000_000,
    "huge brace nest bib": b"@article{k, title = {" + b"{" * 1_000_000 + b"}\n",
    "many tiny records": b"CVSep 25, 2023\nT\n\n" * 200_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_files_through_the_cli(library: Path, name: str) -> None:
    library.parent.mkdir(parents=True)
    source = library.parent / "hostile.txt"
    source.write_bytes(HOSTILE_FILES[name])
    code, stdout, stderr, _ = run(library, "import", str(source), timeout=30)
    assert_clean_outcome(code, stderr)
    assert ESC not in stdout
    if code == 0:
        rc, listed, err, _ = run(library, "list", timeout=15)
        assert rc == 0 and ESC not in listed, err


def test_hostile_stdin(library: Path) -> None:
    library.parent.mkdir(parents=True)
    code, _, stderr, _ = run(library, "import", "-", stdin=b"\xff\x00\x01garbage")
    assert code == 1
    assert_clean_outcome(code, stderr)


@pytest.mark.slow
def test_a_100_mb_file_finishes_in_bounded_time_and_memory(library: Path) -> None:
    """One record whose abstract runs on for 100 MB: the importer's worst realistic case."""
    library.parent.mkdir(parents=True)
    free = shutil.disk_usage(library.parent).free
    if free < 1_000_000_000:
        pytest.skip(f"only {free // 1_000_000} MB free in {library.parent}; needs ~1 GB")
    source = library.parent / "big.txt"
    line = ("lorem ipsum dolor sit amet " * 40 + "\n").encode()
    with source.open("wb") as handle:
        handle.write(b"CVSep 25, 2023Code\nA Huge RecordAnn Lee\n")
        for _ in range(100_000_000 // len(line) + 1):
            handle.write(line)
    assert source.stat().st_size >= 100_000_000
    start = time.monotonic()
    code, _, stderr, peak_mb = run(library, "import", str(source), timeout=150)
    elapsed = time.monotonic() - start
    assert_clean_outcome(code, stderr)
    assert elapsed < 150 and peak_mb < 1500, (elapsed, peak_mb)


# -- terminal escapes and markup in data -------------------------------------------

HOSTILE_TITLE = (
    "[bold red]Markup Title[/] \x1b[5;38;5;196mBLINK\x1b[0m "
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b]0;pwned title\x07 "
    "\u202eevil\u202c \x9b31m c1"
)
HOSTILE_NOTE = "note [link=http://evil]x[/link] \x1b[2J\x1b[H cleared \x1b]52;c;cGF5bG9hZA==\x07"


@pytest.fixture
def hostile_library(library: Path) -> tuple[Path, str]:
    paper = Paper(
        title=HOSTILE_TITLE,
        authors=["[i]Zoë[/i] \x1b[1mMüller"],
        abstract="abstract \x1b[31mred\x1b[0m [blink]x[/blink] \u2066iso\u2069",
        tags=["[red]tag[/]"],
        links=[Link("https://github.com/a/b\x1b[31m", LinkKind.CODE)],
    )
    key = Library(library).import_papers([paper]).added[0]
    Library(library).set_note(key, HOSTILE_NOTE)
    return library, key


@pytest.mark.parametrize("command", [["list"], ["show", "KEY"], ["list", "--sort", "title"]])
def test_list_and_show_print_markup_literally_and_no_escapes(
    hostile_library: tuple[Path, str], command: list[str]
) -> None:
    library, key = hostile_library
    args = [key if part == "KEY" else part for part in command]
    code, stdout, stderr, _ = run(library, *args, env={"NO_COLOR": "1"})
    assert code == 0, stderr
    assert ESC not in stdout and b"\x9b" not in stdout and b"\x07" not in stdout
    text = stdout.decode("utf-8")
    assert "\u202e" not in text and "\u2066" not in text
    assert "[bold red]Markup Title[/]" in text or "[bold red]Markup" in text
    if command[0] == "show":
        assert "[link=http://evil]x[/link]" in text and "cleared" in text


def test_with_colour_forced_no_hostile_sequence_gets_through(
    hostile_library: tuple[Path, str],
) -> None:
    library, key = hostile_library
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""}
    for args in (["list"], ["show", key]):
        code, stdout, stderr, _ = run(library, *args, env=env)
        assert code == 0, stderr
        for payload in (b"\x1b[5;38;5;196m", b"\x1b]8;;http://evil", b"\x1b]0;", b"\x1b]52",
                        b"\x1b[2J", "\u202e".encode()):  # fmt: skip
            assert payload not in stdout, (args, payload)


# -- links that must never reach the browser ----------------------------------------

UNSAFE_LINKS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(document.cookie)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "https://ok.example/\x1b]8;;file:///etc/passwd\x07",
    "http://",
]


@pytest.mark.parametrize("url", UNSAFE_LINKS)
def test_open_never_hands_an_unsafe_link_to_the_browser(
    library: Path, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = Paper(
        title="javascript:alert(2) file:///x", authors=["Ann Lee"], links=[Link(url, LinkKind.CODE)]
    )
    key = Library(library).import_papers([hostile]).added[0]
    opened: list[str] = []

    def fake_open(target: str, *args: object, **kwargs: object) -> bool:
        opened.append(target)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr(webbrowser, "open_new_tab", fake_open)
    for argv in (["open", key], ["open", key, "--paper"]):
        code = cli.main(["--library", str(library), *argv])
        assert_clean_outcome(code, capsys.readouterr().err)
    for target in opened:
        assert target.startswith(("https://", "http://")), target
        assert not any(bad in target.lower() for bad in ("\x1b", "\x07", " "))


# -- $EDITOR -------------------------------------------------------------------------

EDITOR_SCRIPT = """#!/bin/sh
# Record the arguments, one per line, then write the new note into the file.
for arg in "$@"; do printf '%s\\n' "$arg"; done > "{log}"
last=""
for arg in "$@"; do last="$arg"; done
printf 'edited by the editor\\n' > "$last"
"""


@pytest.fixture
def editor(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "dir with space"
    folder.mkdir()
    log = tmp_path / "editor-args.txt"
    script = folder / "ed it.sh"
    script.write_text(EDITOR_SCRIPT.format(log=log))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


@pytest.mark.parametrize(
    "template",
    ['"{script}" --flag', "'{script}' --flag", '"{script}" --flag ; touch {marker}'],
)
def test_editor_with_spaces_quotes_and_shell_syntax_runs_without_a_shell(
    library: Path, tmp_path: Path, editor: tuple[Path, Path], template: str
) -> None:
    script, log = editor
    marker = tmp_path / "pwned"
    hostile = f"$(touch {marker}) `touch {marker}`; touch {marker}"
    key = Library(library).import_papers([Paper(title=hostile, authors=["Ann Lee"])]).added[0]
    Library(library).set_note(key, hostile)
    env = {"EDITOR": template.format(script=script, marker=marker), "VISUAL": ""}
    code, _, stderr, _ = run(library, "note", key, env=env)
    assert code == 0, stderr
    args = log.read_text().splitlines()
    assert args[0] == "--flag"
    if ";" in template:
        assert args[1:4] == [";", "touch", str(marker)]  # words, never a shell command
    assert args[-1].endswith(".md") and Path(args[-1]).name.startswith("readlist-note-")
    assert not Path(args[-1]).exists()  # the temp file was cleaned up
    assert Library(library).get(key).notes == "edited by the editor"
    assert not marker.exists()


def test_an_editor_that_fails_or_is_missing_changes_nothing(library: Path, tmp_path: Path) -> None:
    key = Library(library).import_papers([Paper(title="T", authors=["Ann Lee"])]).added[0]
    Library(library).set_note(key, "original")
    before = library.read_bytes()
    for editor in ("false", f'"{tmp_path}/no such editor"', '"unbalanced'):
        code, _, stderr, _ = run(library, "note", key, env={"EDITOR": editor, "VISUAL": ""})
        assert code == 1
        assert_clean_outcome(code, stderr)
    assert library.read_bytes() == before


# -- library paths that cannot be used -----------------------------------------------


def test_a_directory_as_library_gives_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "library.json"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    for args in (["list"], ["import", "--sample"], ["tag", "x", "y"]):
        code, _, stderr, _ = run(folder, *args)
        assert code == 1
        assert_clean_outcome(code, stderr)
        assert "is a directory" in stderr
    assert [p.name for p in folder.iterdir()] == ["precious.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a 0o500 folder")
def test_an_unwritable_folder_gives_a_clear_error_and_loses_nothing(library: Path) -> None:
    key = Library(library).import_papers([Paper(title="T", authors=["Ann Lee"])]).added[0]
    before = library.read_bytes()
    library.parent.chmod(0o500)
    try:
        code, _, stderr, _ = run(library, "tag", key, "x")
    finally:
        library.parent.chmod(0o700)
    assert code == 1
    assert_clean_outcome(code, stderr)
    assert library.read_bytes() == before


def _raise(code: int) -> object:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("target", "code", "expected"),
    [
        ("fsync", errno.ENOSPC, "disk full"),
        ("replace", errno.ENOSPC, "disk full"),
        ("fsync", errno.EIO, "Input/output error"),
        ("mkstemp", errno.EACCES, "Permission denied"),
        ("mkstemp", errno.EROFS, "Read-only file system"),
    ],
)
def test_a_full_disk_or_unwritable_folder_gives_one_clear_line_and_loses_nothing(
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    code: int,
    expected: str,
) -> None:
    """Simulated in-process (as root a real read-only folder cannot be made)."""
    key = Library(library).import_papers([Paper(title="T", authors=["Ann Lee"])]).added[0]
    cli.main(["--library", str(library), "tag", key, "first"])  # today's backup exists now
    capsys.readouterr()
    before = library.read_bytes()
    module = tempfile if target == "mkstemp" else os
    monkeypatch.setattr(module, target, _raise(code))
    status = cli.main(["--library", str(library), "tag", key, "lost"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1, err
    assert err.startswith("readlist: cannot save") and expected in err
    assert library.read_bytes() == before
    assert not [p for p in library.parent.iterdir() if p.name.endswith(".tmp")]
    assert Library(library).get(key).tags == ["first"]
