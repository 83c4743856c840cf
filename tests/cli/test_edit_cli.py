"""``readlist edit KEY``: metadata as a BibTeX entry in $EDITOR, through the real command."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from readlist.models import Paper
from readlist.store import Library
from readlist.store.drafts import list_drafts
from tests.conftest import RunCLI

EDITOR = Path(__file__).resolve().parents[1] / "entry_editor.py"

BIB = """
@article{lee2024sparse, title={Sparse Attention}, author={Lee, Ann}, year=2024,
  journal={Journal of Sparsity}, keywords={ml},
  abstract={About sparse attention.}}
@article{ng2023dense, title={Dense Retrieval}, author={Ng, Bo}, year=2023}
"""


def editing(tmp_path: Path, *steps: dict[str, object]) -> dict[str, str]:
    """The environment for the scripted editor doing ``steps``, one per opening."""
    return {
        "EDITOR": shlex.join([sys.executable, str(EDITOR)]),
        "VISUAL": "",
        "ENTRY_EDITS": json.dumps(list(steps)),
        "ENTRY_STATE": str(tmp_path / "editor-state"),
    }


def handed(tmp_path: Path) -> list[str]:
    """The texts the editor was handed, in order."""
    state = tmp_path / "editor-state"
    count = int(state.read_text()) if state.exists() else 0
    return [Path(f"{state}.{n}").read_text(encoding="utf-8") for n in range(1, count + 1)]


def shown(run_cli: RunCLI, key: str) -> dict[str, object]:
    return json.loads(run_cli("show", key, "--json", check=True).stdout)  # type: ignore[no-any-return]


def test_an_edit_saves_the_fields_changed_and_marks_them_as_the_users(
    run_cli: RunCLI, tmp_path: Path
) -> None:
    run_cli("import", "-", input=BIB, check=True)
    env = editing(
        tmp_path,
        {
            "replace": [
                ["{Sparse Attention}", "{Sparse Attention, Revisited}"],
                ["{Journal of Sparsity}", "{Sparsity Letters}"],
            ]
        },
    )
    result = run_cli("edit", "lee2024", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "lee2024sparse: saved title, journal\n"
    (text,) = handed(tmp_path)
    assert text.startswith("% readlist edit:") and "@article{lee2024sparse," in text
    paper = shown(run_cli, "lee2024sparse")
    assert paper["title"] == "Sparse Attention, Revisited"
    assert paper["edited"] == ["journal", "title"]
    assert paper["abstract"] == "About sparse attention."  # untouched fields stay
    exported = run_cli("export", "bibtex", "--keys", "lee2024sparse", check=True).stdout
    assert "Sparsity Letters" in exported and "Journal of Sparsity" not in exported


def test_a_later_import_keeps_the_values_the_user_edited(run_cli: RunCLI, tmp_path: Path) -> None:
    run_cli("import", "-", input=BIB, check=True)
    env = editing(tmp_path, {"replace": [["{Journal of Sparsity}", "{Sparsity Letters}"]]})
    run_cli("edit", "lee2024sparse", env=env, check=True)
    again = BIB.replace("Journal of Sparsity", "Journal of Sparsity, 2nd series").replace(
        "About sparse", "Newly about sparse"
    )
    run_cli("import", "-", input=again, check=True)
    paper = shown(run_cli, "lee2024sparse")
    assert paper["source"]["fields"]["journal"] == "Sparsity Letters"  # type: ignore[index]
    assert paper["abstract"] == "Newly about sparse attention."  # not edited: the import wins


def test_an_invalid_entry_reopens_with_its_errors_until_it_is_valid(
    run_cli: RunCLI, tmp_path: Path
) -> None:
    run_cli("import", "-", input=BIB, check=True)
    env = editing(
        tmp_path,
        {"replace": [["title = {Sparse Attention}", "tilte = {Sparse Attention}"]]},
        {"replace": [["tilte = ", "title = "], ["@article{lee2024sparse,", "@article{,"]]},
        {
            "replace": [
                ["@article{,", "@article{lee2024sparse,"],
                ["{Lee, Ann}", "{Lee, Ann and Kim, Bo}"],
            ]
        },
    )
    result = run_cli("edit", "lee2024sparse", env=env)
    assert result.returncode == 0, result.stderr
    _, second, third = handed(tmp_path)
    assert second.startswith("% error: the entry has no title: add a title = {…} field\n%")
    assert third.startswith("% error: the entry has no key: write it after the type")
    assert "has no title" not in third  # fixed errors go
    errors = [line for line in result.stderr.splitlines() if line.startswith("readlist: ")]
    assert len(errors) == 2, result.stderr  # one line per error, each time
    assert result.stdout == "lee2024sparse: saved author\n"
    assert shown(run_cli, "lee2024sparse")["authors"] == ["Ann Lee", "Bo Kim"]


def test_two_entries_are_refused_and_giving_up_changes_nothing(
    run_cli: RunCLI, tmp_path: Path, library_file: Path
) -> None:
    run_cli("import", "-", input=BIB, check=True)
    before = library_file.read_bytes()
    env = editing(tmp_path, {"write": "@misc{a, title={A}}\n@misc{b, title={B}}\n"}, {})
    result = run_cli("edit", "lee2024sparse", env=env)
    assert result.returncode == 0, result.stderr
    assert "the file holds 2 entries; keep exactly one" in result.stderr
    assert result.stdout == "lee2024sparse: nothing changed\n"  # saved unchanged: gave up
    assert library_file.read_bytes() == before
    env = editing(tmp_path / "again", {"write": "% nothing\n"})
    (tmp_path / "again").mkdir()
    assert run_cli("edit", "lee2024sparse", env=env, check=True).stdout.endswith(
        "nothing changed\n"
    )
    assert library_file.read_bytes() == before


def test_a_new_key_is_a_rekey_and_a_taken_one_is_refused(run_cli: RunCLI, tmp_path: Path) -> None:
    run_cli("import", "-", input=BIB, check=True)
    env = editing(tmp_path, {"replace": [["{lee2024sparse,", "{lee2024revisited,"]]})
    result = run_cli("edit", "lee2024sparse", env=env)
    assert result.returncode == 0, result.stderr
    assert "now lee2024revisited; lee2024sparse is an alias" in result.stdout
    assert shown(run_cli, "lee2024sparse")["key"] == "lee2024revisited"  # the alias finds it
    taken = tmp_path / "taken"
    taken.mkdir()
    env = editing(taken, {"replace": [["{lee2024revisited,", "{ng2023dense,"]]})
    result = run_cli("edit", "lee2024revisited", env=env)
    assert result.returncode == 1
    assert "key 'ng2023dense' is taken" in result.stderr
    assert "Traceback" not in result.stderr
    assert shown(run_cli, "ng2023dense")["title"] == "Dense Retrieval"


def test_a_change_to_the_same_field_meanwhile_refuses_the_save_and_keeps_a_draft(
    run_cli: RunCLI, readlist_command: list[str], tmp_path: Path, library_file: Path
) -> None:
    run_cli("import", "-", input=BIB, check=True)
    other = "Sparse Attention (other machine)"
    (tmp_path / "other").mkdir()
    other_editor = editing(
        tmp_path / "other", {"replace": [["{Sparse Attention}", f"{{{other}}}"]]}
    )
    meanwhile = [  # another `readlist edit` of the same title, saved while ours is open
        "env",
        *(f"{name}={value}" for name, value in other_editor.items()),
        *readlist_command,
        *("--library", str(library_file), "edit", "lee2024sparse"),
    ]
    env = editing(
        tmp_path,
        {"meanwhile": meanwhile, "replace": [["{Sparse Attention}", "{Sparse Attention, Mine}"]]},
    )
    result = run_cli("edit", "lee2024sparse", env=env)
    assert result.returncode == 1
    assert "title changed in the library while you edited; nothing was saved" in result.stderr
    assert shown(run_cli, "lee2024sparse")["title"] == other
    (draft,) = list_drafts(library_file)
    assert draft.suffix == ".bib" and "Sparse Attention, Mine" in draft.read_text()


def test_a_change_to_other_fields_meanwhile_is_kept_with_the_edit(
    run_cli: RunCLI, readlist_command: list[str], tmp_path: Path, library_file: Path
) -> None:
    run_cli("import", "-", input=BIB, check=True)
    meanwhile = [*readlist_command, "--library", str(library_file), "tag", "lee2024sparse", "new"]
    env = editing(
        tmp_path,
        {"meanwhile": meanwhile, "replace": [["keywords = {ml}", "keywords = {ml, sparse}"]]},
    )
    result = run_cli("edit", "lee2024sparse", env=env)
    assert result.returncode == 0, result.stderr
    assert shown(run_cli, "lee2024sparse")["tags"] == ["ml", "new", "sparse"]


def test_undo_reverses_an_edit_rekey_included(run_cli: RunCLI, tmp_path: Path) -> None:
    run_cli("import", "-", input=BIB, check=True)
    env = editing(
        tmp_path,
        {"replace": [["{lee2024sparse,", "{lee2024new,"], ["{Sparse Attention}", "{Renamed}"]]},
    )
    run_cli("edit", "lee2024sparse", env=env, check=True)
    history = run_cli("history", "--limit", "1", check=True).stdout
    assert "edit lee2024sparse" in history
    result = run_cli("undo", check=True)
    assert result.stdout.startswith("undid edit lee2024sparse")
    paper = shown(run_cli, "lee2024sparse")
    assert (paper["key"], paper["title"], paper["edited"]) == (
        "lee2024sparse",
        "Sparse Attention",
        [],
    )


def test_a_failing_editor_changes_nothing(
    run_cli: RunCLI, tmp_path: Path, library_file: Path
) -> None:
    library = Library(library_file)
    (key,) = library.import_papers([Paper(title="From a Listing", authors=["Ada Lovelace"])]).added
    before = library_file.read_bytes()
    result = run_cli("edit", key, env=editing(tmp_path, {"fail": 3}))
    assert result.returncode == 1
    assert "exited with status 3; entry not changed" in result.stderr
    assert library_file.read_bytes() == before
