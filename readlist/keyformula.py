"""Citation-key formulas in the spirit of Better BibTeX: ``auth.lower + year + shorttitle(1,1)``.

A formula is parts joined by ``+``. A part is a function of the paper or a quoted
literal, followed by any number of filters:

- ``auth`` / ``auth(n,m)``: the family name of the ``m``-th author (first by
  default), its first ``n`` characters (all when 0);
- ``authors`` / ``authors(n)``: the family names of the first ``n`` authors
  (all when 0 or absent), then ``EtAl`` when there are more;
- ``authEtAl``: the first author's family name, both names for two authors,
  ``EtAl`` after the first for more;
- ``year``: the four-digit year (nothing when unknown);
- ``shorttitle(n,m)``: the first ``n`` significant words of the title (3 by
  default), the first ``m`` of them capitalised (none by default);
  ``veryshorttitle`` is ``shorttitle(1,0)``; ``title`` is every significant word,
  capitalised;
- ``"text"`` or ``'text'``: the text itself;
- filters ``.lower``, ``.upper``, ``.ascii`` (transliterate: always done, so it is
  the default) and ``.clean`` (letters and digits only).

Significant words skip function words (``the``, ``of``, ``you``, …). A paper
without authors takes the title's first significant word for its author parts
and leaves its title parts out, so *Attention Is All You Need* (2017) gets
``attention2017``. A key keeps only the characters readlist's own keys use
(letters, digits, ``_:.+/-``); :data:`DEFAULT` is readlist's formula since the
start (``sun2023aligning``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from readlist.bib.keys import made_key
from readlist.bib.names import split_name
from readlist.errors import ReadlistError
from readlist.models import Paper

#: Words that never make a key: articles, prepositions, pronouns and the verbs titles
#: open with ("You Only Look Once", "Find Your Way").
_STOPWORD_TEXT = (
    "a an the on of for with in to and or at by from into via is are be do does did can "
    "how what when why which who whom whose toward towards using we our your you yours its "
    "it as not no i me my us they them their he she his her this that these those "
    "about above across after against along amid among around before behind below beneath "
    "beside besides between beyond but despite down during except inside like near nor off "
    "onto over past per since so than through under underneath unlike until up upon versus "
    "while within without yet find make let get all"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_PART = re.compile(
    r"(?P<name>[A-Za-z]+)(?:\(\s*(?P<n>\d+)\s*(?:,\s*(?P<m>\d+)\s*)?\))?(?P<filters>(?:\.\w+)*)"
)
_LITERAL = re.compile(r"(?P<quote>[\"'])(?P<text>.*?)(?P=quote)(?P<filters>(?:\.\w+)*)")

_AUTHOR_FUNCTIONS = frozenset({"auth", "authors", "authEtAl"})
_TITLE_FUNCTIONS = frozenset({"shorttitle", "veryshorttitle", "title"})
#: Each function and how many numeric arguments it takes at most.
_FUNCTIONS = {
    "auth": 2,
    "authors": 1,
    "authEtAl": 0,
    "year": 0,
    "shorttitle": 2,
    "veryshorttitle": 2,
    "title": 0,
}
_FILTERS = frozenset({"lower", "upper", "ascii", "clean"})


class KeyFormulaError(ReadlistError):
    """A key formula that cannot be read; the message names the bad part."""


def _ascii_alnum(text: str) -> str:
    """``text`` transliterated to ASCII, keeping only letters and digits (case kept)."""
    # anyascii leaves ASCII as it is: skipping it for ASCII text saves most of the call.
    return _NOT_ALNUM.sub("", text if text.isascii() else anyascii(text))


def significant_words(title: str, limit: int | None = None) -> list[str]:
    """The title's words that can make a key, ASCII letters and digits only (``V_1`` → ``V1``).

    Words are split at spaces (``Inference-Friendly`` is one word); function words go.
    ``limit``: only the first so many (an import makes a key for every paper).
    """
    words: list[str] = []
    if limit == 0:
        return words
    for raw in title.split():
        word = _ascii_alnum(raw)
        if word and word.lower() not in STOPWORDS:
            words.append(word)
            if len(words) == limit:
                break
    return words


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)  # an import makes a key for every paper; names repeat
def _family(name: str) -> str:
    return _ascii_alnum(split_name(name).family)


@dataclass(frozen=True, slots=True)
class _Part:
    """One part of a formula: a function (or literal text), its arguments and filters."""

    name: str  # a function name, or "" for a literal
    args: tuple[int, ...]
    filters: tuple[str, ...]
    literal: str = ""


@dataclass(frozen=True, slots=True)
class KeyFormula:
    """A parsed key formula; :meth:`key` makes a paper's key (before any clash suffix)."""

    text: str
    parts: tuple[_Part, ...]

    @classmethod
    def parse(cls, text: str) -> KeyFormula:
        """The formula ``text``; raises :class:`KeyFormulaError` naming the part it cannot read."""
        pieces = _split_parts(text)
        if not any(piece.strip() for piece in pieces):
            raise KeyFormulaError("key formula is empty")
        return cls(text, tuple(_parse_part(piece.strip()) for piece in pieces))

    def key(self, paper: Paper) -> str:
        """The key this formula makes for ``paper``; ``paper`` when nothing is left."""
        words = significant_words(paper.title, _words_used(self.parts))
        authorless = not paper.authors
        has_author_part = any(part.name in _AUTHOR_FUNCTIONS for part in self.parts)
        pieces = []
        for part in self.parts:
            if authorless and has_author_part and part.name in _TITLE_FUNCTIONS:
                continue  # the title's first word already stands in for the authors
            value = part.literal if not part.name else _evaluate(part, paper, words)
            for name in part.filters:
                value = _apply_filter(name, value)
            pieces.append(value)
        key = made_key("".join(pieces))
        return key or "paper"


@lru_cache(maxsize=64)
def _words_used(parts: tuple[_Part, ...]) -> int | None:
    """How many of a title's significant words ``parts`` can use (None: all of them)."""
    used = 0
    for part in parts:
        if part.name == "title":
            return None
        if part.name in _TITLE_FUNCTIONS:
            default = 3 if part.name == "shorttitle" else 1
            used = max(used, part.args[0] if part.args else default)
        elif part.name in _AUTHOR_FUNCTIONS:
            used = max(used, 1)  # a paper without authors takes the title's first word
    return used


def _split_parts(text: str) -> list[str]:
    """``text`` split at each ``+`` outside quotes."""
    pieces: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "+":
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    if quote:
        raise KeyFormulaError(f"key formula {text!r}: a quote is not closed")
    pieces.append("".join(current))
    return pieces


def _parse_part(piece: str) -> _Part:
    if not piece:
        raise KeyFormulaError("key formula has an empty part (two '+' in a row, or one at an end)")
    literal = _LITERAL.fullmatch(piece)
    match = literal or _PART.fullmatch(piece)
    if match is None:
        raise KeyFormulaError(f"key formula part {piece!r} is not a function or a quoted text")
    filters = tuple(name for name in match["filters"].split(".") if name)
    for name in filters:
        if name not in _FILTERS:
            known = ", ".join(f".{f}" for f in sorted(_FILTERS))
            raise KeyFormulaError(f"key formula part {piece!r}: unknown filter '.{name}' ({known})")
    if literal is not None:
        return _Part("", (), filters, literal["text"])
    name = match["name"]
    if name not in _FUNCTIONS:
        known = ", ".join(_FUNCTIONS)
        raise KeyFormulaError(f"key formula part {piece!r}: unknown function '{name}' ({known})")
    args = tuple(int(arg) for arg in (match["n"], match["m"]) if arg is not None)
    if len(args) > _FUNCTIONS[name]:
        raise KeyFormulaError(
            f"key formula part {piece!r}: '{name}' takes at most {_FUNCTIONS[name]} numbers"
        )
    if name == "auth" and len(args) == 2 and args[1] == 0:
        raise KeyFormulaError(f"key formula part {piece!r}: authors are counted from 1")
    return _Part(name, args, filters)


def _evaluate(part: _Part, paper: Paper, words: list[str]) -> str:
    name, args = part.name, part.args
    if name == "year":
        return str(paper.year) if paper.year else ""
    if name in _AUTHOR_FUNCTIONS:
        if not paper.authors:
            return words[0] if words else ""
        return _author_value(name, args, paper)
    if name == "title":
        return "".join(_capitalised(word) for word in words)
    defaults = (3, 0) if name == "shorttitle" else (1, 0)
    count, capitals = (*args, *defaults[len(args) :])
    return "".join(
        _capitalised(word) if n < capitals else word for n, word in enumerate(words[:count])
    )


def _author_value(name: str, args: tuple[int, ...], paper: Paper) -> str:
    # Only the family names the part shows are worked out (an import: one per paper).
    authors = paper.authors
    more = paper.authors_truncated
    if name == "auth":
        length, index = (*args, *(0, 1)[len(args) :])
        family = _family(authors[index - 1]) if index <= len(authors) else ""
        return family[:length] if length else family
    if name == "authors":
        count = args[0] if args and args[0] else len(authors)
        more = more or len(authors) > count
        return "".join(_family(author) for author in authors[:count]) + ("EtAl" if more else "")
    if len(authors) == 2 and not more:  # authEtAl
        return _family(authors[0]) + _family(authors[1])
    return _family(authors[0]) + ("EtAl" if more or len(authors) > 2 else "")


def _apply_filter(name: str, value: str) -> str:
    if name == "lower":
        return value.lower()
    if name == "upper":
        return value.upper()
    if name == "clean":
        return _ascii_alnum(value)
    return anyascii(value)  # .ascii


#: readlist's own formula: ``sun2023aligning``.
DEFAULT = KeyFormula.parse("auth.lower + year + veryshorttitle.lower")
