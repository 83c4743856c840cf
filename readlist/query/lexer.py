"""The query language's tokens (words, phrases, ``name:value`` terms, operators) with positions.

Positions count characters from 1, so that an error can say where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from readlist.errors import QueryError


class Kind(Enum):
    """What a token is."""

    WORD = "word"
    PHRASE = "phrase"
    TERM = "term"  # name:value
    NOT = "-"
    OR = "OR"
    AND = "AND"
    OPEN = "("
    CLOSE = ")"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``text`` is the word, the phrase, or a term's value; ``name`` a term's name."""

    kind: Kind
    position: int
    text: str = ""
    name: str = ""
    quoted: bool = False  # a term's value was written in quotes


# A bare word runs until a space, a parenthesis, a quote or a bar.
_BARE = re.compile(r'[^\s()"|]+')
_TERM = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_SINGLE = {"(": Kind.OPEN, ")": Kind.CLOSE, "|": Kind.OR}
_OPERATORS = {"OR": Kind.OR, "AND": Kind.AND}


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; an unclosed quote or a ``-`` before nothing raise QueryError."""
    tokens: list[Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        position = index + 1
        if char.isspace():
            index += 1
        elif char in _SINGLE:
            tokens.append(Token(_SINGLE[char], position, char))
            index += 1
        elif char == '"':
            phrase, index = _quoted(text, index)
            tokens.append(Token(Kind.PHRASE, position, phrase))
        elif char == "-":
            following = text[index + 1 : index + 2]
            if not following or following.isspace() or following in ")|":
                raise QueryError(f"'-' at position {position} needs a term right after it")
            tokens.append(Token(Kind.NOT, position))
            index += 1
        else:
            match = _BARE.match(text, index)
            assert match is not None  # every other character starts a bare word
            word = match.group()
            index = match.end()
            term = _TERM.fullmatch(word)
            if word in _OPERATORS:
                tokens.append(Token(_OPERATORS[word], position, word))
            elif term is None:
                tokens.append(Token(Kind.WORD, position, word))
            elif not term.group(2) and text[index : index + 1] == '"':
                value, index = _quoted(text, index)
                tokens.append(Token(Kind.TERM, position, value, term.group(1), quoted=True))
            else:
                tokens.append(Token(Kind.TERM, position, term.group(2), term.group(1)))
    return tokens


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The text between the quote at ``start`` and the next one, and the index after it."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError(f"the quote at position {start + 1} is not closed")
    return text[start + 1 : end], end + 1
