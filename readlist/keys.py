"""Citation keys: made by a key formula (:mod:`readlist.keyformula`), unique in a library."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator
from itertools import count, product
from string import ascii_lowercase

from readlist.keyformula import DEFAULT
from readlist.models import Paper

#: Makes a paper's key before any clash suffix (a :class:`~readlist.keyformula.KeyFormula`'s key).
KeyMaker = Callable[[Paper], str]


def base_key(paper: Paper) -> str:
    """The key a paper gets in an empty library by readlist's formula (``sun2023aligning``)."""
    return DEFAULT.key(paper)


def suffixes() -> Iterator[str]:
    """The clash suffixes in order: ``a`` … ``z``, ``aa``, ``ab``, …."""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def unique_key(base: str, taken: Container[str]) -> str:
    """``base`` itself if free, else ``base`` + ``a``, ``b``, … ``z``, ``aa``, …."""
    if base not in taken:
        return base
    for suffix in suffixes():
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def assign_key(paper: Paper, taken: Container[str], make_key: KeyMaker | None = None) -> str:
    """A key for ``paper`` not in ``taken``: its own key when it has a free one.

    Otherwise ``make_key`` (readlist's formula by default) with a clash suffix.
    """
    own = paper.key.strip()
    if own and own not in taken and is_valid_key(own):
        return own
    return unique_key((make_key or base_key)(paper), taken)


#: What BibTeX, Biber and ``\cite`` take in a citation key: no space, comma, brace, quote,
#: or a character LaTeX reads as special in ``\cite{…}`` (``#``, ``%``, ``~``, ``\``).
_KEY_OK = re.compile(r'[^\s,{}"#%~\\]+')


def is_valid_key(key: str) -> bool:
    """Whether ``key`` can be a citation key exactly (``CorneilOS??``, ``o'brien:x`` can)."""
    return key.isprintable() and _KEY_OK.fullmatch(key) is not None


def is_pinned(paper: Paper) -> bool:
    """Whether ``paper``'s key is the one its ``.bib`` gave it (the formula never renames it)."""
    source = paper.source
    return (
        source is not None
        and source.format == "bibtex"
        and bool(source.key)
        and paper.key == source.key
    )


def plan_rekey(
    papers: Iterable[Paper],
    library: Iterable[Paper],
    make_key: KeyMaker,
    *,
    force: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """The new key of each of ``papers`` by ``make_key`` (old → new), and the pinned keys kept.

    Keys already right are left out; so are pinned keys (:func:`is_pinned`) unless
    ``force``. A new key is free in ``library``: no other paper's key or alias, nor
    a key given earlier in this plan (old keys stay taken, as aliases); a paper may
    take back one of its own aliases. The same library gives the same plan.
    """
    taken = {key for paper in library for key in (paper.key, *paper.aliases)}
    renames: dict[str, str] = {}
    pinned: list[str] = []
    for paper in papers:
        if is_pinned(paper) and not force:
            pinned.append(paper.key)
            continue
        own = {paper.key, *paper.aliases}
        new = unique_key(make_key(paper), _Without(taken, own))
        if new != paper.key:
            renames[paper.key] = new
            taken.add(new)
    return renames, pinned


class _Without:
    """The keys of ``taken`` except ``own``: what one paper cannot take."""

    def __init__(self, taken: set[str], own: set[str]) -> None:
        self._taken = taken
        self._own = own

    def __contains__(self, key: object) -> bool:
        return key in self._taken and key not in self._own
