"""Commands run in-process against an injected Environment: its streams, variables and tools."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from readlist.cli import Environment, main
from readlist.launch import EditedText
from readlist.models import Paper
from readlist.store import Library

BIB = b"""@article{lora2021,
  title = {LoRA: Low-Rank Adaptation of Large Language Models},
  author = {Hu, Edward},
  year = {2021},
}
"""


class Run:
    """One in-process run: its environment, and what it wrote."""

    def __init__(
        self,
        library: Path,
        *,
        stdin: bytes = b"",
        environ: dict[str, str] | None = None,
        **options: object,
    ) -> None:
        self.stdout, self.stderr = io.StringIO(), io.StringIO()
        self.library = library
        self.env = Environment(
            stdout=self.stdout,
            stderr=self.stderr,
            stdin=io.BytesIO(stdin),
            environ={"NO_COLOR": "1", "COLUMNS": "100"} if environ is None else environ,
            **options,  # type: ignore[arg-type]
        )

    def __call__(self, *args: str) -> int:
        return main(["--library", str(self.library), *args], self.env)


def test_import_reads_the_environments_stdin_and_writes_its_stdout(
    library_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Run(library_file, stdin=BIB)
    assert run("import", "-") == 0
    assert (
        run.stdout.getvalue() == "<stdin> (bibtex): added 1, updated 0, unchanged 0, 0 warnings\n"
    )
    assert "lora2021" in [p.key for p in Library(library_file).papers()]
    assert capsys.readouterr() == ("", "")  # nothing reached the process's own streams


def test_list_is_a_table_on_a_terminal_and_plain_lines_in_a_pipe(library_file: Path) -> None:
    Library(library_file).import_papers([Paper(key="lora", title="LoRA", published="2021")])
    piped = Run(library_file, stdout_isatty=False)
    assert piped("list") == 0
    assert "of 1 papers" not in piped.stdout.getvalue()
    terminal = Run(library_file, stdout_isatty=True)
    assert terminal("list") == 0
    assert "1 of 1 papers" in terminal.stdout.getvalue()
    assert "\x1b[" not in terminal.stdout.getvalue().splitlines()[0]  # NO_COLOR: no colours
    coloured = Run(library_file, stdout_isatty=True, environ={"COLUMNS": "100"})
    assert coloured("list") == 0
    assert "\x1b[" in coloured.stdout.getvalue().splitlines()[0]


def test_the_library_comes_from_the_environments_variables(tmp_path: Path) -> None:
    library = tmp_path / "from-env.json"
    Library(library).import_papers([Paper(key="lora", title="LoRA")])
    stdout = io.StringIO()
    env = Environment(
        stdout=stdout, stderr=io.StringIO(), environ={"READLIST_LIBRARY": str(library)}
    )
    assert main(["list", "--json"], env) == 0
    assert [p["key"] for p in json.loads(stdout.getvalue())] == ["lora"]


def test_usage_errors_go_to_the_environments_stderr_as_a_status(library_file: Path) -> None:
    run = Run(library_file)
    assert run("list", "year:") == 2
    assert run.stderr.getvalue() == (
        "readlist: 'year:' at position 1 needs a value (for example year:>=2023)\n"
    )
    assert run("no-such-command") == 2
    assert "invalid choice" in run.stderr.getvalue()


def test_note_runs_the_environments_editor(library_file: Path, tmp_path: Path) -> None:
    Library(library_file).import_papers([Paper(key="lora", title="LoRA", notes="old")])
    seen: list[str] = []

    def editor(text: str) -> EditedText:
        seen.append(text)
        file = tmp_path / "note.md"
        file.write_text("new note\n", encoding="utf-8")
        return EditedText("new note\n", file)

    run = Run(library_file, edit_text=editor)
    assert run("note", "lora") == 0
    assert seen == ["old"]
    assert run.stdout.getvalue() == "lora: note saved\n"
    assert Library(library_file).get("lora").notes == "new note"


def test_open_hands_the_checked_url_to_the_environments_browser(library_file: Path) -> None:
    paper = Paper(key="lora", title="LoRA")
    Library(library_file).import_papers([paper])
    opened: list[str] = []
    run = Run(library_file, open_url=opened.append)
    assert run("open", "lora", "--paper") == 0
    assert len(opened) == 1 and opened[0].startswith("https://")
    assert run.stdout.getvalue() == f"opening {opened[0]}\n"


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone (``| head``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_closed_pipe_in_the_environment_ends_quietly(library_file: Path) -> None:
    Library(library_file).import_papers([Paper(key="lora", title="LoRA")])
    stderr = io.StringIO()
    env = Environment(stdout=ClosedPipe(), stderr=stderr, environ={}, stdout_isatty=False)
    assert main(["--library", str(library_file), "list"], env) == 0
    assert stderr.getvalue() == ""
