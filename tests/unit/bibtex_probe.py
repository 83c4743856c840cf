"""What BibTeX itself prints of a .bib file: each entry's key, title and name parts.

A tiny style (``probe.bst``) writes, per entry, the title through
``"t" change.case$`` (as ``plain`` prints it) and each author's ``{vv }{ll}``
parts (as BibTeX splits names). Comparing a file before and after a readlist
round trip with it shows exactly what a bibliography would lose.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROBE_BST = """\
ENTRY { title author } {} {}
INTEGERS { i n }
STRINGS { s }
FUNCTION {not}
{   { #0 }
    { #1 }
  if$
}
FUNCTION {print.entry}
{ "KEY " cite$ * write$ newline$
  "TITLE " title "t" change.case$ * write$ newline$
  author empty$
    'skip$
    { author 's :=
      s num.names$ 'n :=
      #1 'i :=
      { i n > not }
      { "NAME " s i "{vv }{ll}" format.name$ * write$ newline$
        i #1 + 'i :=
      }
      while$
    }
  if$
}
READ
ITERATE {print.entry}
"""

_MISSING = re.compile(r'I didn\'t find a database entry for "([^"]*)"')
#: An entry's key where it starts (``@type{key,``), not ``@string``/``@preamble``/``@comment``.
_ENTRY_KEY = re.compile(r"@(?!string\b|preamble\b|comment\b)\w+\s*[{(]\s*([^,\s]+)\s*,", re.I)


@dataclass
class Printed:
    """BibTeX's view of one .bib file."""

    titles: dict[str, str] = field(default_factory=dict)  # key (lowercased) → printed title
    names: dict[str, list[str]] = field(default_factory=dict)  # key → "{vv }{ll}" per author
    missing: set[str] = field(default_factory=set)  # cited keys BibTeX found no entry for
    log: str = ""


def cited_keys(bib_text: str) -> list[str]:
    """The keys to cite to see every entry of ``bib_text``: each as the file writes it.

    As written, because BibTeX folds only ASCII case; only the file's own entries,
    not a key BibTeX lists because a ``crossref`` names it, nor an entry without a
    key, which nothing can cite.
    """
    written = {key.lower(): key for key in _ENTRY_KEY.findall(bib_text)}
    return [written[key] for key in bibtex_print(bib_text).titles if key in written]


def bibtex_print(bib_text: str, cited: list[str] | None = None) -> Printed:
    """Run bibtex with the probe style on ``bib_text``, citing ``cited`` (default: all)."""
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        work = Path(folder)
        (work / "probe.bst").write_text(PROBE_BST, encoding="ascii")
        (work / "refs.bib").write_text(bib_text, encoding="utf-8")
        citations = ["*"] if cited is None else cited
        aux = "".join(f"\\citation{{{key}}}\n" for key in citations)
        (work / "doc.aux").write_text(
            aux + "\\bibdata{refs}\n\\bibstyle{probe}\n", encoding="utf-8"
        )
        bibtex = shutil.which("bibtex")
        assert bibtex is not None
        subprocess.run(
            [bibtex, "-min-crossrefs=1000", "doc"],
            cwd=work,
            capture_output=True,
            timeout=120,
            check=False,
        )
        output = (work / "doc.bbl").read_text(encoding="utf-8", errors="replace")
        log = (work / "doc.blg").read_text(encoding="utf-8", errors="replace")
    printed = Printed(log=log)
    lines: list[str] = []
    for line in output.splitlines():
        if line.startswith(" ") and lines:  # BibTeX breaks long output lines at a space
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    key = ""
    for line in lines:
        kind, _, text = line.partition(" ")
        if kind == "KEY":
            key = text.lower()
            printed.titles[key] = ""
            printed.names[key] = []
        elif kind == "TITLE" and key:
            printed.titles[key] = text
        elif kind == "NAME" and key:
            printed.names[key].append(text)
    printed.missing = {match.lower() for match in _MISSING.findall(log)}
    # The probe style itself must be sound, or every comparison made with it is empty.
    assert "is an unknown function" not in log, log
    return printed
