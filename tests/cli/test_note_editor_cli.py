"""``readlist note KEY`` in $EDITOR: saved against the note it started from, never lost."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from readlist.models import Paper
from readlist.store import Library
from readlist.store.drafts import list_drafts
from readlist.textmerge import OURS_MARKER, THEIRS_MARKER

EDITOR = Path(__file__).resolve().parents[1] / "scripted_editor.py"


@pytest.fixture
def key(library_file: Path) -> str:
    library = Library(library_file)
    (key,) = library.import_papers([Paper(title="Noted Paper", authors=["Ada Lovelace"])]).added
    library.set_note(key, "original")
    return key


def editor_env(**settings: str) -> dict[str, str]:
    """``$EDITOR`` is the scripted editor (run through shlex, never a shell)."""
    return {
        "EDITOR": shlex.join([sys.executable, str(EDITOR)]),
        "VISUAL": "",
        **{f"SCRIPTED_{name.upper()}": value for name, value in settings.items()},
    }


def meanwhile(readlist_command: list[str], library: Path, *args: str) -> str:
    return json.dumps([*readlist_command, "--library", str(library), *args])


def notes(library: Path, key: str) -> str:
    return Library(library).get(key).notes


def test_an_append_while_the_editor_is_open_is_merged_not_lost(
    run_cli, readlist_command: list[str], library_file: Path, key: str
) -> None:
    env = editor_env(
        meanwhile=meanwhile(readlist_command, library_file, "note", key, "--append", "X"),
        text="more from the editor",
    )
    result = run_cli("note", key, env=env)
    assert result.returncode == 0, result.stderr
    assert "merged with a change saved meanwhile" in result.stdout
    assert notes(library_file, key) == "original\n\nX\nmore from the editor"


def test_another_editor_changing_the_same_line_keeps_both_versions(
    run_cli, readlist_command: list[str], library_file: Path, key: str
) -> None:
    other = editor_env(edit="replace", text="the other editor's line\n")
    inner = json.dumps(
        ["env", *(f"{k}={v}" for k, v in other.items()), *json.loads(
            meanwhile(readlist_command, library_file, "note", key)
        )]
    )  # fmt: skip
    result = run_cli("note", key, env=editor_env(edit="replace", text="my line\n", meanwhile=inner))
    assert result.returncode == 0, result.stderr
    assert "both versions" in result.stdout
    assert notes(library_file, key).split("\n") == [
        OURS_MARKER,
        "my line",
        "=======",
        "the other editor's line",
        THEIRS_MARKER,
    ]


def test_the_file_handed_to_the_editor_ends_with_a_newline(
    run_cli, library_file: Path, key: str, tmp_path: Path
) -> None:
    record = tmp_path / "handed.md"
    result = run_cli("note", key, env=editor_env(record=str(record), text="second line"))
    assert result.returncode == 0, result.stderr
    assert record.read_bytes() == b"original\n"
    assert notes(library_file, key) == "original\nsecond line"


def test_a_latin1_file_from_the_editor_is_read_with_a_warning(
    run_cli, library_file: Path, key: str
) -> None:
    result = run_cli("note", key, env=editor_env(edit="latin1", text="café crème\n"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "read as Latin-1" in result.stderr
    assert notes(library_file, key) == "café crème"


@pytest.mark.parametrize(
    ("edit", "message"),
    [("delete", "removed the note file"), ("directory", "replaced the note file")],
)
def test_an_editor_that_takes_the_file_away_is_one_clear_error_and_a_draft(
    run_cli, library_file: Path, key: str, edit: str, message: str
) -> None:
    result = run_cli("note", key, env=editor_env(edit=edit))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    (draft,) = list_drafts(library_file)
    assert draft.read_text(encoding="utf-8") == "original\n"
    assert str(draft) in result.stderr
    assert notes(library_file, key) == "original"


def test_a_failed_save_keeps_the_text_as_a_draft_and_the_temp_file(
    run_cli, library_file: Path, key: str
) -> None:
    # While the editor is open the library file is damaged: the save must refuse it.
    damage = json.dumps([sys.executable, "-c", f"open({str(library_file)!r}, 'w').write('{{')"])
    result = run_cli("note", key, env=editor_env(meanwhile=damage, text="typed, unsaved"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not valid JSON" in result.stderr
    (draft,) = list_drafts(library_file)
    assert draft.read_text(encoding="utf-8") == "original\ntyped, unsaved\n"
    kept = result.stderr.split(" and in ")[1].split()[0]
    assert Path(kept).read_text(encoding="utf-8") == "original\ntyped, unsaved\n"
    Path(kept).unlink()


def test_doctor_lists_unsaved_drafts(run_cli, library_file: Path, key: str) -> None:
    run_cli("note", key, env=editor_env(edit="delete"))
    (draft,) = list_drafts(library_file)
    result = run_cli("doctor")
    assert f"warning: unsaved note draft {draft}" in result.stdout
