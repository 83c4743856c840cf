"""Citation keys: ``surname + year + first significant title word``, unique in a library."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from itertools import count, product
from string import ascii_lowercase

from anyascii import anyascii

from readlist.bib.names import split_name
from readlist.models import Paper

_STOPWORD_TEXT = (
    "a an the on of for with in to and or at by from into via is are be do does can "
    "how what when why which who toward towards using we our your its it as not no"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_word(text: str) -> str:
    return _NOT_ALNUM.sub("", anyascii(text).lower())


def base_key(paper: Paper) -> str:
    """The key a paper would get in an empty library, e.g. ``sun2023aligning``."""
    surname = ""
    if paper.authors:
        surname = _ascii_word(split_name(paper.authors[0]).family)
    year = str(paper.year) if paper.year else ""
    word = ""
    for raw in paper.title.split():
        candidate = _ascii_word(raw)
        if candidate and candidate not in _STOPWORDS:
            word = candidate
            break
    key = f"{surname}{year}{word}"
    return key or "paper"


def _suffixes() -> Iterator[str]:
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def unique_key(base: str, taken: Container[str]) -> str:
    """``base`` itself if free, else ``base`` + ``a``, ``b``, … ``z``, ``aa``, …."""
    if base not in taken:
        return base
    for suffix in _suffixes():
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def assign_key(paper: Paper, taken: Container[str]) -> str:
    """A key for ``paper`` not in ``taken``: its own key when it has a free one."""
    own = paper.key.strip()
    if own and own not in taken and is_valid_key(own):
        return own
    return unique_key(base_key(paper), taken)


_KEY_OK = re.compile(r"^[A-Za-z0-9_:.+/-]+$")


def is_valid_key(key: str) -> bool:
    """Whether ``key`` is safe as a BibTeX citation key."""
    return bool(_KEY_OK.match(key))
