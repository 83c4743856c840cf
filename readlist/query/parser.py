"""The query language's grammar: tokens into a tree of terms, AND, OR and NOT.

    query  := either                         (plus at most one top-level sort:)
    either := all (("OR" | "|") all)*        AND binds tighter than OR
    all    := unary (["AND"] unary)*
    unary  := "-" unary | "(" either ")" | word | "phrase" | name:value

Every tree prints back (``str``) as a query that parses to the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from readlist.errors import QueryError
from readlist.models import Paper
from readlist.query.lexer import Kind, Token, tokenize
from readlist.query.terms import ALIASES, FIELDS, field_test
from readlist.query.terms import Test as FieldTestFunction
from readlist.query.words import phrase_needle, word_needle


class Node:
    """A part of a parsed query."""

    #: Whether matching reads the folded search text (free words and phrases).
    uses_text: bool = True
    #: Whether matching needs the paper's abstract (free text, ``has:abstract``, …).
    reads_abstract: bool = True

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether ``paper``, whose folded search text is ``haystack``, matches."""
        raise NotImplementedError


@dataclass(frozen=True)
class Words(Node):
    """A free word: its words at word starts in a row (see :mod:`readlist.query.words`)."""

    text: str
    needle: str

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether the search text holds the word."""
        return self.needle in haystack

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Phrase(Node):
    """A quoted phrase: its whole words in order."""

    text: str
    needle: str

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether the search text holds the phrase."""
        return self.needle in haystack

    def __str__(self) -> str:
        return f'"{self.text}"'


@dataclass(frozen=True)
class Term(Node):
    """A ``name:value`` filter."""

    name: str
    value: str
    quoted: bool
    test: FieldTestFunction
    reads_abstract: bool = False
    uses_text = False  # a filter reads the paper's fields, never the search text

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether the paper passes the filter."""
        return self.test(paper)

    def __str__(self) -> str:
        return f'{self.name}:"{self.value}"' if self.quoted else f"{self.name}:{self.value}"


@dataclass(frozen=True)
class Not(Node):
    """``-term``: the papers the term does not match."""

    node: Node

    @property
    def uses_text(self) -> bool:  # type: ignore[override]
        """Whether the negated part reads the search text."""
        return self.node.uses_text

    @property
    def reads_abstract(self) -> bool:  # type: ignore[override]
        """Whether the negated part reads the abstract."""
        return self.node.reads_abstract

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether the negated part does not match."""
        return not self.node.matches(paper, haystack)

    def __str__(self) -> str:
        inner = self.node
        return f"-({inner})" if isinstance(inner, _Group) else f"-{inner}"


@dataclass(frozen=True)
class _Group(Node):
    """Terms joined by one operator."""

    nodes: tuple[Node, ...]

    @property
    def uses_text(self) -> bool:  # type: ignore[override]
        """Whether any part reads the search text."""
        return any(node.uses_text for node in self.nodes)

    @property
    def reads_abstract(self) -> bool:  # type: ignore[override]
        """Whether any part reads the abstract."""
        return any(node.reads_abstract for node in self.nodes)


@dataclass(frozen=True)
class All(_Group):
    """Terms side by side: every one must match."""

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether every part matches."""
        return all(node.matches(paper, haystack) for node in self.nodes)

    def __str__(self) -> str:
        parts = (f"({node})" if isinstance(node, Either) else str(node) for node in self.nodes)
        return " ".join(parts)


@dataclass(frozen=True)
class Either(_Group):
    """``a OR b``: one of them must match."""

    def matches(self, paper: Paper, haystack: str) -> bool:
        """Whether some part matches."""
        return any(node.matches(paper, haystack) for node in self.nodes)

    def __str__(self) -> str:
        return " OR ".join(str(node) for node in self.nodes)


@dataclass(frozen=True)
class Sort:
    """A ``sort:`` term: the order's name (see ``readlist.query.SORTS``) and whether reversed."""

    name: str
    reverse: bool = False

    def __str__(self) -> str:
        return f"sort:{'-' if self.reverse else ''}{self.name}"


def parse_tree(text: str) -> tuple[Node | None, Sort | None]:
    """The tree of ``text`` (None: no terms) and its ``sort:``; QueryError if malformed."""
    parser = _Parser(tokenize(text))
    return parser.parse()


class _Parser:
    """Recursive descent over the tokens of one query."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.sort: Sort | None = None

    def parse(self) -> tuple[Node | None, Sort | None]:
        if not self.tokens:
            return None, None
        node = self._either(depth=0)
        token = self._peek()
        if token is not None:  # only a stray ")" stops the top level early
            raise QueryError(f"')' at position {token.position} has no '(' before it")
        return node, self.sort

    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _either(self, depth: int) -> Node | None:
        first = self._all(depth)
        nodes = [first] if first is not None else []
        while (token := self._peek()) is not None and token.kind is Kind.OR:
            self.index += 1
            if first is None:  # "OR b", "(OR b)", or "sort:x OR b"
                raise QueryError(
                    f"'{token.text}' at position {token.position} needs a term before it"
                )
            following = self._all(depth)
            if following is None:
                raise QueryError(
                    f"'{token.text}' at position {token.position} needs a term after it"
                )
            nodes.append(following)
        if len(nodes) == 1:
            return nodes[0]
        flat: list[Node] = []
        for node in nodes:
            flat.extend(node.nodes if isinstance(node, Either) else (node,))
        return Either(tuple(flat)) if flat else None

    def _all(self, depth: int) -> Node | None:
        nodes: list[Node] = []
        while (token := self._peek()) is not None and token.kind not in (Kind.OR, Kind.CLOSE):
            if token.kind is Kind.AND:
                self.index += 1
                if not nodes or self._peek() is None or self._peek_kind() in (Kind.OR, Kind.CLOSE):
                    raise QueryError(
                        f"'AND' at position {token.position} needs a term on each side"
                    )
                continue
            node = self._unary(depth, negated=False)
            if node is not None:
                nodes.extend(node.nodes if isinstance(node, All) else (node,))
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else All(tuple(nodes))

    def _peek_kind(self) -> Kind | None:
        token = self._peek()
        return token.kind if token is not None else None

    def _unary(self, depth: int, negated: bool) -> Node | None:
        token = self.tokens[self.index]
        self.index += 1
        if token.kind is Kind.NOT:
            following = self._peek()
            if following is None or following.kind in (Kind.OR, Kind.AND, Kind.CLOSE):
                raise QueryError(f"'-' at position {token.position} needs a term right after it")
            inner = self._unary(depth, negated=True)
            assert inner is not None  # a sort: under "-" raised already
            return Not(inner)
        if token.kind is Kind.OPEN:
            inner = self._either(depth + 1)
            closing = self._peek()
            if closing is None:
                raise QueryError(f"'(' at position {token.position} is not closed")
            self.index += 1
            if inner is None:
                raise QueryError(f"the parentheses at position {token.position} hold no term")
            return inner
        if token.kind is Kind.PHRASE:
            needle = phrase_needle(token.text)
            if not needle:
                raise QueryError(
                    f"the phrase at position {token.position} has no letters or digits to look for"
                )
            return Phrase(token.text, needle)
        if token.kind is Kind.TERM:
            return self._term(token, depth, negated)
        assert token.kind is Kind.WORD, token  # OR, AND and ")" are handled by the callers
        return _word(token.text, token.position)

    def _term(self, token: Token, depth: int, negated: bool) -> Node | None:
        name = ALIASES.get(token.name.lower(), token.name.lower())
        if name not in FIELDS:
            if not token.quoted and (not token.text or token.text.startswith("//")):
                # "RLHF:" or a URL is text to look for, not a filter.
                return _word(f"{token.name}:{token.text}", token.position)
            raise QueryError(
                f"unknown filter '{token.name}:' at position {token.position} "
                f"(filters: {', '.join(FIELDS)}; to look for the text, put it in quotes)"
            )
        if name == "sort":
            self._sort(token, depth, negated)
            return None
        found = field_test(name, token.text, token.quoted, token.position)
        return Term(name, token.text, token.quoted, found.test, found.reads_abstract)

    def _sort(self, token: Token, depth: int, negated: bool) -> None:
        from readlist.query.sorting import sort_name

        if depth or negated:
            raise QueryError(
                f"sort: at position {token.position} orders the whole query: "
                "put it outside parentheses and without '-'"
            )
        here = self.index - 1
        beside = self.tokens[max(here - 1, 0) : here] + self.tokens[here + 1 : here + 2]
        if any(other.kind is Kind.OR for other in beside):
            raise QueryError(
                f"sort: at position {token.position} orders the whole query: "
                f"it cannot be a side of '{next(o.text for o in beside if o.kind is Kind.OR)}'"
            )
        if self.sort is not None:
            raise QueryError(f"a second sort: at position {token.position} (give one)")
        value = token.text.strip()
        reverse = value.startswith("-")
        name = value[1:] if reverse else value
        if not name:
            raise QueryError(
                f"'sort:' at position {token.position} needs a value (for example sort:-added)"
            )
        try:
            self.sort = Sort(sort_name(name.lower()), reverse)
        except QueryError as problem:
            raise QueryError(f"{problem} at position {token.position}") from None


def _word(text: str, position: int) -> Words:
    needle = word_needle(text)
    if not needle:
        raise QueryError(f"'{text}' at position {position} has no letters or digits to look for")
    return Words(text, needle)
