"""The mutations issue 9 names, applied one by one by hand: each must fail its module's tests.

    python3 benchmarks/mutation_named.py

Each bug below once passed the whole suite. For each, a scratch copy of the
project gets that one change and the module's own unit tests run against it
(the copy comes first on ``PYTHONPATH``); the line says ``killed`` when they
fail. The exit status is the number of mutations that were not killed. A
mutation whose text is no longer in the source is reported, not silently
skipped: update this list when the code moves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKS, QUERY, BIBTEX = "readlist/links.py", "readlist/query.py", "readlist/exporters/bibtex.py"
LINKS_TESTS = "tests/unit/test_links.py"
QUERY_TESTS = "tests/unit/test_query.py"
BIBTEX_TESTS = "tests/unit/test_bibtex_export.py"
BARE_HF_GUARD = (
    "    if not segments:\n"
    "        return LinkKind.OTHER  # the site's front page, not a project's\n"
)

#: (what goes wrong, file, [(text, replacement), …], tests that must fail).
MUTATIONS: list[tuple[str, str, list[tuple[str, str]], str]] = [
    (
        "safe_url without the backslash check",
        LINKS,
        [
            (
                'any(_unsafe_char(c) for c in url) or "\\\\" in url',
                "any(_unsafe_char(c) for c in url)",
            )
        ],
        LINKS_TESTS,
    ),
    (
        "a bare https://huggingface.co raising IndexError",
        LINKS,
        [
            (BARE_HF_GUARD, ""),
            ('    if segments and segments[0] in ("papers"', '    if segments[0] in ("papers"'),
        ],
        LINKS_TESTS,
    ),
    ("a bare https://huggingface.co a project page", LINKS, [(BARE_HF_GUARD, "")], LINKS_TESTS),
    (
        "http:// links no longer classed",
        LINKS,
        [('not in ("http", "https") or not host:', 'not in ("https",) or not host:')],
        LINKS_TESTS,
    ),
    (
        "the URL scheme read with re.IGNORECASE ('httpſ://')",
        LINKS,
        [('r"[Hh][Tt][Tt][Pp][Ss]?://', '"(?i:https?)://" r"')],
        LINKS_TESTS,
    ),
    (
        "year:2020..2022 returning only 2022",
        QUERY,
        [("low, high = int(span.group(1))", "low, high = int(span.group(2))")],
        QUERY_TESTS,
    ),
    (
        "year:> off by one",
        QUERY,
        [('">": lambda y: y > year', '">": lambda y: y >= year')],
        QUERY_TESTS,
    ),
    (
        "year:>= off by one",
        QUERY,
        [('">=": lambda y: y >= year', '">=": lambda y: y > year')],
        QUERY_TESTS,
    ),
    (
        "year:< off by one",
        QUERY,
        [('"<": lambda y: y < year', '"<": lambda y: y <= year')],
        QUERY_TESTS,
    ),
    (
        "year:<= off by one",
        QUERY,
        [('"<=": lambda y: y <= year', '"<=": lambda y: y < year')],
        QUERY_TESTS,
    ),
    (
        "code:yes requiring both the flag and a link",
        QUERY,
        [
            (
                'paper.has_code or paper.code_url is not None\n    if answer in ("no"',
                'paper.has_code and paper.code_url is not None\n    if answer in ("no"',
            )
        ],
        QUERY_TESTS,
    ),
    ("is:/has: aliases turned off", QUERY, [("name = _ALIASES.get(name, name)", "")], QUERY_TESTS),
    (
        "--ascii leaving UTF-8 in keywords",
        BIBTEX,
        [('latex_value(", ".join(paper.tags), ascii=ascii)', 'latex_value(", ".join(paper.tags))')],
        BIBTEX_TESTS,
    ),
    (
        "--ascii leaving UTF-8 in the URL",
        BIBTEX,
        [("url_value(url, ascii=ascii)", "url_value(url)")],
        BIBTEX_TESTS,
    ),
    (
        "--ascii leaving UTF-8 in imported URL fields",
        BIBTEX,
        [("url_value(str(raw), ascii=ascii)", "url_value(str(raw))")],
        BIBTEX_TESTS,
    ),
    (
        "--ascii leaving UTF-8 in imported LaTeX fields",
        BIBTEX,
        [("raw_value(str(raw), ascii=ascii)", "raw_value(str(raw))")],
        BIBTEX_TESTS,
    ),
]


def copy_project(scratch: Path) -> None:
    """A fresh copy of the code and the tests in ``scratch``."""
    shutil.rmtree(scratch, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "__snapshots__")
    shutil.copytree(ROOT / "readlist", scratch / "readlist", ignore=ignore)
    shutil.copytree(ROOT / "tests", scratch / "tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", scratch / "pyproject.toml")


def run_tests(scratch: Path, tests: str) -> int:
    """pytest's exit status for ``tests`` run on the copy."""
    env = {**os.environ, "PYTHONPATH": str(scratch)}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", tests]
    return subprocess.run(
        command, cwd=scratch, env=env, capture_output=True, check=False
    ).returncode


def main() -> int:
    """Apply each mutation in turn; count those the tests miss."""
    missed = 0
    with tempfile.TemporaryDirectory(prefix="readlist-mutation-") as folder:
        scratch = Path(folder) / "project"
        copy_project(scratch)
        for tests in sorted({tests for *_, tests in MUTATIONS}):
            if run_tests(scratch, tests) != 0:
                print(f"the unmutated code fails {tests}: fix that first")
                return len(MUTATIONS)
        for name, path, edits, tests in MUTATIONS:
            copy_project(scratch)
            source = scratch / path
            text = source.read_text(encoding="utf-8")
            stale = [old for old, _ in edits if text.count(old) != 1]
            if stale:
                print(f"STALE     {name}: {stale[0]!r} is not in {path} exactly once")
                missed += 1
                continue
            for old, new in edits:
                text = text.replace(old, new)
            source.write_text(text, encoding="utf-8")
            status = run_tests(scratch, tests)
            missed += status != 1
            verdict = "killed" if status == 1 else f"MISSED (pytest exit {status})"
            print(f"{verdict:9} {name}  [{tests}]", flush=True)
    return missed


if __name__ == "__main__":
    sys.exit(main())
