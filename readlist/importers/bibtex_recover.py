"""Text bibtexparser cannot read, rewritten into what BibTeX means by it, for a second read.

Two constructs BibTeX (or biber) reads and bibtexparser does not, found in real files:

* a ``%`` comment between an entry's fields, to the end of its line: biber's syntax
  (its own test files use it). BibTeX stops reading the entry there; biber skips it.
* a ``"`` inside braces inside a quoted value (``"{… "optionalen" …}."``, TeX Live's
  ``texbook2.bib``): for BibTeX a quote inside braces is text, not the value's end.
  The value is given braces instead of quotes, which BibTeX reads the same.

:func:`rewrite` makes both changes in one pass and keeps every newline, so line
numbers stay as they were. The importer uses it only when an entry could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A block's start, ``@type{``; text between blocks is free text, braces and all.
_BLOCK_START = re.compile(r"@(\w*)[ \t]*\{")


@dataclass
class Rewritten:
    """The rewritten text, and the lines where each kind of change was made."""

    text: str
    comments: list[int] = field(default_factory=list)
    requoted: list[int] = field(default_factory=list)


def rewrite(text: str) -> Rewritten:
    """``text`` with comments between fields left out and quoted values holding quotes braced."""
    kept: list[str] = []
    result = Rewritten(text)
    depth = 0
    index = start = 0
    length = len(text)
    line, counted_to = 1, 0

    def line_at(position: int) -> int:
        nonlocal line, counted_to  # counted on from the last change: linear overall
        line += text.count("\n", counted_to, position)
        counted_to = position
        return line

    while index < length:
        if depth == 0:
            block = _BLOCK_START.search(text, index)
            if block is None:
                break
            index, depth = block.end(), 1
            if block.group(1).lower() == "comment":
                depth, index = 0, _block_end(text, index)
            continue
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 1:
            closing, inner_quote = _quoted_value_end(text, index)
            if closing < 0:
                break  # never closed: left to bibtexparser as it is
            if inner_quote:
                kept += [text[start:index], "{", text[index + 1 : closing], "}"]
                start = closing + 1
                result.requoted.append(line_at(index))
            index = closing + 1
            continue
        elif char == "%" and depth == 1:
            kept.append(text[start:index])
            result.comments.append(line_at(index))
            end = text.find("\n", index)
            index = start = length if end < 0 else end
            continue
        index += 1
    if not kept:
        return result
    kept.append(text[start:])
    result.text = "".join(kept)
    return result


def _block_end(text: str, index: int) -> int:
    """The index after the ``}`` closing the block whose content starts at ``index``."""
    depth = 1
    while index < len(text) and depth:
        char = text[index]
        depth += (char == "{") - (char == "}")
        index += 2 if char == "\\" else 1
    return index


def _quoted_value_end(text: str, opening: int) -> tuple[int, bool]:
    """Where the quoted value opened at ``opening`` ends (BibTeX's rule), and if it holds a quote.

    ``-1`` when it never ends. Only a quote outside every brace of the value ends it.
    """
    depth = 0
    inner_quote = False
    index = opening + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return -1, False  # the entry ends first: not BibTeX's reading either
            depth -= 1
        elif char == '"':
            if depth == 0:
                return index, inner_quote
            inner_quote = True
        index += 1
    return -1, False
