"""The import-linter contracts name every module of readlist/; a long module says why it is."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "readlist"


def _top_level_modules() -> set[str]:
    """``cli``, ``store``, ``view``…: each package and module directly under readlist/."""
    names = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    return names


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_every_module_sits_in_a_layer() -> None:
    (layers,) = [c for c in _contracts() if c.get("containers") == ["readlist"]]
    assert isinstance(layers["layers"], list)
    named = {
        name.strip("() ")
        for layer in layers["layers"]
        for name in re.split(r"[|:]", str(layer))
        if name.strip()
    }
    assert _top_level_modules() - named == set()


def test_textual_and_tinydb_are_each_kept_inside_one_package() -> None:
    protected = {
        str(c["protected_modules"]): c["allowed_importers"]
        for c in _contracts()
        if c["type"] == "protected"
    }
    assert protected == {"['textual']": ["readlist.tui"], "['tinydb']": ["readlist.store"]}


def test_every_module_over_400_lines_says_why_in_its_docstring() -> None:
    import ast

    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") <= 400:
            continue
        docstring = ast.get_docstring(ast.parse(source)) or ""
        if "Why" not in docstring:
            unexplained.append(str(path.relative_to(ROOT)))
    assert unexplained == []
