r"""Which citation keys a LaTeX project uses: its ``.aux`` or its ``.tex`` sources, read as text.

The parsers are pure functions of text (:func:`aux_citations`, :func:`tex_citations`);
:func:`project_citations` walks a project's files through a ``read`` function
(``\input``/``\include``/``\subfile`` in ``.tex``, ``\@input`` in ``.aux``), and
:func:`with_parents` adds the entries that cited ones need (``crossref``, ``xdata``,
``xref``, a ``@set``'s members).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The key ``\nocite{*}`` stands for: every entry of the bibliography.
EVERYTHING = "*"

#: Citation commands of LaTeX, natbib, biblatex and a few common packages whose
#: braced argument (after optional ``*``, ``[..]`` and ``(..)`` arguments) lists keys.
CITE_COMMANDS = frozenset(
    """
    cite Cite nocite citep citet citealt citealp citeauthor citeyear citeyearpar citenum
    Citep Citet Citealt Citealp Citeauthor citefullauthor Citefullauthor parencite
    Parencite footcite footcitetext textcite Textcite smartcite Smartcite supercite
    autocite Autocite citetitle Citetitle citedate citeurl citeurldate fullcite
    footfullcite volcite Volcite pvolcite Pvolcite fvolcite ftvolcite svolcite Svolcite
    tvolcite Tvolcite avolcite Avolcite notecite Notecite pnotecite Pnotecite fnotecite
    citename citefield citelist citeA citeN citeNP citeyearNP citeauthorNP bibentry
    nocitemeta
    """.split()  # noqa: SIM905 (a word list reads better)
)
#: biblatex's multicite commands: several ``[..]{keys}`` groups follow one another.
MULTICITE_COMMANDS = frozenset(
    """
    cites Cites parencites Parencites footcites footcitetexts smartcites Smartcites
    textcites Textcites supercites autocites Autocites volcites Volcites pvolcites
    Pvolcites fvolcites ftvolcites svolcites Svolcites tvolcites Tvolcites avolcites
    Avolcites
    """.split()  # noqa: SIM905 (a word list reads better)
)
#: Commands that pull another ``.tex`` file in, and how many braced arguments they take.
INCLUDE_COMMANDS = {"input": 1, "include": 1, "subfile": 1, "import": 2, "subimport": 2}

_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)  # \\ and \% are skipped whole
_SPACE = re.compile(r"\s*")
_AUX_COMMAND = re.compile(r"\\(citation|abx@aux@cite|@input)\s*\{")


@dataclass(frozen=True)
class Include:
    r"""A file a ``.tex`` file pulls in: ``\input{name}`` or ``\subimport{folder}{name}``."""

    name: str
    #: The folder ``\import``/``\subimport`` give ("" for the others).
    folder: str = ""
    #: ``\subimport`` (and plain includes): relative to the including file.
    relative: bool = True


@dataclass(frozen=True)
class TexScan:
    """What one ``.tex`` file's text cites and which files it pulls in, in order."""

    keys: tuple[str, ...]
    includes: tuple[Include, ...]


@dataclass
class Citations:
    """The keys a project cites (each once, in order) and the files that were read."""

    keys: list[str] = field(default_factory=list)
    #: ``\nocite{*}``: every entry is wanted.
    everything: bool = False
    files: list[Path] = field(default_factory=list)
    #: Files named by an include that could not be read, each with the reason.
    problems: list[str] = field(default_factory=list)


def strip_comments(text: str) -> str:
    r"""``text`` with every ``%`` comment removed (an escaped ``\%`` is kept)."""
    lines = []
    for line in text.split("\n"):
        at = _comment_start(line)
        lines.append(line if at < 0 else line[:at])
    return "\n".join(lines)


def _comment_start(line: str) -> int:
    r"""Where the comment of ``line`` starts, or -1: a ``%`` after an even run of ``\``."""
    start = line.find("%")
    while start >= 0:
        backslashes = len(line[:start]) - len(line[:start].rstrip("\\"))
        if backslashes % 2 == 0:
            return start
        start = line.find("%", start + 1)
    return -1


def _group(text: str, at: int, opening: str, closing: str) -> tuple[str, int] | None:
    """The balanced ``opening…closing`` group starting at ``at`` (spaces skipped): text, end."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    if at >= len(text) or text[at] != opening:
        return None
    depth = braces = 0
    index = at
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escaped character never opens or closes a group
            continue
        if opening != "{" and char in "{}":  # [{]}] : a bracket in braces is text
            braces += 1 if char == "{" else -1
        elif braces == 0 and char == opening:
            depth += 1
        elif braces == 0 and char == closing:
            depth -= 1
            if depth == 0:
                return text[at + 1 : index], index + 1
        index += 1
    return None


def _optional_arguments(text: str, at: int) -> int:
    """Where the text goes on after any ``*``, ``[..]`` and ``(..)`` arguments at ``at``."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    if text.startswith("*", at):
        at += 1
    while True:
        found = _group(text, at, "[", "]") or _group(text, at, "(", ")")
        if found is None:
            return at
        at = found[1]


def split_keys(argument: str) -> list[str]:
    r"""The keys of a ``\cite{a, b}`` argument, without spaces or empty ones."""
    return [key for key in (part.strip() for part in argument.split(",")) if key]


def tex_citations(text: str) -> TexScan:
    r"""The keys ``text`` (one ``.tex`` file) cites and the files it pulls in, in order.

    ``%`` comments are ignored; ``\nocite{*}`` gives the key :data:`EVERYTHING`.
    """
    text = strip_comments(text)
    keys: list[str] = []
    includes: list[Include] = []
    for match in _COMMAND.finditer(text):
        name = match.group(1)
        if name in CITE_COMMANDS or name in MULTICITE_COMMANDS:
            at = match.end()
            while True:
                at = _optional_arguments(text, at)
                found = _group(text, at, "{", "}")
                if found is None:
                    break
                keys += split_keys(found[0])
                at = found[1]
                if name not in MULTICITE_COMMANDS:
                    break
        elif name in INCLUDE_COMMANDS:
            include = _include(name, text, match.end())
            if include is not None:
                includes.append(include)
    return TexScan(tuple(dict.fromkeys(keys)), tuple(includes))


def _include(name: str, text: str, at: int) -> Include | None:
    r"""The file ``\name`` at ``at`` pulls in (``\input file`` without braces too)."""
    arguments = []
    for _ in range(INCLUDE_COMMANDS[name]):
        found = _group(text, at, "{", "}")
        if found is None:
            break
        arguments.append(found[0].strip())
        at = found[1]
    if len(arguments) == INCLUDE_COMMANDS[name]:
        if name in ("import", "subimport"):
            return Include(arguments[1], arguments[0], relative=name == "subimport")
        return Include(arguments[0]) if arguments[0] else None
    if name == "input" and not arguments:  # TeX's own form: \input chapter
        bare = re.match(r"[ \t]+([^\s{}\\]+)", text[at:])
        if bare:
            return Include(bare.group(1))
    return None


def aux_citations(text: str) -> TexScan:
    r"""The keys a ``.aux`` file's text names and the ``.aux`` files it pulls in.

    ``\citation{a,b}`` (BibTeX), ``\abx@aux@cite{section}{key}`` and the older
    ``\abx@aux@cite{key}`` (biblatex), ``\@input{chapter.aux}`` (``\include``).
    """
    keys: list[str] = []
    includes: list[Include] = []
    for match in _AUX_COMMAND.finditer(text):
        found = _group(text, match.end() - 1, "{", "}")
        if found is None:
            continue
        command, argument = match.group(1), found[0]
        if command == "@input":
            includes.append(Include(argument.strip()))
            continue
        # biblatex's {refsection}{key}: the key is the second argument.
        second = _group(text, found[1], "{", "}") if text.startswith("{", found[1]) else None
        if command == "abx@aux@cite" and second is not None:
            argument = second[0]
        keys += split_keys(argument)
    return TexScan(tuple(dict.fromkeys(keys)), tuple(includes))


def project_citations(
    main: Path, read: Callable[[Path], str], *, aux: bool | None = None
) -> Citations:
    r"""The keys the project whose main file is ``main`` cites, following its includes.

    ``aux`` (default: by the file's suffix) reads ``.aux`` files, else ``.tex``
    files. An included ``.tex`` file is looked for beside the file that includes it,
    then beside ``main`` (where LaTeX looks), with ``.tex`` added when the name has
    no such file. ``read`` returns a file's text or raises ``OSError``; each file is
    read once. A missing included file is a problem noted, not an error; a missing
    ``main`` raises ``OSError``.
    """
    is_aux = main.suffix == ".aux" if aux is None else aux
    scan = aux_citations if is_aux else tex_citations
    result = Citations()
    seen: set[Path] = set()
    keys: dict[str, None] = {}

    def visit(path: Path, text: str) -> None:
        seen.add(path)
        result.files.append(path)
        found = scan(text)
        for key in found.keys:
            if key == EVERYTHING:
                result.everything = True
            else:
                keys.setdefault(key, None)
        for include in found.includes:
            candidates = _candidates(include, path.parent, main.parent, is_aux)
            target = next((c for c in candidates if c in seen), None)
            if target is not None:
                continue  # read already (an include cycle, or the same chapter twice)
            for candidate in candidates:
                try:
                    included = read(candidate)
                except OSError:
                    continue
                visit(candidate, included)
                break
            else:
                result.problems.append(f"{path}: cannot read included file {include.name!r}")

    visit(main, read(main))
    result.keys = list(keys)
    return result


def _candidates(include: Include, here: Path, top: Path, is_aux: bool) -> list[Path]:
    """The paths an include may mean, in the order they are tried (each once)."""
    folders = [here / include.folder, top / include.folder] if include.relative else []
    if not include.relative:
        folders = [Path(include.folder)]
    names = [include.name]
    if not is_aux and not include.name.endswith(".tex"):
        names.insert(0, include.name + ".tex")
    found = [Path(os.path.normpath(folder / name)) for folder in folders for name in names]
    return list(dict.fromkeys(found))


def with_parents(
    keys: Iterable[str], parents_of: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[str]]:
    """``keys`` plus every entry they need (transitively), and the keys found nowhere.

    ``parents_of`` maps each key of the bibliography to the keys its entry
    refers to (``crossref``, ``xdata``, ``xref``, a set's members). A key is
    matched exactly, else ignoring case (as BibTeX matches ``crossref``). The
    first list holds the bibliography's own spelling of each key, cited ones
    first, each once; the second the wanted keys the bibliography lacks.
    """
    folded = {key.lower(): key for key in reversed(list(parents_of))}
    wanted: dict[str, None] = {}
    missing: dict[str, None] = {}
    queue = list(keys)
    while queue:
        key = queue.pop(0)
        known = key if key in parents_of else folded.get(key.lower())
        if known is None:
            missing.setdefault(key, None)
            continue
        if known in wanted:
            continue
        wanted[known] = None
        queue += parents_of[known]
    return list(wanted), list(missing)


def parent_keys(fields: Mapping[str, str]) -> list[str]:
    """The keys an entry with BibTeX ``fields`` (lowercased names) refers to."""
    keys = []
    for name in ("crossref", "xref", "xdata", "entryset"):
        keys += split_keys(fields.get(name, ""))
    return keys
