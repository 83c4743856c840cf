"""The query language shared by the CLI and the TUI: parse once, match many papers.

Terms side by side must all match; ``OR`` (or ``|``) between them needs one
(``AND`` binds tighter); parentheses group; ``-`` before a term or a group
negates it. A term is:

- a free word, matched at word starts in the title, authors, abstract and notes,
  case- and accent-insensitively (``quant`` finds "quantization", ``lora`` does
  not find "exploration": see :mod:`readlist.query.words`);
- a ``"quoted phrase"``: its whole words in order;
- a filter ``name:value`` (:mod:`readlist.query.terms`): ``tag:``, ``status:``,
  ``author:``, ``title:``, ``key:``, ``year:``, ``cat:``, ``code:``, ``has:``,
  ``added:``, ``read:``;
- ``sort:name`` or ``sort:-name`` (reversed), once, outside groups: the order of
  the result, for saved views.

The modules: :mod:`~readlist.query.lexer` (tokens), :mod:`~readlist.query.parser`
(the tree), :mod:`~readlist.query.terms` (filters), :mod:`~readlist.query.words`
(word-start matching), :mod:`~readlist.query.sorting` (orders).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from readlist.models import Paper
from readlist.query.parser import Node, Sort, parse_tree
from readlist.query.sorting import SORTS, sort_name, sort_papers
from readlist.query.terms import FIELDS, HAS
from readlist.query.words import folded_text

__all__ = [
    "FIELDS",
    "HAS",
    "SORTS",
    "Query",
    "Sort",
    "parse_query",
    "search_text",
    "sort_name",
    "sort_papers",
    "term_text",
]


def search_text(paper: Paper) -> str:
    """The folded text that free words are matched against (see :func:`folded_text`)."""
    return folded_text((paper.title, *paper.authors, paper.abstract, paper.notes))


@dataclass(frozen=True)
class Query:
    """A parsed query: a tree of terms (None: every paper) and the order it asks for."""

    text: str
    root: Node | None = None
    sort: Sort | None = None

    @property
    def is_empty(self) -> bool:
        """Whether the query matches everything (it may still ask for an order)."""
        return self.root is None

    @property
    def uses_text(self) -> bool:
        """Whether matching reads :func:`search_text` (free words or phrases).

        When it does not, :meth:`matches` may be given ``""`` as the haystack.
        """
        return self.root is not None and self.root.uses_text

    @property
    def reads_abstract(self) -> bool:
        """Whether matching needs papers' abstracts (through the text or directly).

        The text is :func:`search_text`; ``has:abstract``, ``has:doi`` and ``has:arxiv``
        read the abstract itself (the last two leave out links the abstract cites).
        When this is false, papers loaded without their abstract match as they would
        with it.
        """
        return self.root is not None and self.root.reads_abstract

    def matches(self, paper: Paper, haystack: str | None = None) -> bool:
        """Whether ``paper`` matches; ``haystack`` is its cached :func:`search_text`."""
        if self.root is None:
            return True
        if haystack is None:
            haystack = search_text(paper)
        return self.root.matches(paper, haystack)

    def filter(self, papers: Iterable[Paper]) -> list[Paper]:
        """The papers that match, in the given order."""
        return [paper for paper in papers if self.matches(paper)]

    def __str__(self) -> str:
        """The query written out in a standard form, which parses to the same query."""
        parts = [str(part) for part in (self.root, self.sort) if part is not None]
        return " ".join(parts)


def term_text(name: str, value: str) -> str:
    """``name:value`` as a query term, in quotes when the value holds a space, ( ) or |."""
    return f'{name}:"{value}"' if re.search(r"[\s()|]", value) else f"{name}:{value}"


def parse_query(text: str) -> Query:
    """Parse ``text``; raise :class:`~readlist.errors.QueryError` (saying where) if malformed."""
    root, sort = parse_tree(text)
    return Query(text=text, root=root, sort=sort)
