"""The domain model: papers, their links, read status and where they came from.

Why ~600 lines: :class:`Paper` and its parts are one job, and half of the rest is
:meth:`Paper.from_dict`'s reading of records edited by hand, field by field (one rule
that the store and ``doctor`` share). The tag, title and clock helpers at the end
(:func:`split_tags` to :func:`now_iso`) need none of the classes: they are next to
move into a module of their own (16 modules import them from here).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from readlist.errors import ReadlistError
from readlist.text import escape_controls, strip_controls


class Status(StrEnum):
    """How far the user got with a paper."""

    UNREAD = "unread"
    READING = "reading"
    READ = "read"

    @classmethod
    def parse(cls, value: object) -> Status:
        """The status named by ``value``; anything unknown counts as unread."""
        try:
            return cls(value) if isinstance(value, str) else cls.UNREAD
        except ValueError:
            return cls.UNREAD

    def next(self) -> Status:
        """The status after this one in the unread → reading → read cycle."""
        order = list(Status)
        return order[(order.index(self) + 1) % len(order)]


class LinkKind(StrEnum):
    """What a link points to."""

    CODE = "code"
    PROJECT = "project"
    VIDEO = "video"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found for a paper, classified by what it points to."""

    url: str
    kind: LinkKind = LinkKind.OTHER

    def to_dict(self) -> dict[str, str]:
        """The JSON form: ``{url, kind}``."""
        return {"url": self.url, "kind": self.kind.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        """Build a link from its JSON form, tolerating an unknown kind."""
        kind = data.get("kind", "other")
        link_kind = _LINK_KINDS.get(kind, LinkKind.OTHER) if type(kind) is str else LinkKind.OTHER
        return cls(url=str(data["url"]), kind=link_kind)


#: Each link kind by its value (an unknown kind reads as ``other``).
_LINK_KINDS = {kind.value: kind for kind in LinkKind}


@dataclass(slots=True)
class Source:
    """Where a paper was imported from.

    The other members are only set for BibTeX imports: the original entry type,
    citation key and the remaining fields as plain text (``fields``: journal,
    doi, pages, … with macros resolved); every field but the abstract as written
    in the file (``raw``: braces, macros, ``#`` and all, by lowercased name, in
    file order); the ``@string`` macros those use (``strings``: name → text); the
    file's ``@preamble`` values as written (``preamble``); and a digest of each
    value readlist derived from the fields (``derived``: see
    :func:`bibtex_derived`), so an export can tell which ones the user changed
    since and give the others back exactly.
    """

    file: str
    format: str
    entry_type: str | None = None
    key: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)
    preamble: list[str] = field(default_factory=list)
    derived: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; BibTeX-only members appear only when set."""
        data: dict[str, Any] = {"file": self.file, "format": self.format}
        if self.entry_type is not None:
            data["entry_type"] = self.entry_type
        if self.key is not None:
            data["key"] = self.key
        if self.fields:
            data["fields"] = dict(self.fields)
        if self.raw:
            data["raw"] = dict(self.raw)
        if self.strings:
            data["strings"] = dict(self.strings)
        if self.preamble:
            data["preamble"] = list(self.preamble)
        if self.derived:
            data["derived"] = self.derived
        return data

    def copy(self) -> Source:
        """A copy that shares no dict or list with this source."""
        return Source(
            self.file,
            self.format,
            self.entry_type,
            self.key,
            dict(self.fields),
            dict(self.raw),
            dict(self.strings),
            list(self.preamble),
            self.derived,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any], problems: list[str] | None = None) -> Source:
        """Build a source from its JSON form; wrong types are noted in ``problems`` (see Paper)."""
        get = data.get
        fields = get("fields")
        if fields is None:
            fields = {}
        elif type(fields) is not dict or not set(map(type, fields.values())) <= {str}:
            fields = _text_fields(fields, problems)
        else:
            fields = dict(fields)  # JSON keys are always strings
        # Each field is checked inline and only a wrong one goes through a helper, as in
        # Paper.from_dict: ``export`` builds every source of the library.
        file = get("file", "")
        if type(file) is not str:
            file = _text(file, "source.file", problems)
        format = get("format", "")
        if type(format) is not str:
            format = _text(format, "source.format", problems)
        entry_type = get("entry_type")
        if entry_type is not None and type(entry_type) is not str:
            entry_type = _optional_text(entry_type, "source.entry_type", problems)
        key = get("key")
        if key is not None and type(key) is not str:
            key = _optional_text(key, "source.key", problems)
        raw = get("raw")
        strings = get("strings")
        preamble = get("preamble")
        derived = get("derived")
        return cls(
            file=file,
            format=format,
            entry_type=entry_type,
            key=key,
            fields=fields,
            raw=_text_dict(raw) if raw else {},
            strings=_text_dict(strings) if strings else {},
            preamble=[p for p in preamble if type(p) is str] if type(preamble) is list else [],
            derived=derived if type(derived) is str else "",
        )


def _text_dict(value: object) -> dict[str, str]:
    """``value`` as a dict of strings when it is a dict of strings, else empty."""
    if not isinstance(value, dict):
        return {}
    if set(map(type, value.values())) <= {str}:  # the usual case, checked at C speed
        return dict(value)  # JSON keys are always strings
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


#: The field names of a paper, in the order ``--json`` prints them.
PAPER_FIELDS: tuple[str, ...] = (
    "key",
    "aliases",
    "title",
    "authors",
    "authors_truncated",
    "affiliations",
    "category",
    "published",
    "abstract",
    "has_code",
    "links",
    "tags",
    "status",
    "notes",
    "added",
    "updated",
    "read_at",
    "conflicts",
    "edited",
    "pdf",
    "source",
)


@dataclass(slots=True)
class Paper:
    r"""One paper in the library, with the facts imported and the user's triage data.

    ``published`` is an ISO date: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when
    the source gave no more (BibTeX), or ``None`` when unknown. ``aliases`` are
    other citation keys of the paper (an import that merged two keys, a ``rekey``),
    which find it and are exported so that ``\cite{old}`` keeps working.
    ``conflicts`` are what a sync could not merge on its own, a line each
    (:mod:`readlist.store.threeway`), until the user resolves them.
    ``edited`` names the BibTeX fields (``title``, ``author``, ``date``, ``journal``, …)
    the user set with ``readlist edit``: imports and ``enrich`` never overwrite them.
    ``pdf`` is the file name of the downloaded PDF, relative to the library's folder.
    """

    title: str
    key: str = ""
    aliases: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    authors_truncated: bool = False
    affiliations: list[str] = field(default_factory=list)
    category: str | None = None
    published: str | None = None
    abstract: str = ""
    has_code: bool = False
    links: list[Link] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    status: Status = Status.UNREAD
    notes: str = ""
    added: str | None = None
    updated: str | None = None
    read_at: str | None = None
    conflicts: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    pdf: str | None = None
    source: Source | None = None

    @property
    def year(self) -> int | None:
        """The publication year, when known."""
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        return None

    @property
    def code_url(self) -> str | None:
        """The first code link, if any."""
        for link in self.links:
            if link.kind is LinkKind.CODE:
                return link.url
        return None

    @property
    def first_author(self) -> str | None:
        """The first author's full name, if any."""
        return self.authors[0] if self.authors else None

    def copy(self) -> Paper:
        """A copy that shares no mutable list with this paper."""
        # Spelled out rather than dataclasses.replace, which is 3x slower (imports copy all);
        # test_models checks that every field is copied.
        source = self.source
        return Paper(
            title=self.title,
            key=self.key,
            aliases=list(self.aliases),
            authors=list(self.authors),
            authors_truncated=self.authors_truncated,
            affiliations=list(self.affiliations),
            category=self.category,
            published=self.published,
            abstract=self.abstract,
            has_code=self.has_code,
            links=list(self.links),
            tags=list(self.tags),
            status=self.status,
            notes=self.notes,
            added=self.added,
            updated=self.updated,
            read_at=self.read_at,
            conflicts=list(self.conflicts),
            edited=list(self.edited),
            pdf=self.pdf,
            source=None if source is None else source.copy(),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with exactly the names in :data:`PAPER_FIELDS`."""
        return {
            "key": self.key,
            "aliases": list(self.aliases),
            "title": self.title,
            "authors": list(self.authors),
            "authors_truncated": self.authors_truncated,
            "affiliations": list(self.affiliations),
            "category": self.category,
            "published": self.published,
            "abstract": self.abstract,
            "has_code": self.has_code,
            "links": [link.to_dict() for link in self.links],
            "tags": list(self.tags),
            "status": self.status.value,
            "notes": self.notes,
            "added": self.added,
            "updated": self.updated,
            "read_at": self.read_at,
            "conflicts": list(self.conflicts),
            "edited": list(self.edited),
            "pdf": self.pdf,
            "source": None if self.source is None else self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], problems: list[str] | None = None) -> Paper:
        """Build a paper from its JSON form; missing fields take their defaults.

        Never fails on a record edited by hand: a field of the wrong type reads as its
        default (a number in a text field as its digits) and, when ``problems`` is
        given, one line per such field is added to it, in :data:`PAPER_FIELDS` order
        (``'authors' should be a list of strings, not int``).
        """
        get = data.get
        # Each field is checked inline and only a wrong one goes through a helper:
        # ``list`` builds every paper of the library this way.
        key = get("key", "")
        if type(key) is not str:
            key = _text(key, "key", problems)
        aliases = get("aliases", _MISSING)  # absent from records written before aliases
        aliases = _texts(aliases, "aliases", problems) if _not_texts(aliases) else list(aliases)
        title = get("title", "")
        if type(title) is not str:
            title = _text(title, "title", problems)
        authors = get("authors", _MISSING)
        authors = _texts(authors, "authors", problems) if _not_texts(authors) else list(authors)
        truncated = get("authors_truncated", False)
        if type(truncated) is not bool:
            truncated = _flag(truncated, "authors_truncated", problems)
        affiliations = get("affiliations", _MISSING)
        if _not_texts(affiliations):
            affiliations = _texts(affiliations, "affiliations", problems)
        else:
            affiliations = list(affiliations)
        category = get("category")
        if category is not None and type(category) is not str:
            category = _optional_text(category, "category", problems)
        published = get("published")
        if published is not None and type(published) is not str:
            published = _optional_text(published, "published", problems)
        abstract = get("abstract", "")
        if type(abstract) is not str:
            abstract = _text(abstract, "abstract", problems)
        has_code = get("has_code", False)
        if type(has_code) is not bool:
            has_code = _flag(has_code, "has_code", problems)
        links = _links(get("links", _MISSING), problems)
        tags = get("tags", _MISSING)
        tags = _texts(tags, "tags", problems) if _not_texts(tags) else list(tags)
        stored_status = get("status", "unread")
        status = _STATUSES.get(stored_status) if type(stored_status) is str else None
        if status is None:
            status = _status(stored_status, problems)
        notes = get("notes", "")
        if type(notes) is not str:
            notes = _text(notes, "notes", problems)
        stamps = [get("added"), get("updated"), get("read_at")]
        for n, name in enumerate(("added", "updated", "read_at")):
            if stamps[n] is not None and type(stamps[n]) is not str:
                stamps[n] = _optional_text(stamps[n], name, problems)
        conflicts = get("conflicts", _MISSING)  # absent from records before sync
        if _not_texts(conflicts):
            conflicts = _texts(conflicts, "conflicts", problems)
        else:
            conflicts = list(conflicts)
        edited = get("edited", _MISSING)  # absent from records before `edit`
        edited = _texts(edited, "edited", problems) if _not_texts(edited) else list(edited)
        pdf = get("pdf")
        if pdf is not None and type(pdf) is not str:
            pdf = _optional_text(pdf, "pdf", problems)
        source = get("source")
        if source is not None:
            if type(source) is dict:
                source = Source.from_dict(source, problems)
            else:
                _wrong("source", "an object or null", source, problems)
                source = None
        return cls(
            key=key,
            aliases=aliases,
            title=title,
            authors=authors,
            authors_truncated=truncated,
            affiliations=affiliations,
            category=category,
            published=published,
            abstract=abstract,
            has_code=has_code,
            links=links,
            tags=tags,
            status=status,
            notes=notes,
            added=stamps[0],
            updated=stamps[1],
            read_at=stamps[2],
            conflicts=conflicts,
            edited=edited,
            pdf=pdf,
            source=source,
        )


# -- reading records edited by hand (Paper.from_dict) ----------------------------

#: A field absent from a record (as opposed to one that is ``null``).
_MISSING: Any = object()
_STATUS_VALUES = frozenset(status.value for status in Status)
#: Each status by its value: a dict lookup is several times faster than ``Status(value)``.
_STATUSES = {status.value: status for status in Status}


def _wrong(name: str, expected: str, value: object, problems: list[str] | None) -> None:
    """Note that field ``name`` holds ``value``, which is not ``expected``."""
    if problems is not None:
        problems.append(f"'{name}' should be {expected}, not {type(value).__name__}")


def _is_number(value: object) -> bool:
    return type(value) in (int, float)


def _text(value: object, name: str, problems: list[str] | None) -> str:
    if type(value) is str:
        return value
    _wrong(name, "a string", value, problems)
    return str(value) if _is_number(value) else ""


def _optional_text(value: object, name: str, problems: list[str] | None) -> str | None:
    if value is None or type(value) is str:
        return value
    _wrong(name, "a string or null", value, problems)
    return str(value) if _is_number(value) else None


def _not_texts(value: object) -> bool:
    """Whether ``value`` is anything but a list of strings."""
    if type(value) is not list:
        return True
    for item in value:  # noqa: SIM110 - a loop is twice as fast as any() over a generator
        if type(item) is not str:
            return True
    return False


def _texts(value: object, name: str, problems: list[str] | None) -> list[str]:
    if value is _MISSING:
        return []
    if type(value) is list and not _not_texts(value):
        return list(value)
    _wrong(name, "a list of strings", value, problems)
    if type(value) is not list:
        return []
    return [item if type(item) is str else str(item) for item in value if _is_text(item)]


def _is_text(value: object) -> bool:
    return type(value) is str or _is_number(value)


def _flag(value: object, name: str, problems: list[str] | None) -> bool:
    if type(value) is bool:
        return value
    _wrong(name, "true or false", value, problems)
    return False


def _status(value: object, problems: list[str] | None) -> Status:
    if type(value) is str and value in _STATUS_VALUES:
        return Status(value)
    _wrong("status", "unread, reading or read", value, problems)
    return Status.UNREAD


def _links(value: object, problems: list[str] | None) -> list[Link]:
    if value is _MISSING or value == []:
        return []
    if type(value) is list:
        links = []
        for link in value:
            if type(link) is not dict or type(url := link.get("url")) is not str:
                break
            kind = link.get("kind", "other")
            # A dict lookup, not Link.from_dict: ``list`` builds every link of the library.
            links.append(Link(url, _LINK_KINDS.get(kind, LinkKind.OTHER) if type(kind) is str
                              else LinkKind.OTHER))  # fmt: skip
        else:
            return links
    _wrong("links", "a list of {url, kind}", value, problems)
    if type(value) is not list:
        return []
    value = [link for link in value if type(link) is dict and type(link.get("url")) is str]
    return [Link.from_dict(link) for link in value]


def _text_fields(value: object, problems: list[str] | None) -> dict[str, str]:
    """A BibTeX ``source.fields`` object that holds something other than strings."""
    _wrong("source.fields", "an object of strings", value, problems)
    if type(value) is not dict:
        return {}
    return {k: v if type(v) is str else str(v) for k, v in value.items() if _is_text(v)}


#: The values readlist derives from BibTeX fields, in the order of :func:`bibtex_derived`.
BIBTEX_DERIVED = ("title", "author", "date", "keywords", "primaryclass")


def bibtex_derived(paper: Paper) -> str:
    """A digest of each value readlist derives from BibTeX fields, space-separated.

    In the order of :data:`BIBTEX_DERIVED`: the title, the authors (with "and
    others"), the date (year, month, day, date fields), the tags (keywords) and
    the category (primaryclass). Stored at import in :attr:`Source.derived`;
    where a digest differs at export, the user (or a later import) changed that
    value, and it is written from the paper.
    """
    authors = "\n".join(paper.authors) + ("\n\x00others" if paper.authors_truncated else "")
    values = (
        paper.title,
        authors,
        paper.published or "",
        "\n".join(paper.tags),
        paper.category or "",
    )
    return " ".join(
        hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
        for value in values
    )


_TAG_SPACE = re.compile(r"\s+")
_TAG_SEPARATORS = re.compile(r"[,\s]+")


def split_tags(text: str) -> list[str]:
    """Tags as typed, ``a, b c`` → ``["a", "b", "c"]``: the CLI and the interface split alike."""
    return [tag for tag in _TAG_SEPARATORS.split(text) if tag]


def normalize_tag(tag: str) -> str:
    """A tag as stored: lowercase, trimmed, inner spaces as hyphens."""
    return _TAG_SPACE.sub("-", tag.strip().lower())


def tag_from_input(tag: str) -> str:
    """A tag the user gave, normalised; one with control characters is refused.

    Tags are echoed to terminals and shown in the interface, so an escape
    sequence in one could retitle the window or hide text: it is never stored.
    """
    normal = normalize_tag(tag)
    if strip_controls(normal) != normal:
        raise ReadlistError(
            f"tag '{escape_controls(tag.strip())}' has control characters; "
            "a tag is plain text (letters, digits, punctuation)"
        )
    return normal


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` for matching (``Łódź`` → ``lodz``).

    Non-ASCII text is transliterated, so both sides of a match must be folded.
    """
    if text.isascii():
        return text.lower()
    from anyascii import anyascii  # imported here: it loads importlib.resources, tempfile, …

    return anyascii(text).lower()


_NON_WORD = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """A title reduced to folded words, for telling whether two papers are the same."""
    return _NON_WORD.sub(" ", fold(title)).strip()


def now_iso() -> str:
    """The current time as an ISO timestamp in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
