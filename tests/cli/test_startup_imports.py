"""Each command loads only what it needs: start-up is most of a one-paper command's time.

Measured through the installed command, with Python's own import log
(``PYTHONPROFILEIMPORTTIME``): every module the process imported, not a guess.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from readlist.cli import build_parser, command_function
from readlist.cli.parser import COMMANDS, STATUSES
from readlist.models import Status

LISTING = (
    "CVSep 25, 2023Code\n"
    "Aligning Large Multimodal Models with Factually Augmented RLHF"
    "Zhiqing Sun, Sheng Shen, Shengcao Cao et al. · berkeley, cmu\n"
    "We release code at https://github.com/llava-rlhf/LLaVA-RLHF.\n"
)
#: Never needed by a command on the library's own papers: the interface, the network,
#: Rich's consoles, importers and exporters, and what only an import needs.
HEAVY = (
    "textual",
    "httpx",
    "hishel",
    "rich.console",
    "bibtexparser",
    "pylatexenc",
    "readlist.tui",
    "readlist.net",
    "readlist.importers",
    "readlist.exporters",
    "readlist.kept_exports",
    "readlist.store.importing",
    "readlist.keyformula",
)


def loaded_modules(stderr: str) -> set[str]:
    """The modules a process imported, from its ``-X importtime`` log on stderr."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def loaded(run_cli, *args: str) -> set[str]:
    result = run_cli(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    modules = loaded_modules(result.stderr)
    assert "readlist.cli" in modules  # the log is there
    return modules


def under(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.startswith(prefixes))


@pytest.fixture
def library(run_cli, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_cli("import", str(listing), check=True)


def test_version_loads_no_command_and_no_store(run_cli) -> None:
    modules = loaded(run_cli, "--version")
    assert under(modules, ("readlist.store", "readlist.cli.commands", "readlist.query")) == []
    assert under(modules, ("tinydb", "filelock", "rich", "orjson", *HEAVY)) == []


def test_a_tag_loads_neither_the_query_language_nor_an_import_nor_the_interface(
    run_cli, library: None
) -> None:
    modules = loaded(run_cli, "tag", "sun2023aligning", "toread")
    assert "readlist.store.library" in modules and "filelock" in modules  # it saved
    assert under(modules, HEAVY) == []
    assert under(modules, ("readlist.query", "readlist.view", "readlist.store.index")) == []
    assert under(modules, ("anyascii", "socket", "readlist.cli.render")) == []


def test_a_listing_takes_no_lock_and_loads_no_importer_or_exporter(run_cli, library: None) -> None:
    for query in ((), ("tag:toread",), ("aligning",)):
        modules = loaded(run_cli, "list", *query)
        assert "readlist.query" in modules
        assert under(modules, ("filelock", *HEAVY)) == [], query


def test_every_command_of_the_parser_names_its_function() -> None:
    parsers = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    assert set(parsers.choices) == set(COMMANDS)
    for name in COMMANDS:
        function = command_function(name)
        assert callable(function)
        assert function.__name__ == COMMANDS[name].partition(":")[2]


def test_the_parser_names_the_statuses() -> None:
    assert tuple(status.value for status in Status) == STATUSES
