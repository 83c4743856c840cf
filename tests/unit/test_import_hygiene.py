"""Nothing outside readlist/tui imports textual; the store is the only tinydb user."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "readlist"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_textual_outside_tui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tui" not in path.relative_to(PACKAGE).parts and "textual" in _imports(path)
    ]
    assert offenders == []


def test_only_the_store_package_imports_tinydb() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tinydb" in _imports(path)
    )
    assert users == ["store/library.py", "store/storage.py"]


def _loaded_after_the_cli(prefixes: tuple[str, ...], then_import: str = "") -> str:
    """The modules starting with ``prefixes`` loaded, in a fresh Python, by the CLI's parser.

    ``then_import``: modules imported after it too. Printed as a sorted list.
    """
    code = (
        "import sys\n"
        "from readlist import cli\n"
        "cli.build_parser()\n"
        + (f"import {then_import}\n" if then_import else "")
        + f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_cli_commands_run_without_loading_textual() -> None:
    stores = "readlist.importers, readlist.exporters, readlist.store"
    assert _loaded_after_the_cli(("textual",), then_import=stores) == "[]"


def test_the_cli_names_the_importers_formats() -> None:
    from readlist.cli.parser import IMPORT_FORMATS
    from readlist.importers import FORMATS

    assert IMPORT_FORMATS == FORMATS


def test_a_triage_command_loads_neither_importers_nor_exporters() -> None:
    loaded = ("readlist.importers", "readlist.exporters", "bibtexparser", "pylatexenc")
    assert _loaded_after_the_cli(loaded) == "[]"
