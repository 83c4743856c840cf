"""Identity and merging of papers: when two imports are the same paper, and what the library keeps.

Why ~540 lines: identity, merging and matching are the three steps of one rule and
read the same normalised keys; splitting them would scatter one decision.

Pure rules, no I/O. :func:`identity` says what a paper is known by, :func:`same_paper`
compares two identities, :func:`merge_papers` combines a known paper with a new
source of it field by field, and :class:`Matcher` finds, import entry by import
entry, which known paper (if any) an incoming one is. ``docs/import.md`` states
the rules for users.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from readlist.bib.names import split_name
from readlist.models import Link, Paper, Source, normalize_tag

# -- normalised text -----------------------------------------------------------

#: ASCII symbols that tell titles apart (``C++``/``C#``/``C``, ``A*``, ``Recall@k``).
_KEPT_SYMBOLS = "+#*&=<>%@"
_ASCII_SEPARATORS = re.compile(rf"[^a-z0-9{re.escape(_KEPT_SYMBOLS)}]+")
_MATH = re.compile(r"\$([^$]*)\$")
_MACRO = re.compile(r"\\([A-Za-z]+)")


def _math_macro(match: re.Match[str]) -> str:
    r"""A Greek letter for ``\alpha`` or ``\Omega`` (``$\alpha$`` matches ``α``); else the name."""
    name = match[1]
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        return f" {name} "


def _math_to_text(match: re.Match[str]) -> str:
    return _MACRO.sub(_math_macro, match[1])


@lru_cache(maxsize=1 << 12)
def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _unaccented(text: str) -> str:
    """``text`` without accents on Latin letters (``Müller`` → ``muller``), other scripts intact.

    Marks on other scripts carry meaning (``が`` is not ``か``), so only marks that
    follow a Latin letter go. Nothing is transliterated.
    """
    kept: list[str] = []
    base_is_latin = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if base_is_latin:
                continue
        else:
            base_is_latin = char.isascii() or _is_latin(char)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _keeps(char: str) -> bool:
    return char.isalnum() or char in _KEPT_SYMBOLS or unicodedata.category(char) == "Sm"


@lru_cache(maxsize=1 << 16)  # an import computes each title's key for two sides
def title_key(title: str) -> str:
    r"""A title reduced to what tells papers apart: case and punctuation go, meaning stays.

    Letters and digits of every script, ``+ # * & = < > % @`` and math symbols are
    kept; LaTeX math names its Greek letters (``$\alpha$`` → ``α``); accents on
    Latin letters go. Transliteration is never used: ``α`` is not ``a``.
    """
    if "$" in title:
        title = _MATH.sub(_math_to_text, title)
    if title.isascii():
        return _ASCII_SEPARATORS.sub(" ", title.lower()).strip()
    text = _unaccented(unicodedata.normalize("NFKC", title).casefold())
    return " ".join("".join(c if _keeps(c) else " " for c in text).split())


@lru_cache(maxsize=1 << 16)  # the same first authors come back paper after paper
def author_key(name: str) -> str:
    """A first author as identity compares it: family name and first initial (``sun z``)."""
    parts = split_name(name)
    family = title_key(parts.family)
    given = title_key(parts.given)
    return f"{family} {given[0]}" if given else family


# -- identifiers ---------------------------------------------------------------

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_EPRINT = re.compile(rf"(?:arxiv:)?{_ARXIV_ID}", re.IGNORECASE)
_ARXIV_URL = re.compile(
    rf"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ARXIV_ID}(?:\.pdf)?/?$", re.IGNORECASE
)
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)


def arxiv_id(text: str) -> str | None:
    """The arXiv id without version in an eprint (``arXiv:2306.07629v2`` → ``2306.07629``)."""
    match = _ARXIV_EPRINT.fullmatch(text.strip())
    return match[1].lower() if match else None


def doi_key(text: str) -> str | None:
    """A DOI as compared: lowercase, without ``doi:`` or ``https://doi.org/``; else ``None``."""
    doi = unquote(_DOI_PREFIX.sub("", text.strip().replace("\\_", "_"))).strip().lower()
    return doi if doi.startswith("10.") and "/" in doi else None


def _ids_of_doi(text: str) -> tuple[str | None, str | None]:
    """(arXiv id, DOI) named by a DOI: arXiv's own DOIs (``10.48550/arXiv.…``) are arXiv ids."""
    doi = doi_key(text)
    if doi is None:
        return None, None
    arxiv = _ARXIV_DOI.fullmatch(doi)
    return (arxiv[1], None) if arxiv else (None, doi)


def _ids_of_url(url: str) -> tuple[str | None, str | None]:
    """(arXiv id, DOI) a link names: an arxiv.org abs/pdf page or a doi.org address."""
    lowered = url.lower()
    if "arxiv.org/" in lowered:
        match = _ARXIV_URL.match(url.strip())
        return (match[1].lower() if match else None), None
    if "doi.org/" in lowered:
        return _ids_of_doi(url)
    return None, None


def _ids_of_fields(fields: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(arXiv ids, DOIs) in BibTeX fields: ``eprint`` (an arXiv one) and ``doi``."""
    eprint = fields.get("eprint")
    doi = fields.get("doi")
    if eprint is None and doi is None:
        return set(), set()
    prefix = fields.get("archiveprefix") or fields.get("eprinttype") or ""
    arxiv, found = _field_ids(str(eprint or ""), str(prefix), str(doi or ""))
    return set(arxiv), set(found)


@lru_cache(maxsize=1 << 16)  # an import reads each paper's fields for both sides of a match
def _field_ids(eprint: str, prefix: str, doi: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    arxiv: list[str] = []
    dois: list[str] = []
    if eprint and prefix.strip().lower() in ("", "arxiv"):
        arxiv += filter(None, [arxiv_id(eprint)])
    if doi:
        from_arxiv, found = _ids_of_doi(doi)
        arxiv += filter(None, [from_arxiv])
        dois += filter(None, [found])
    return tuple(arxiv), tuple(dois)


@dataclass(frozen=True, slots=True)
class Identity:
    """What a paper is known by: identifiers first, then title and first author."""

    title: str
    author: str
    arxiv: frozenset[str] = frozenset()
    doi: frozenset[str] = frozenset()

    def tokens(self) -> list[str]:
        """The identifiers as index keys (``arxiv:2306.07629``, ``doi:10.1/x``)."""
        if not self.arxiv and not self.doi:
            return []  # most papers: listings and search results name none
        return [f"arxiv:{a}" for a in sorted(self.arxiv)] + [f"doi:{d}" for d in sorted(self.doi)]


def identity(paper: Paper) -> Identity:
    """The identity of ``paper``.

    Identifiers come from its BibTeX ``eprint`` and ``doi`` fields and from its
    arxiv.org and doi.org links, except links its abstract mentions: an abstract
    cites other work ("we build on arXiv:2101.00001"), which says nothing about
    the paper itself.
    """
    arxiv: set[str] = set()
    dois: set[str] = set()
    if paper.source is not None:
        arxiv, dois = _ids_of_fields(paper.source.fields)
    abstract: str | None = None
    for link in paper.links:
        from_arxiv, doi = _ids_of_url(link.url)
        if from_arxiv or doi:
            abstract = paper.abstract.lower() if abstract is None else abstract
            if from_arxiv and from_arxiv not in abstract:
                arxiv.add(from_arxiv)
            if doi and doi not in abstract:
                dois.add(doi)
    author = author_key(paper.authors[0]) if paper.authors else ""
    return Identity(title_key(paper.title), author, frozenset(arxiv), frozenset(dois))


def record_tokens(record: Mapping[str, Any]) -> tuple[str, list[str]]:
    """(title key, identifier tokens) of a stored paper record, for finding candidates fast.

    The tokens are a superset of :func:`identity`'s (links the abstract mentions are
    included, since a record's abstract is stored apart): :class:`Matcher` checks
    each candidate with :func:`same_paper`, so a superset finds every real match.
    """
    title = record.get("title")
    arxiv: set[str] = set()
    dois: set[str] = set()
    source = record.get("source")
    fields = source.get("fields") if isinstance(source, dict) else None
    if isinstance(fields, dict):
        arxiv, dois = _ids_of_fields(fields)
    links = record.get("links")
    for link in links if isinstance(links, list) else ():
        url = link.get("url") if isinstance(link, dict) else None
        if isinstance(url, str):
            from_arxiv, doi = _ids_of_url(url)
            arxiv.update(filter(None, [from_arxiv]))
            dois.update(filter(None, [doi]))
    ident = Identity("", "", frozenset(arxiv), frozenset(dois))
    return title_key(title) if isinstance(title, str) else "", ident.tokens()


def _identifiers_differ(a: Identity, b: Identity) -> bool:
    """Whether both name identifiers of one kind (arXiv id, DOI) and share none."""
    return any(
        mine and theirs and mine.isdisjoint(theirs)
        for mine, theirs in ((a.arxiv, b.arxiv), (a.doi, b.doi))
    )


def same_paper(a: Identity, b: Identity) -> bool:
    """Whether two identities are one paper (a symmetric relation).

    Identifiers decide first: two papers with identifiers of the same kind (arXiv
    id, DOI) that share none are different papers, whatever their titles; sharing
    one (with no such disagreement) makes them the same. Otherwise the normalised
    titles must be equal and non-empty, and so must the first authors unless one
    side names no author.
    """
    shared = False
    for mine, theirs in ((a.arxiv, b.arxiv), (a.doi, b.doi)):
        if mine and theirs:
            if mine.isdisjoint(theirs):
                return False
            shared = True
    if shared:
        return True
    if not a.title or a.title != b.title:
        return False
    return not a.author or not b.author or a.author == b.author


# -- merging -------------------------------------------------------------------


def _precision(date: str | None) -> int:
    """How many of year, month and day an ISO date gives (0 when unknown)."""
    return len(date.split("-")) if date else 0


def _richer_authors(current: Paper, incoming: Paper) -> bool:
    """Whether ``incoming``'s author list is at least as good as ``current``'s.

    An empty list says nothing. A truncated (``et al.``) list never replaces a full
    one, and a full one replaces a truncated one only when it names more authors
    (otherwise the ``et al.`` says it is not full). Otherwise the list that names
    at least as many authors wins.
    """
    if not incoming.authors:
        return False
    if not current.authors:
        return True
    if incoming.authors_truncated and not current.authors_truncated:
        return False
    if current.authors_truncated and not incoming.authors_truncated:
        return len(incoming.authors) > len(current.authors)
    return len(incoming.authors) >= len(current.authors)


def _merged_links(current: Sequence[Link], incoming: Sequence[Link]) -> list[Link]:
    """Both lists of links, the known ones first, each URL once."""
    seen = {link.url for link in current}
    merged = list(current)
    for link in incoming:
        if link.url not in seen:
            seen.add(link.url)
            merged.append(link)
    return merged


def _merged_source(
    current: Source | None, incoming: Source | None, edited: frozenset[str] = frozenset()
) -> Source | None:
    """The known source with the incoming one's fields added (non-empty values win).

    Fields the user ``edited`` keep their value. The file name stays the known one
    here; :func:`merge_papers` moves it to the incoming file only when that file
    changed something.
    """
    if incoming is None:
        return None if current is None else current.copy()
    if current is None:
        return incoming.copy()
    merged = current.copy()
    for name, value in incoming.fields.items():
        if name not in edited and (value.strip() or name not in merged.fields):
            merged.fields[name] = value
    if incoming.raw:
        # The entry as the file now writes it: an edited .bib re-imported is exported
        # with its new text, braces and macros, not with the text first imported.
        for name, raw in incoming.raw.items():
            if name not in edited and (raw.strip() or name not in merged.raw):
                merged.raw[name] = raw
        merged.strings = {**merged.strings, **incoming.strings}
        merged.preamble = list(incoming.preamble or merged.preamble)
        merged.derived = incoming.derived
    # A plain @misc says less than the type already known (@article, @inproceedings).
    if (
        incoming.entry_type
        and "entrytype" not in edited
        and not (incoming.entry_type == "misc" and merged.entry_type)
    ):
        merged.entry_type = incoming.entry_type
    if incoming.key and not merged.key:
        merged.key = incoming.key  # a key already imported stays: \cite{} uses it
    return merged


def merge_papers(current: Paper, incoming: Paper, extra_tags: Iterable[str] = ()) -> Paper:
    """``current`` with what ``incoming`` knows better, field by field; the user's data kept.

    The "richer or equal" rule (``docs/import.md``): a value ``incoming`` lacks
    never erases one ``current`` has; a non-empty title, abstract, affiliation
    list or category replaces the known one; authors follow :func:`_richer_authors`;
    a date replaces the known one unless it is less precise (``2023`` never
    replaces ``2023-06-13``); links are united and ``has_code`` never turns off;
    BibTeX fields (``eprint``, ``doi``, …) are added; the ``.bib`` key ``incoming``
    was read with becomes an alias when it is not the known key. Key, status, notes and
    timestamps are the user's; tags are united with ``incoming``'s and ``extra_tags``.
    A field the user set with ``readlist edit`` (:attr:`Paper.edited`) is never replaced:
    after an edit of ``url`` the links, and of ``keywords`` the tags, are the user's
    (only ``extra_tags``, asked for by the user, are still added).
    Merging a paper with itself changes nothing.
    """
    merged = current.copy()
    edited = frozenset(current.edited)
    if incoming.title.strip() and "title" not in edited:
        merged.title = incoming.title
    if "author" not in edited and _richer_authors(current, incoming):
        merged.authors = list(incoming.authors)
        merged.authors_truncated = incoming.authors_truncated
    if incoming.affiliations:
        merged.affiliations = list(incoming.affiliations)
    if incoming.category and "primaryclass" not in edited:
        merged.category = incoming.category
    if (
        incoming.published
        and "date" not in edited
        and _precision(incoming.published) >= _precision(current.published)
    ):
        merged.published = incoming.published
    if incoming.abstract.strip() and "abstract" not in edited:
        merged.abstract = incoming.abstract
    if "url" not in edited:  # else a link the user removed would come back
        merged.links = _merged_links(current.links, incoming.links)
        merged.has_code = current.has_code or incoming.has_code
    merged.source = _merged_source(current.source, incoming.source, edited)
    if incoming.aliases or (incoming.source is not None and incoming.source.key):
        aliases = _new_aliases(current, incoming)
        if aliases:
            merged.aliases = [*current.aliases, *aliases]
    brought = () if "keywords" in edited else incoming.tags
    tags = {normalize_tag(tag) for tag in (*brought, *extra_tags)} - {""}
    if not tags <= set(merged.tags):
        merged.tags = sorted(set(merged.tags) | tags)
    if (
        merged.source is not None
        and incoming.source is not None
        and merged != current
        and (incoming.source.format == "bibtex" or merged.source.format != "bibtex")
    ):
        # The source names the last file that taught the library something; but a
        # paper from the user's own .bib stays theirs when arXiv or a DOI record
        # enriches it, or its key would no longer be pinned and its entry not theirs.
        merged.source.file = incoming.source.file
        merged.source.format = incoming.source.format
    return merged


def _new_aliases(current: Paper, incoming: Paper) -> list[str]:
    r"""The keys ``incoming`` is cited by that ``current`` lacks: its ``.bib`` key, its aliases.

    When an import finds that two keys are one paper (the same DOI in two files),
    the paper keeps its key and the other becomes an alias, so ``\cite{other}``
    keeps working.
    """
    known = {current.key, *current.aliases, _citation_key(current)}  # its own .bib key too
    keys = (_citation_key(incoming), *incoming.aliases)
    return [key for key in dict.fromkeys(keys) if key and key not in known]


#: Fields :func:`changed_fields` never reports: the user's bookkeeping.
_BOOKKEEPING = frozenset({"key", "added", "updated", "read_at", "status", "notes"})


def changed_fields(before: Paper, after: Paper) -> list[str]:
    """The names of the fields that differ between two versions of a paper."""
    old, new = before.to_dict(), after.to_dict()
    return [name for name in old if name not in _BOOKKEEPING and old[name] != new[name]]


# -- matching an import against the library --------------------------------------


def _citation_key(paper: Paper) -> str | None:
    """The BibTeX citation key ``paper`` was read with, if it came from a ``.bib``."""
    source = paper.source
    if source is None or source.format != "bibtex":
        return None
    return source.key or None


class Matcher:
    """Finds which known paper an incoming one is, following :func:`same_paper`.

    Known papers are registered by key (stored records with :meth:`add_record`,
    papers of the import itself with :meth:`add`); :meth:`find` looks up
    candidates by identifier and by title, then checks each with the full rules,
    loading papers through the ``load`` callable it is given.

    Entries with distinct citation keys in one BibTeX source are never one paper
    (a journal's volumes share a title): a paper met in this import under one key
    (or under none) is not matched by another key, or a keyless entry, from the
    same source (``batch``), nor is a
    known paper read from a file of the same name under another key.
    """

    def __init__(self, load: Callable[[str], Paper]) -> None:
        """An empty matcher that reads known papers with ``load(key)``."""
        self._load = load
        self._by_title: dict[str, list[str]] = {}
        self._by_token: dict[str, list[str]] = {}
        self._identities: dict[str, Identity] = {}
        #: Citation keys met in this import, by library key: (batch, citation key).
        self._met: dict[str, tuple[int, str | None]] = {}
        #: Stored papers read from a .bib, by (file, citation key) they were read under.
        self._by_entry: dict[tuple[str, str], str] = {}

    def _index(self, key: str, title: str, tokens: Iterable[str]) -> None:
        if title:
            keys = self._by_title.setdefault(title, [])
            if key not in keys:
                keys.append(key)
        for token in tokens:
            keys = self._by_token.setdefault(token, [])
            if key not in keys:
                keys.append(key)

    def add_record(self, key: str, record: Mapping[str, Any]) -> None:
        """Register a stored paper record (read cheaply, without its abstract)."""
        title, tokens = record_tokens(record)
        self._index(key, title, tokens)
        source = record.get("source")
        if isinstance(source, dict) and source.get("format") == "bibtex":
            entry = (source.get("file"), source.get("key"))
            if all(isinstance(part, str) and part for part in entry):
                self._by_entry.setdefault((str(entry[0]), str(entry[1])), key)

    def add(
        self, key: str, paper: Paper, batch: int, incoming: Paper, ident: Identity | None = None
    ) -> None:
        """Register ``paper`` as the library's (new or changed) paper ``key``.

        ``incoming`` is the entry of source ``batch`` that made it; ``ident`` is
        ``paper``'s identity when the caller has it already.
        """
        ident = identity(paper) if ident is None else ident
        self._identities[key] = ident
        self._index(key, ident.title, ident.tokens())
        self.met(key, batch, incoming)

    def met(self, key: str, batch: int, incoming: Paper) -> None:
        """Note that ``incoming`` (of source ``batch``) is paper ``key`` and left it as is."""
        self._met.setdefault(key, (batch, _citation_key(incoming)))

    def _identity(self, key: str) -> Identity:
        ident = self._identities.get(key)
        if ident is None:
            ident = self._identities[key] = identity(self._load(key))
        return ident

    def find(self, incoming: Paper, batch: int) -> tuple[str | None, Identity]:
        """The key of the known paper ``incoming`` is (``None`` for a new paper), and its identity.

        Of several, one read under the same citation key wins, then the first found
        (by identifier before by title, each in library order).
        """
        ident = identity(incoming)
        candidates: dict[str, None] = {}
        for token in ident.tokens():
            candidates.update(dict.fromkeys(self._by_token.get(token, ())))
        candidates.update(dict.fromkeys(self._by_title.get(ident.title, ())))
        citation = _citation_key(incoming)
        source_file = incoming.source.file if incoming.source is not None else None
        if citation and source_file:
            # The same entry of the same file, re-imported after the user edited it
            # (a title typo fixed): the same paper, unless its identifiers now differ.
            edited = self._by_entry.get((source_file, citation))
            if edited is not None and not _identifiers_differ(ident, self._identity(edited)):
                return edited, ident
        found: str | None = None
        for key in candidates:
            met = self._met.get(key)
            if met and met[0] == batch and (citation or met[1]) and met[1] != citation:
                continue  # two entries of one .bib, keyed differently (or one keyless)
            if not same_paper(ident, self._identity(key)):
                continue
            known = self._load(key)
            known_citation = _citation_key(known)
            if citation and known_citation == citation:
                return key, ident
            if (
                citation
                and known_citation
                and known.source is not None
                and known.source.file == source_file
            ):
                continue  # another entry of the same .bib file
            if found is None:
                found = key
        return found, ident
