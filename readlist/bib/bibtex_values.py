"""BibTeX field values as written: ``{…}``, ``"…"``, numbers and ``@string`` names joined by ``#``.

A value in a ``.bib`` file is an expression: one or more pieces joined by ``#``.
:func:`value_pieces` splits one, and :class:`MacroTable` resolves it to the text
BibTeX itself would see, with ``@string`` macros expanded the way BibTeX expands
them: when they are defined, so ``a40 = a39 # a39`` holds the text of ``a39``
twice, however deep the chain goes. Expanding at definition also means a macro
can never refer to itself; the size guard keeps a doubling chain from filling
memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from readlist.bib.dates import MONTH_MACROS as BIBTEX_MONTHS

#: The month macros every BibTeX style defines (``month = jun``); never undefined.
MONTH_MACROS = frozenset(BIBTEX_MONTHS)

#: The longest text one ``@string`` may expand to. Real ones are a few hundred
#: characters; a chain that doubles each time (``a40 = a39 # a39``) would
#: otherwise need terabytes.
MAX_MACRO_LENGTH = 1 << 20

#: An unquoted piece: a number or a macro name, up to space, ``#``, a delimiter or a comma.
_WORD = re.compile(r'[^\s#{}",=]+')
_SPACE = re.compile(r"\s*")


class PieceKind(StrEnum):
    """How one piece of a value is written."""

    BRACED = "braced"
    QUOTED = "quoted"
    WORD = "word"  # a number or a macro name


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a value: its content without delimiters, or the bare word."""

    kind: PieceKind
    text: str

    @property
    def is_macro(self) -> bool:
        """Whether this piece names an ``@string`` macro (a bare word that is not a number)."""
        return self.kind is PieceKind.WORD and not self.text.isdigit()


_BRACE = re.compile(r"[{}]")
_DELIMITED = {"{": "}", '"': '"'}
_BRACE_OR_QUOTE = re.compile(r'[{}"]')


def closing_brace(raw: str, opening: int) -> int:
    r"""Index of the ``}`` matching the ``{`` at ``opening``, or -1 if it is never closed.

    An escaped brace (``\{``) does not count, as for the splitters that cut the value out.
    """
    depth = 0
    for brace in _BRACE.finditer(raw, opening + 1):
        index = brace.start()
        if raw[index - 1] == "\\":
            continue
        if brace.group() == "{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return index
    return -1


def _closing_quote(raw: str, opening: int) -> int:
    """Index of the ``"`` closing the one at ``opening`` (outside braces), or -1."""
    depth = 0
    for mark in _BRACE_OR_QUOTE.finditer(raw, opening + 1):
        index = mark.start()
        if raw[index - 1] == "\\":
            continue
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif not depth:
            return index
    return -1


def value_pieces(raw: str) -> list[Piece] | None:
    """The pieces of the value expression ``raw``, or ``None`` when it is not one.

    ``{Proc.} # stoc # ", " # 1984`` gives a braced piece, a macro, a quoted piece
    and a number. Unbalanced braces, an unclosed quote or a dangling ``#`` give
    ``None``.
    """
    if "#" not in raw:  # the usual single piece: no scan needed
        value = raw.strip()
        if value[:1] == "{" and closing_brace(value, 0) == len(value) - 1:
            return [Piece(PieceKind.BRACED, value[1:-1])]
        if value[:1] == '"' and _closing_quote(value, 0) == len(value) - 1:
            return [Piece(PieceKind.QUOTED, value[1:-1])]
        if _WORD.fullmatch(value):
            return [Piece(PieceKind.WORD, value)]
        return None
    pieces: list[Piece] = []
    position = 0
    while True:
        position = _SPACE.match(raw, position).end()  # type: ignore[union-attr]
        opener = raw[position : position + 1]
        if opener == "{":
            closing = closing_brace(raw, position)
            if closing < 0:
                return None
            pieces.append(Piece(PieceKind.BRACED, raw[position + 1 : closing]))
            position = closing + 1
        elif opener == '"':
            closing = _closing_quote(raw, position)
            if closing < 0:
                return None
            pieces.append(Piece(PieceKind.QUOTED, raw[position + 1 : closing]))
            position = closing + 1
        else:
            word = _WORD.match(raw, position)
            if word is None:
                return None
            pieces.append(Piece(PieceKind.WORD, word.group()))
            position = word.end()
        position = _SPACE.match(raw, position).end()  # type: ignore[union-attr]
        if position == len(raw):
            return pieces
        if raw[position] != "#":
            return None
        position += 1


def macros_used(raw: str) -> list[str]:
    """The macro names (lowercased) in the value ``raw``, in order; none when it is no value."""
    if "#" not in raw and raw[:1] in ("{", '"'):
        return []  # one delimited piece: the usual case, no scan needed
    pieces = value_pieces(raw)
    if pieces is None:
        return []
    return [piece.text.lower() for piece in pieces if piece.is_macro]


class MacroTable:
    r"""``@string`` macros by lowercased name, each already expanded to its text.

    One table may serve several files read in order, as BibTeX reads
    ``\bibliography{definitions,papers}``; ``preambles`` holds the ``@preamble``
    values (as written) of the files read so far, which apply to later files too.
    """

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._oversized: set[str] = set()  # left undefined by the size guard
        self.preambles: list[str] = []

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._values

    def get(self, name: str) -> str | None:
        """The text of macro ``name`` (any case), or ``None`` if it is not defined."""
        return self._values.get(name.lower())

    def define(self, name: str, raw: str) -> list[str]:
        """Define ``name`` as the expanded value of ``raw``; problems as one-line messages.

        A later definition of the same name replaces the earlier one. A value
        that expands beyond :data:`MAX_MACRO_LENGTH` characters leaves the macro
        undefined, and so does every later one that uses it.
        """
        text, undefined, too_long = self._expand(raw)
        problems = [f"@string {name}: macro {other!r} is not defined" for other in undefined]
        if too_long:
            problems.append(
                f"@string {name}: expands to more than {MAX_MACRO_LENGTH:,} characters; "
                "left undefined"
            )
            self._values.pop(name.lower(), None)
            self._oversized.add(name.lower())
            return problems
        self._values[name.lower()] = text
        self._oversized.discard(name.lower())
        return problems

    def resolve(self, raw: str) -> tuple[str, list[str]]:
        """The text of value ``raw``, and the macros it uses that are not defined.

        Delimiters are removed and pieces joined, as BibTeX joins them. An
        undefined macro stands for its own name (month macros such as ``jun``
        always do, without counting as undefined). A value that is not an
        expression at all is given back as written.
        """
        if "#" not in raw and raw[:1] in _DELIMITED and raw[-1:] == _DELIMITED[raw[:1]]:
            inner = raw[1:-1]
            # No brace or quote inside: one piece for sure, no scan needed (most values).
            if "{" not in inner and "}" not in inner and '"' not in inner:
                return inner, []
        text, undefined, _ = self._expand(raw)
        return text, undefined

    def _expand(self, raw: str) -> tuple[str, list[str], bool]:
        """:meth:`resolve`, and whether the text grew beyond the size guard."""
        pieces = value_pieces(raw)
        if pieces is None:
            return raw.strip(), [], False
        parts: list[str] = []
        undefined: list[str] = []
        size = 0
        too_long = False
        for piece in pieces:
            text = piece.text
            if piece.is_macro:
                value = self._values.get(text.lower())
                if value is not None:
                    text = value
                elif text.lower() in self._oversized:
                    too_long = True  # stands for its name, like an undefined one
                elif text.lower() not in MONTH_MACROS:
                    undefined.append(text)
            size += len(text)
            if size > MAX_MACRO_LENGTH:
                return "", undefined, True
            parts.append(text)
        return "".join(parts), undefined, too_long


def braces_balanced(value: str) -> bool:
    r"""Whether ``value``'s braces balance the way BibTeX counts them (``\{`` too)."""
    opened = value.count("{")
    if opened != value.count("}"):
        return False
    if not opened:
        return True
    depth = 0
    for brace in _BRACES_RE.findall(value):  # only the braces: an abstract has few of them
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return True


_BRACES_RE = re.compile("[{}]")
