r"""Measure readlist's BibTeX round trip on real bibliographies (issue #10's corpus).

    python benchmarks/bib_roundtrip.py [--latex [--latex-all]] [--only TEXT]
                                       [--mirrors /work/.mirror] [--json OUT] [--table]

Each ``.bib`` file is imported into an empty library in a temporary folder, exactly
as ``readlist import FILE`` does (decoding, ``@string``s, merging), and the library is
exported with ``readlist export bibtex``'s code. Then, for the original and the export:

* ``bibtex`` with a probe style (``tests/unit/bibtex_probe.py``) prints each key's title
  (``"t" change.case$``) and each author's ``{vv }{ll}`` parts, citing every key of the
  original: keys kept (of titled entries), titles the same, names the same, and the
  cited keys the export lacks that the original had ("new undefined citations");
* with ``--latex``: a document that ``\nocite``\ s every key of the original is built
  with ``pdflatex``, ``bibtex`` (style ``plain``), ``pdflatex`` and with ``pdflatex``,
  ``biber`` (``biblatex``), ``pdflatex``; the warning and error lines of the export's
  builds that the original's builds did not have are counted (line numbers, Biber's
  timing prefix and temporary file names left out). A build takes a minute or more
  on a busy machine, so only the files also in ``tests/unit/data/real_bib`` are
  built, unless ``--latex-all``.

The files come from where they are on this machine and are skipped when absent:
TeX Live (every ``.bib`` under ``kpsewhich -var-value TEXMFDIST``) and the Git mirrors
of biber, python-bibtexparser and JabRef made by the ``fetch`` tool (``--mirrors``),
read with ``git show`` at the mirror's HEAD. A file whose bytes were seen already is
measured once. ``--table`` prints the Markdown table for ``docs/export.md``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from bibtex_probe import bibtex_print, cited_keys  # noqa: E402

from readlist.errors import ReadlistError  # noqa: E402
from readlist.exporters import export  # noqa: E402
from readlist.sources import RawSource, import_sources  # noqa: E402
from readlist.store import Library  # noqa: E402

#: The Git mirrors read, by the folder name ``fetch`` gives them, and the group they count in.
#: The real files the unit tests use; ``--latex`` builds these (found by content).
REAL_BIB = ROOT / "tests" / "unit" / "data" / "real_bib"
MIRRORS = {
    "plk+biber": "biber",
    "sciunto-org+python-bibtexparser": "bibtexparser",
    "JabRef+jabref": "JabRef",
}


@dataclass
class Corpus:
    """One .bib file to measure: where it is from and its bytes."""

    group: str
    name: str
    data: bytes


@dataclass
class Measure:
    """What the round trip of one file kept, and what it broke."""

    group: str
    name: str
    kb: int
    entries: int = 0
    titled: int = 0
    keys_kept: int = 0
    titles_same: int = 0
    names_same: int = 0
    new_undefined: int = 0
    import_error: str = ""
    #: New warnings/errors of the export's builds, by engine (``None``: not built).
    bibtex_new: int | None = None
    biber_new: int | None = None
    examples: list[str] = field(default_factory=list)


def texlive_files() -> Iterator[Corpus]:
    """Every .bib file of the TeX Live installed here (none when there is none)."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return
    dist = subprocess.run(
        [kpsewhich, "-var-value", "TEXMFDIST"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not dist or not Path(dist).is_dir():
        return
    for path in sorted(Path(dist).rglob("*.bib")):
        yield Corpus("TeX Live", str(path.relative_to(dist)), path.read_bytes())


def mirror_files(mirrors: Path) -> Iterator[Corpus]:
    """Every .bib file at HEAD of the fetched Git mirrors that are present."""
    for folder, group in MIRRORS.items():
        repo = mirrors / folder / "repo"
        if not repo.is_dir():
            continue
        names = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "-r", "HEAD", "--name-only"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
        for name in sorted(n for n in names if n.lower().endswith(".bib")):
            shown = subprocess.run(
                ["git", "-C", str(repo), "show", f"HEAD:{name}"], capture_output=True, check=False
            )
            if shown.returncode == 0:
                yield Corpus(group, name, shown.stdout)


def round_trip(corpus: Corpus, work: Path) -> tuple[str, str, str]:
    """The original as text, readlist's export of it, and an import error (or "")."""
    from readlist.importers import decode_text

    library = Library(work / "library.json")
    try:
        text, _ = decode_text(corpus.data)
        import_sources(library, [RawSource(Path(corpus.name).name, lambda: corpus.data)])
    except (ReadlistError, ValueError) as error:  # ImportFormatError is a ValueError
        return corpus.data.decode("utf-8", errors="replace"), "", str(error)
    return text, export(library.papers(), "bibtex"), ""


def measure(corpus: Corpus, *, latex: bool) -> Measure:
    """Round-trip one file and compare what BibTeX (and LaTeX) make of both sides."""
    result = Measure(corpus.group, corpus.name, len(corpus.data) // 1024)
    with tempfile.TemporaryDirectory(prefix="bib-roundtrip-") as folder:
        original, exported, error = round_trip(corpus, Path(folder))
    cited = cited_keys(original)  # every entry, by its key as written; the same both sides
    before = bibtex_print(original, cited=cited)
    result.entries = len(cited)
    titled = [key.lower() for key in cited if before.titles.get(key.lower())]
    result.titled = len(titled)
    if error:
        result.import_error = error
        return result
    after = bibtex_print(exported, cited=cited)
    result.keys_kept = sum(key in after.titles for key in titled)
    result.titles_same = sum(after.titles.get(key) == before.titles[key] for key in titled)
    result.names_same = sum(after.names.get(key) == before.names[key] for key in titled)
    result.new_undefined = len(after.missing - before.missing)
    for key in titled:
        if after.titles.get(key) != before.titles[key] and len(result.examples) < 5:
            result.examples.append(f"{key}: {before.titles[key]!r} -> {after.titles.get(key)!r}")
    for key in sorted(after.missing - before.missing)[:3]:
        result.examples.append(f"undefined: {key}")
    if latex:
        for engine in ("bibtex", "biber"):
            old = build(original, cited, engine)
            new = build(exported, cited, engine)
            added = sorted((new - old).elements())
            setattr(result, f"{engine}_new", len(added))
            result.examples += [f"{engine}: {line}" for line in added[:3]]
    return result


#: Biber's ``[2450] Biber.pm:130> `` prefix (a time and a source line) and the name of its
#: temporary copy of the .bib: they differ from run to run, not part of the message.
_BIBER_PREFIX = re.compile(r"^\[\d+\] [\w.:]+> ")
_BIBER_TEMP = re.compile(r"\S*biber_tmp_\S*")
#: Summary counts ("INFO - WARNINGS: 15", "(There were 2 warnings)"): the lines they count
#: are compared one by one already.
_SUMMARY = re.compile(r"^(INFO - (WARNINGS|ERRORS): \d+|\(There (was|were) \d+ \w+)")
_NUMBERS = re.compile(r"\b(line|lines|input line|page)\s+\d+(--\d+)?|\b\d+(\.\d+)?(pt|sp)\b")
_INTERESTING = re.compile(
    r"warning|error|^!|undefined|I was expecting|I'm skipping|WARN -|ERROR -", re.I
)


def build(bib: str, keys: list[str], engine: str) -> collections.Counter[str]:
    """The warning and error lines of building a document citing ``keys`` from ``bib``."""
    with tempfile.TemporaryDirectory(prefix="bib-build-") as folder:
        work = Path(folder)
        (work / "refs.bib").write_text(bib, encoding="utf-8")
        cites = "".join(f"\\nocite{{{key}}}\n" for key in keys if _citable(key))
        if engine == "bibtex":
            head = "\\usepackage[T1]{fontenc}\n"
            tail = "\\bibliographystyle{plain}\n\\bibliography{refs}\n"
        else:
            head = "\\usepackage[T1]{fontenc}\n\\usepackage[backend=biber]{biblatex}\n"
            head += "\\addbibresource{refs.bib}\n"
            tail = "\\printbibliography\n"
        (work / "doc.tex").write_text(
            f"\\documentclass{{article}}\n{head}\\begin{{document}}\n{cites}{tail}"
            "\\end{document}\n",
            encoding="utf-8",
        )
        steps = [["pdflatex"], [engine], ["pdflatex"]]
        lines: collections.Counter[str] = collections.Counter()
        for step in steps:
            arguments = ["-interaction=nonstopmode", "doc"] if step[0] == "pdflatex" else ["doc"]
            try:
                subprocess.run(
                    [*step, *arguments],
                    cwd=work,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=300,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                lines[f"{step[0]} did not finish in 300 s"] += 1
                break
        for log in ("doc.log", "doc.blg"):
            path = work / log
            if not path.exists():
                lines[f"no {log}"] += 1
                continue
            for line in path.read_text("utf-8", errors="replace").splitlines():
                if _INTERESTING.search(line) and "Rerun" not in line and "rerun" not in line:
                    message = _BIBER_TEMP.sub("BIB", _BIBER_PREFIX.sub("", line.strip()))
                    if _SUMMARY.match(message):
                        continue
                    lines[_NUMBERS.sub(r"\1 N", message)] += 1
    return lines


def _citable(key: str) -> bool:
    """Whether ``\\nocite{key}`` can be written (BibTeX lowercases keys; so does the probe)."""
    return bool(key) and not any(char in key for char in "{}%#\\,")


def corpus(mirrors: Path) -> Iterator[Corpus]:
    """Every file to measure, each distinct content once."""
    seen: set[str] = set()
    for item in (*texlive_files(), *mirror_files(mirrors)):
        digest = _digest(item.data)
        if digest in seen:
            continue
        seen.add(digest)
        yield item


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table(results: list[Measure]) -> str:
    """The Markdown table of ``docs/export.md``: one row per group, then all."""
    rows = [
        "| Source | Files | Entries | Titled | Keys kept | Titles printed the same "
        "| Names the same | New undefined citations | New bibtex / biber warnings (files built) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    groups: dict[str, list[Measure]] = collections.defaultdict(list)
    for item in results:
        groups[item.group].append(item)
    for name, items in [*sorted(groups.items()), ("**All**", results)]:
        titled = sum(m.titled for m in items)
        built = [m for m in items if m.bibtex_new is not None]

        def share(count: int, titled: int = titled) -> str:
            return f"{count} ({100 * count / titled:.2f}%)" if titled else "0"

        rows.append(
            f"| {name} | {len(items)} | {sum(m.entries for m in items)} | {titled} "
            f"| {share(sum(m.keys_kept for m in items))} "
            f"| {share(sum(m.titles_same for m in items))} "
            f"| {share(sum(m.names_same for m in items))} "
            f"| {sum(m.new_undefined for m in items)} "
            f"| {sum(m.bibtex_new or 0 for m in built)} / {sum(m.biber_new or 0 for m in built)}"
            f" ({len(built)}) |"
        )
    return "\n".join(rows)


def main() -> int:
    """Measure the corpus and print a line per file (and the table or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latex", action="store_true", help="also build with pdflatex")
    parser.add_argument(
        "--latex-all",
        action="store_true",
        help="build every file (default: those also in tests/unit/data/real_bib; minutes each)",
    )
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--json", type=Path, help="write every file's figures here")
    parser.add_argument("--table", action="store_true", help="print the Markdown table")
    args = parser.parse_args()
    if shutil.which("bibtex") is None:
        print("bibtex is not installed: nothing measured", file=sys.stderr)
        return 1
    committed = {_digest(path.read_bytes()) for path in REAL_BIB.glob("*.bib")}
    results = []
    for item in corpus(args.mirrors):
        if args.only and args.only not in item.name:
            continue
        start = time.perf_counter()
        latex = args.latex and (args.latex_all or _digest(item.data) in committed)
        result = measure(item, latex=latex)
        results.append(result)
        lost = result.titled - min(result.keys_kept, result.titles_same, result.names_same)
        print(
            f"{result.group:12} {result.name:60} {result.entries:6} entries "
            f"{result.keys_kept}/{result.titles_same}/{result.names_same} of {result.titled} "
            f"undefined+{result.new_undefined} bibtex+{result.bibtex_new} "
            f"biber+{result.biber_new} {time.perf_counter() - start:.1f}s"
            + (f" IMPORT ERROR {result.import_error}" if result.import_error else ""),
            flush=True,
        )
        if lost or result.new_undefined or result.bibtex_new or result.biber_new:
            for example in result.examples:
                print(f"    {example}", flush=True)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), "utf-8")
    if args.table:
        print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
