"""A linear-time splitter for well-formed BibTeX, giving what bibtexparser would, or nothing.

bibtexparser's splitter steps through every comma, quote and newline in Python, which
makes it the slowest part of importing a large file. :func:`split_entries` reads the
usual shape — ``@type{key, field = {…} | "…" | word (# …)*, …}``, with ``@comment``,
``@preamble``, ``@string`` and free text between entries — mostly with ``str.find``
and regular expressions that never backtrack, so its cost is linear in the text.

It gives each value as written (delimiters, ``#`` and macro names included), as
bibtexparser's split does with no middleware; :mod:`readlist.bib.bibtex_values`
resolves them. It answers only where its answer is provably the same as
bibtexparser's. For anything else — a parenthesised entry, a repeated citation key,
field or ``@string``, unbalanced braces, an ``@`` at the start of a line inside a
block, an escaped newline — it returns ``None``, and the caller parses the whole
text with bibtexparser, so warnings and errors stay exactly as bibtexparser makes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readlist.bib.bibtex_values import closing_brace

#: A block start as bibtexparser finds it: ``@type`` before ``{`` or ``(``, anywhere.
_BLOCK_START = re.compile(r"@\w*[ \t]*(?=[{(])")
#: A brace; it counts only if not directly after a backslash (checked apart: a
#: lookbehind here would stop the regex engine from skipping ahead to the next brace).
#: An ``@`` first on its line: inside a block, bibtexparser may take it as a new block.
_LINE_START_AT = re.compile(r"\n[^\S\n]*@")
# A citation key, field name or @string name runs up to the next of ``{}",=``
# (bibtexparser's delimiters); ``@`` and ``\`` are odd there, so refused.
_CITATION_KEY = re.compile(r'([^{}",=@\\]*+)([,}])')
#: A field name and its ``=`` (with the space after it), or the entry's closing ``}``.
_FIELD_NAME = re.compile(r'([^{}",=@\\]*+)(?:(=)\s*+|\})')
_STRING_HEAD = re.compile(r'([^{}",=@\\]*+)=\s*+')
#: Space after a value, then the comma or the entry's closing brace.
_FIELD_END = re.compile(r"\s*+([,}])")
_SPACE = re.compile(r"\s*+")
#: An unquoted piece of a value: a number or an ``@string`` name.
_BARE_VALUE = re.compile(r'[^\s{}",=@\\#]+')
#: Space, a ``#`` joining two pieces of a value, and space.
_CONCATENATION = re.compile(r"\s*+#\s*+")
_MAY_JOIN = frozenset("# \t\n\r\f\v")


@dataclass(frozen=True, slots=True)
class SplitEntry:
    """One entry as bibtexparser's split gives it: each field's value as written."""

    start_line: int  # 0-based, like bibtexparser's ``Entry.start_line``
    entry_type: str  # lowercased, like bibtexparser's
    key: str
    fields: list[tuple[str, str]]
    #: Field names written more than once (exactly), as bibtexparser reports them.
    repeated: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SplitFile:
    """What :func:`split_entries` found: entries, ``@string`` definitions and ``@preamble`` values.

    ``strings`` are ``(name, value as written)`` in file order; ``preambles`` the
    values of the ``@preamble`` blocks as written, in file order.
    """

    entries: list[SplitEntry]
    strings: list[tuple[str, str]]
    preambles: list[str]


class _Unsupported(Exception):
    """The text is not in the shape this splitter reads exactly; bibtexparser must."""


def split_entries(text: str) -> SplitFile | None:
    """The blocks of ``text`` in order, or ``None`` when only bibtexparser reads it exactly."""
    if "\\\n" in text:  # bibtexparser does not count an escaped newline as a line
        return None
    try:
        return _Splitter(text).split()
    except _Unsupported:
        return None


class _Splitter:
    """One pass over one text; raises :class:`_Unsupported` at the first unusual construct."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.strings: list[tuple[str, str]] = []  # @string name and value as written
        self.string_names: set[str] = set()  # lowercased
        self.preambles: list[str] = []

    def split(self) -> SplitFile:
        """All entries, ``@string`` definitions and ``@preamble`` values."""
        text = self.text
        entries: list[SplitEntry] = []
        seen_keys: set[str] = set()
        position = line = counted_to = 0
        while (start := _BLOCK_START.search(text, position)) is not None:
            opening = start.end()
            if text[opening] != "{":
                raise _Unsupported  # @type( … ): bibtexparser's marks differ there
            line += text.count("\n", counted_to, start.start())
            counted_to = start.start()
            kind = start.group().lower()
            if kind.startswith("@comment") and kind[1:].strip() == "comment":
                position = self._closing_brace(opening) + 1
            elif kind.startswith("@preamble"):
                closing = self._closing_brace(opening)
                self.preambles.append(text[opening + 1 : closing].strip())
                position = closing + 1
            elif kind.startswith("@string"):
                position = self._string(opening)
            else:
                entry, position = self._entry(opening, line, kind[1:].strip())
                if entry.key in seen_keys:
                    raise _Unsupported  # bibtexparser reports the repeat; let it
                seen_keys.add(entry.key)
                entries.append(entry)
        return SplitFile(entries, self.strings, self.preambles)

    def _closing_brace(self, opening: int) -> int:
        """Index of the ``}`` matching the ``{`` at ``opening``, counted as bibtexparser does."""
        text = self.text
        closing = text.find("}", opening + 1)
        if closing < 0:
            raise _Unsupported  # never closed
        if text[closing - 1] == "\\" or text.find("{", opening + 1, closing) >= 0:
            closing = self._nested_closing_brace(opening)
        if text.find("@", opening, closing) >= 0 and _LINE_START_AT.search(text, opening, closing):
            raise _Unsupported
        return closing

    def _nested_closing_brace(self, opening: int) -> int:
        """:meth:`_closing_brace` for values with inner or escaped braces."""
        closing = closing_brace(self.text, opening)  # escaped braces do not count
        if closing < 0:
            raise _Unsupported  # never closed
        return closing

    def _closing_quote(self, opening: int) -> int:
        """Index of the ``"`` closing the one at ``opening``; braces do not count inside."""
        text = self.text
        index = opening
        while True:
            index = text.find('"', index + 1)
            if index < 0:
                raise _Unsupported
            if text[index - 1] == "\\":
                continue  # not a delimiter for bibtexparser
            if text[index - 1] == "{":
                raise _Unsupported  # maybe bibtexparser's {"} escape
            if text.find("@", opening, index) >= 0 and _LINE_START_AT.search(text, opening, index):
                raise _Unsupported
            return index

    def _piece(self, start: int) -> int:
        """The end of the value piece (``{…}``, ``"…"`` or a word) starting at ``start``."""
        text = self.text
        if start >= len(text):
            raise _Unsupported
        opener = text[start]
        if opener == "{":
            return self._closing_brace(start) + 1
        if opener == '"':
            return self._closing_quote(start) + 1
        word = _BARE_VALUE.match(text, start)
        if word is None:
            raise _Unsupported
        return word.end()

    def _value(self, start: int) -> tuple[str, int]:
        """The value as written starting at ``start`` (pieces joined by ``#``), and its end."""
        text = self.text
        end = self._piece(start)
        # Most values end at a comma: try the regex only where a `#` may follow.
        while text[end : end + 1] in _MAY_JOIN and (join := _CONCATENATION.match(text, end)):
            end = self._piece(join.end())
        return text[start:end], end

    def _string(self, opening: int) -> int:
        """Record the ``@string`` whose ``{`` is at ``opening``; the index after it."""
        text = self.text
        head = _STRING_HEAD.match(text, opening + 1)
        if head is None:
            raise _Unsupported
        name = head.group(1).strip()
        closing = self._closing_brace(opening)
        value, after = self._value(head.end())
        # bibtexparser ends a @string at its brace-matched `}`, quotes or not.
        tail = _SPACE.match(text, after)
        if tail is None or tail.end() != closing or name.lower() in self.string_names:
            raise _Unsupported
        self.string_names.add(name.lower())
        self.strings.append((name, value))
        return closing + 1

    def _entry(self, opening: int, line: int, entry_type: str) -> tuple[SplitEntry, int]:
        """The entry whose ``{`` is at ``opening``, and the index after its closing ``}``."""
        text = self.text
        head = _CITATION_KEY.match(text, opening + 1)
        if head is None:
            raise _Unsupported
        key = head.group(1).strip()
        index = head.end()
        fields: list[tuple[str, str]] = []
        names: set[str] = set()
        repeated: set[str] = set()
        end_of_entry = head.group(2) == "}"
        while not end_of_entry:
            field = _FIELD_NAME.match(text, index)
            if field is None:
                raise _Unsupported
            name = field.group(1).strip()
            if field.group(2) is None:  # the entry's `}` after a trailing comma
                if name:
                    raise _Unsupported  # a name without `=`
                index = field.end()
                break
            if name in names:
                repeated.add(name)  # kept, as bibtexparser keeps it; the reader warns
            names.add(name)
            value, after = self._value(field.end())
            tail = _FIELD_END.match(text, after)
            if tail is None:
                raise _Unsupported
            fields.append((name, value))
            index = tail.end()
            end_of_entry = tail.group(1) == "}"
        return SplitEntry(line, entry_type, key, fields, frozenset(repeated)), index
