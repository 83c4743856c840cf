"""Promises of docs/data.md no other test checked: where the library is, its format, the lock."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock

from readlist.models import PAPER_FIELDS
from readlist.paths import lock_path
from readlist.store.storage import LOCK_TIMEOUT_SECONDS

LISTING = (
    "CLJun 13, 2023\n"
    "Where The Library Lives And What It HoldsAnn Lee, Bo Chen · berkeley\n"
    "An abstract that goes to the abstracts file. Code: https://github.com/example/where.\n"
)


def import_listing(command: list[str], tmp_path: Path, *options: str, **env: str) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    subprocess.run(
        [*command, *options, "import", str(listing)],
        env={**os.environ, **env}, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_the_library_option_beats_the_variable_which_beats_the_user_data_folder(
    readlist_command: list[str], tmp_path: Path
) -> None:
    default = Path(os.environ["XDG_DATA_HOME"]) / "readlist" / "library.json"
    from_env = tmp_path / "env" / "library.json"
    from_option = tmp_path / "option" / "library.json"
    import_listing(
        readlist_command, tmp_path, "--library", str(from_option), READLIST_LIBRARY=str(from_env)
    )
    assert from_option.exists() and not from_env.exists() and not default.exists()
    import_listing(readlist_command, tmp_path, READLIST_LIBRARY=str(from_env))
    assert from_env.exists() and not default.exists()
    import_listing(readlist_command, tmp_path)
    assert default.exists()


def test_the_files_are_in_the_documented_format(
    readlist_command: list[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.json"
    import_listing(readlist_command, tmp_path, "--library", str(library))
    raw = library.read_bytes().decode("utf-8")
    assert raw.startswith('{\n  "')  # indented by two spaces
    tables = json.loads(raw)
    assert tables["_readlist"] == {"1": {"schema": 2, "app": "readlist", "kind": "library"}}
    (record,) = tables["papers"].values()
    assert set(record) == (set(PAPER_FIELDS) - {"abstract"}) | {"abstract_ref"}
    assert re.fullmatch(r"[0-9a-f]{20}", record["abstract_ref"])
    assert record["published"] == "2023-06-13" and record["status"] == "unread"
    assert record["links"] == [{"url": "https://github.com/example/where", "kind": "code"}]
    abstracts = json.loads(library.with_name("library.abstracts.json").read_bytes())
    assert abstracts["_readlist"]["1"]["kind"] == "abstracts"
    assert abstracts["abstracts"][record["abstract_ref"]].startswith("An abstract that goes")


@pytest.mark.slow
def test_a_change_waits_for_a_held_lock_then_gives_up_with_one_line_and_changes_nothing(
    readlist_command: list[str], tmp_path: Path
) -> None:
    library = tmp_path / "library.json"
    import_listing(readlist_command, tmp_path, "--library", str(library))
    before = library.read_bytes()
    assert LOCK_TIMEOUT_SECONDS == 15  # the wait docs/data.md promises
    with FileLock(str(lock_path(library))):  # another process holding the lock, as far as it knows
        result = subprocess.run(
            [*readlist_command, "--library", str(library), "mark", "lee2023where", "read"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "is locked by another readlist process; try again" in result.stderr
    assert library.read_bytes() == before
