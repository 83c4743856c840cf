"""readlist, cobib and pubs side by side: the same steps on the same generated ``.bib``.

    python benchmarks/peers.py [--size 10000] [--runs 3] [--cache DIR] [--write]

Installs cobib and pubs from PyPI into throwaway virtual environments (in a
temporary folder, or kept in ``--cache DIR`` for the next run), writes the
seeded ``papers-<size>.bib`` of ``benchmarks/generate.py``, and runs each tool's
own CLI with a home, config and data folder of its own (``HOME`` and ``XDG_*``
point into a temporary folder, so no real library is touched). readlist is the
``readlist`` beside this Python (this checkout, installed with ``pip -e``).

Every step is a fresh process; its wall time and CPU time (user + system, from
``wait4``) are taken, and the median of ``--runs`` runs is reported (the import
runs once: it is the slow step of the peers). The machine may be shared, so the
CPU time is shown too: it moves much less than the wall time when other work
competes for the cores. Optional: not part of the test suite, and it needs the
network to install the peers. ``--write`` replaces the peers section of
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_bib  # noqa: E402
from run import machine, wait_for, write_doc  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- peers:start -->", "<!-- peers:end -->"
WORD = "attention"
TAG = "toread"
#: What each peer is installed with. pubs 0.9 still uses the bibtexparser 1 API
#: (``bibtexparser.bparser``), which pip does not pin for it.
PEER_PACKAGES = {"cobib": ["cobib"], "pubs": ["pubs", "bibtexparser<2"]}
STEP_TIMEOUT = 1800.0

#: The steps, in the order they run (each after the one before it, on the same library).
STEPS = (
    "import the .bib",
    "list all",
    "free-word query",
    "tag one paper",
    "tag query",
    "export BibTeX",
)


@dataclass
class Run:
    """One process: wall and CPU seconds, and whether it succeeded."""

    wall: float
    cpu: float
    ok: bool
    error: str = ""


@dataclass
class Tool:
    """How one tool does each step: a command line per step (``None``: no such step)."""

    name: str
    version: str
    env: dict[str, str]
    commands: dict[str, Callable[[int], list[str]] | None]
    notes: dict[str, str] = field(default_factory=dict)
    setup: list[list[str]] = field(default_factory=list)


def run(command: list[str], env: dict[str, str], stdout: Path | None = None) -> Run:
    """Run ``command`` to the end; its wall time and CPU time (user + system)."""
    sink = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 - closed below
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=sink, stderr=errors, env=env
    )
    status, usage = wait_for(process, start + STEP_TIMEOUT)
    wall = time.perf_counter() - start
    if stdout:
        sink.close()  # type: ignore[union-attr]
    errors.seek(0)
    tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
    errors.close()
    code = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, code == 0, f"exit {code}: {tail}")


def isolated_env(home: Path) -> dict[str, str]:
    """An environment whose home, config, data, cache and state folders are under ``home``."""
    # Bytecode caches as installed tools have them (pip compiles them at install).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "READLIST_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        NO_COLOR="1",
        COLUMNS="160",
        EDITOR="true",
        BROWSER="true",
    )
    home.mkdir(parents=True, exist_ok=True)
    return env


def install(name: str, cache: Path) -> Path:
    """A virtual environment holding the peer ``name`` (made once per cache folder)."""
    venv = cache / f"venv-{name}"
    python = venv / "bin" / "python"
    if not python.exists():
        sys.stderr.write(f"installing {name} into {venv}\n")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES[name]],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return venv


def version_of(venv: Path, package: str) -> str:
    """The installed version of ``package`` in ``venv``."""
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "?"


def first_key(bib: Path) -> str:
    """The citation key of the first entry of ``bib`` (every tool keeps it as written)."""
    with bib.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("@") and "{" in line:
                return line.split("{", 1)[1].split(",", 1)[0].strip()
    raise SystemExit(f"{bib} has no entry")


def tag(run_number: int) -> str:
    """The tag the ``tag`` step adds: the one the tag query looks for, then new ones."""
    return TAG if run_number == 0 else f"bench-{run_number}"


def readlist_tool(work: Path, bib: Path, key: str) -> Tool:
    """readlist from this checkout, with its library in ``work``."""
    script = Path(sys.executable).with_name("readlist")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "readlist"]
    base += ["--library", str(work / "library.json")]
    from readlist import __version__

    return Tool(
        "readlist",
        __version__,
        isolated_env(work / "home"),
        {
            "import the .bib": lambda n: [*base, "import", str(bib)],
            "list all": lambda n: [*base, "list"],
            "free-word query": lambda n: [*base, "list", WORD],
            "tag one paper": lambda n: [*base, "tag", key, tag(n)],
            "tag query": lambda n: [*base, "list", f"tag:{TAG}"],
            "export BibTeX": lambda n: [*base, "export", "bibtex", "-o", str(work / "out.bib")],
        },
    )


def cobib_tool(venv: Path, work: Path, bib: Path, key: str) -> Tool:
    """cobib, with its database under ``work``."""
    cobib = str(venv / "bin" / "cobib")
    return Tool(
        "cobib",
        version_of(venv, "cobib"),
        isolated_env(work / "home"),
        {
            "import the .bib": lambda n: [cobib, "add", "--skip-download", "-b", str(bib)],
            "list all": lambda n: [cobib, "list"],
            "free-word query": lambda n: [cobib, "search", WORD],
            "tag one paper": lambda n: [cobib, "modify", "-a", "-s", f"tags:{tag(n)}", "--", key],
            "tag query": lambda n: [cobib, "list", "++tags", TAG],
            "export BibTeX": lambda n: [cobib, "export", "--bibtex", "--", str(work / "out.bib")],
        },
        notes={"free-word query": "`search` (all fields)"},
        setup=[[cobib, "init"]],
    )


def pubs_tool(venv: Path, work: Path, bib: Path, key: str) -> Tool:
    """pubs, with its repository and configuration under ``work``."""
    config = work / "pubsrc"
    pubs = [str(venv / "bin" / "pubs"), "-c", str(config)]
    return Tool(
        "pubs",
        version_of(venv, "pubs"),
        isolated_env(work / "home"),
        {
            "import the .bib": lambda n: [*pubs, "import", str(bib)],
            "list all": lambda n: [*pubs, "list"],
            # pubs has no free-word search: its nearest is a title query.
            "free-word query": lambda n: [*pubs, "list", f"title:{WORD}"],
            "tag one paper": lambda n: [*pubs, "tag", key, tag(n)],
            "tag query": lambda n: [*pubs, "list", f"tags:{TAG}"],
            "export BibTeX": lambda n: [*pubs, "export"],
        },
        notes={"free-word query": "no free-word search: `list title:…`"},
        setup=[[*pubs, "init", "-p", str(work / "repo")]],
    )


def measure(tool: Tool, runs: int, work: Path) -> dict[str, list[Run]]:
    """Every step of ``tool``: the import once, every other step ``runs`` times."""
    for command in tool.setup:
        done = run(command, tool.env)
        if not done.ok:
            raise SystemExit(f"{tool.name}: setup {command[1:]} failed: {done.error}")
    results: dict[str, list[Run]] = {}
    for step in STEPS:
        make = tool.commands.get(step)
        if make is None:
            continue
        sys.stderr.write(f"  {tool.name}: {step}\n")
        times = 1 if step == "import the .bib" else runs
        # pubs writes its export to stdout: send it to a file, as the others write one.
        out = work / "out.bib" if tool.name == "pubs" and step == "export BibTeX" else None
        results[step] = [run(make(n), tool.env, out) for n in range(times)]
    return results


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 0.1 else f"{seconds:.2f} s"


def cell(runs: list[Run] | None) -> str:
    """``wall (cpu)``, medians of the successful runs; or why there is no figure."""
    if not runs:
        return "—"
    good = [r for r in runs if r.ok]
    if not good:
        return f"failed ({runs[0].error})"
    wall = statistics.median(r.wall for r in good)
    cpu = statistics.median(r.cpu for r in good)
    return f"{fmt(wall)} ({fmt(cpu)})"


def table(tools: list[Tool], results: dict[str, dict[str, list[Run]]]) -> str:
    head = ["step", *[f"{t.name} {t.version}" for t in tools]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for step in STEPS:
        cells = [step]
        for tool in tools:
            text = cell(results[tool.name].get(step))
            if step in tool.notes:
                text += f" — {tool.notes[step]}"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000, help="papers in the .bib")
    parser.add_argument("--runs", type=int, default=3, help="runs of each step but the import")
    parser.add_argument("--cache", type=Path, help="keep the peers' venvs here between runs")
    parser.add_argument("--tools", default="readlist,cobib,pubs")
    parser.add_argument("--write", action="store_true", help=f"update {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    names = [name for name in args.tools.split(",") if name]
    # readlist from this checkout is not compiled by an install: compile it as pip would.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "readlist")], check=True)
    with tempfile.TemporaryDirectory(prefix="readlist-peers-") as tmp:
        cache = args.cache or Path(tmp) / "venvs"
        cache.mkdir(parents=True, exist_ok=True)
        bib = write_bib(Path(tmp) / f"papers-{args.size}.bib", args.size)
        key = first_key(bib)
        tools: list[Tool] = []
        results: dict[str, dict[str, list[Run]]] = {}
        for name in names:
            work = Path(tmp) / name
            work.mkdir()
            if name == "readlist":
                tool = readlist_tool(work, bib, key)
            elif name == "cobib":
                tool = cobib_tool(install("cobib", cache), work, bib, key)
            elif name == "pubs":
                tool = pubs_tool(install("pubs", cache), work, bib, key)
            else:
                raise SystemExit(f"unknown tool {name!r} (readlist, cobib, pubs)")
            tools.append(tool)
            results[name] = measure(tool, args.runs, work)
            shutil.rmtree(work, ignore_errors=True)
    report = (
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}, "
        f"{args.size:,} papers, median of {args.runs} runs (the import: one run). "
        "Cells read `wall time (CPU time)`.\n\n" + table(tools, results)
    )
    print(report)
    if args.write:
        write_doc(report, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
