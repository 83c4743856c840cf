"""A mutation run (mutmut) over the small domain modules, each against its own unit tests.

    python3 benchmarks/mutation.py [--modules query,links] [--max-children 1] [--show]

Not part of the default CI: it takes minutes per module. On its first run it
makes a throwaway virtualenv in ``benchmarks/out/mutation/venv`` with this
project (``.[dev]``) and mutmut 3.8.1. Each module is mutated in a copy of
the project of its own (``benchmarks/out/mutation/<module>/``, where
``mutmut results`` and ``mutmut show NAME`` can be run afterwards), with mutmut's
forkserver isolation and only the module's own unit tests selected, one module
at a time. It prints one score per module: killed / (all mutants - skipped),
where a timeout or a type-check failure counts as killed and a mutant no test
reaches ("no tests") as a survivor. ``--show`` prints each survivor's diff.
The exit status is 0 whatever the scores: docs/testing.md explains the survivors.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "mutation"
VENV = OUT / "venv"
MUTMUT = "mutmut==3.8.1"

#: Module name → (source file, its own unit tests).
MODULES: dict[str, tuple[str, list[str]]] = {
    "query": ("readlist/query.py", ["tests/unit/test_query.py"]),
    "links": ("readlist/links.py", ["tests/unit/test_links.py"]),
    "keys": ("readlist/keys.py", ["tests/unit/test_keys_names.py"]),
    "bibtex": ("readlist/exporters/bibtex.py", ["tests/unit/test_bibtex_export.py"]),
}
# The merge and identity code: skipped, saying so, on a checkout without it.
OPTIONAL_MODULES: dict[str, tuple[str, list[str]]] = {
    "merge": ("readlist/merge.py", ["tests/unit/test_merge.py", "tests/unit/test_import_merge.py"]),
}

# mutmut's exit codes (mutmut/stats.py), grouped the way the score reads them.
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}
SURVIVED = {0, 5, 33}
SKIPPED = {34}


@dataclass
class Score:
    """The outcome of one module's run."""

    module: str
    killed: int
    survived: list[str]
    skipped: int
    other: Counter[str]

    @property
    def total(self) -> int:
        """The mutants that count: all but the skipped ones."""
        return self.killed + len(self.survived) + sum(self.other.values())

    @property
    def percent(self) -> float:
        """The mutation score in percent."""
        return 100.0 * self.killed / self.total if self.total else 0.0


def ensure_venv() -> Path:
    """The throwaway virtualenv's bin folder, made and filled on first use."""
    bin_dir = VENV / "bin"
    marker = VENV / ".installed"
    if marker.exists() and marker.read_text() == MUTMUT:
        return bin_dir
    print(f"making {VENV} (the project and {MUTMUT}) …", flush=True)
    venv.create(VENV, with_pip=True, clear=True)
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-e", f"{ROOT}[dev]", MUTMUT], check=True)
    marker.write_text(MUTMUT)
    return bin_dir


def prepare(name: str, source: str, tests: list[str]) -> Path:
    """A fresh copy of the project for one module, with mutmut configured for it."""
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "__snapshots__", "*.pyc")
    shutil.copytree(ROOT / "readlist", work / "readlist", ignore=ignore)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    settings = (
        "\n[tool.mutmut]\n"
        'source_paths = ["readlist"]\n'
        f"only_mutate = [{json.dumps(source)}]\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
        'process_isolation = "forkserver"\n'
        "use_git_change_detection = false\n"
    )
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(pyproject + settings, encoding="utf-8")
    return work


def score(name: str, work: Path, source: str) -> Score:
    """Read the verdicts mutmut wrote for ``source``."""
    meta = json.loads((work / "mutants" / f"{source}.meta").read_text(encoding="utf-8"))
    killed = skipped = 0
    survived: list[str] = []
    other: Counter[str] = Counter()
    for mutant, code in sorted(meta["exit_code_by_key"].items()):
        if code in KILLED:
            killed += 1
        elif code in SURVIVED:
            survived.append(mutant)
        elif code in SKIPPED:
            skipped += 1
        else:
            other[f"exit code {code}"] += 1
    return Score(name, killed, survived, skipped, other)


def run_module(bin_dir: Path, name: str, max_children: int, show: bool) -> Score | None:
    """Mutate one module, run its tests against each mutant, and score it."""
    source, tests = {**MODULES, **OPTIONAL_MODULES}[name]
    if not (ROOT / source).exists() or not all((ROOT / test).exists() for test in tests):
        print(f"{name}: skipped, {source} or its tests are missing", flush=True)
        return None
    work = prepare(name, source, tests)
    log = work / "mutmut.log"
    started = time.monotonic()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("w") as out:
        subprocess.run(
            [str(bin_dir / "mutmut"), "run", "--max-children", str(max_children)],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    minutes = (time.monotonic() - started) / 60
    try:
        result = score(name, work, source)
    except FileNotFoundError:
        print(f"{name}: mutmut produced no results; see {log}", flush=True)
        return None
    extra = "".join(f", {count} {kind}" for kind, count in sorted(result.other.items()))
    print(
        f"{name:8} {source:32} {result.percent:5.1f}%  "
        f"killed {result.killed}/{result.total}, survived {len(result.survived)}"
        f"{extra} ({minutes:.1f} min)",
        flush=True,
    )
    for mutant in result.survived:
        print(f"    survived: {mutant}", flush=True)
        if show:
            diff = subprocess.run(
                [str(bin_dir / "mutmut"), "show", mutant],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            print("      " + diff.stdout.strip().replace("\n", "\n      "), flush=True)
    return result


def main() -> int:
    """Run the modules asked for, one after the other."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--modules",
        default=",".join([*MODULES, *OPTIONAL_MODULES]),
        help="comma-separated, from: " + ", ".join([*MODULES, *OPTIONAL_MODULES]),
    )
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (1)")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    args = parser.parse_args()
    names = [name.strip() for name in args.modules.split(",") if name.strip()]
    unknown = [name for name in names if name not in {**MODULES, **OPTIONAL_MODULES}]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}")
    bin_dir = ensure_venv()
    for name in names:
        run_module(bin_dir, name, args.max_children, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
