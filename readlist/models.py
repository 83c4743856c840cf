"""The domain model: papers, their links, read status and where they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from anyascii import anyascii


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
        try:
            link_kind = LinkKind(kind)
        except ValueError:
            link_kind = LinkKind.OTHER
        return cls(url=str(data["url"]), kind=link_kind)


@dataclass(slots=True)
class Source:
    """Where a paper was imported from.

    ``entry_type``, ``key`` and ``fields`` are only set for BibTeX imports: the
    original entry type, citation key and the remaining raw fields (journal,
    doi, pages, …) so an export can give them back.
    """

    file: str
    format: str
    entry_type: str | None = None
    key: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; BibTeX-only members appear only when set."""
        data: dict[str, Any] = {"file": self.file, "format": self.format}
        if self.entry_type is not None:
            data["entry_type"] = self.entry_type
        if self.key is not None:
            data["key"] = self.key
        if self.fields:
            data["fields"] = dict(self.fields)
        return data

    def copy(self) -> Source:
        """A copy that shares no dict with this source."""
        return Source(self.file, self.format, self.entry_type, self.key, dict(self.fields))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Build a source from its JSON form."""
        return cls(
            file=str(data.get("file", "")),
            format=str(data.get("format", "")),
            entry_type=data.get("entry_type"),
            key=data.get("key"),
            fields={str(k): str(v) for k, v in (data.get("fields") or {}).items()},
        )


#: The field names of a paper, in the order ``--json`` prints them.
PAPER_FIELDS: tuple[str, ...] = (
    "key",
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
    "source",
)


@dataclass(slots=True)
class Paper:
    """One paper in the library, with the facts imported and the user's triage data.

    ``published`` is an ISO date: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when
    the source gave no more (BibTeX), or ``None`` when unknown.
    """

    title: str
    key: str = ""
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
            source=None if source is None else source.copy(),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with exactly the names in :data:`PAPER_FIELDS`."""
        return {
            "key": self.key,
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
            "source": None if self.source is None else self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Build a paper from its JSON form; missing fields take their defaults."""
        source = data.get("source")
        return cls(
            key=str(data.get("key", "")),
            title=str(data.get("title", "")),
            authors=[str(a) for a in data.get("authors") or []],
            authors_truncated=bool(data.get("authors_truncated", False)),
            affiliations=[str(a) for a in data.get("affiliations") or []],
            category=data.get("category"),
            published=data.get("published"),
            abstract=str(data.get("abstract") or ""),
            has_code=bool(data.get("has_code", False)),
            links=[Link.from_dict(link) for link in data.get("links") or []],
            tags=[str(t) for t in data.get("tags") or []],
            status=Status.parse(data.get("status", "unread")),
            notes=str(data.get("notes") or ""),
            added=data.get("added"),
            updated=data.get("updated"),
            read_at=data.get("read_at"),
            source=Source.from_dict(source) if isinstance(source, dict) else None,
        )


_TAG_SPACE = re.compile(r"\s+")


def normalize_tag(tag: str) -> str:
    """A tag as stored: lowercase, trimmed, inner spaces as hyphens."""
    return _TAG_SPACE.sub("-", tag.strip().lower())


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` for matching (``Łódź`` → ``lodz``).

    Non-ASCII text is transliterated, so both sides of a match must be folded.
    """
    if text.isascii():
        return text.lower()
    return anyascii(text).lower()


_NON_WORD = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """A title reduced to folded words, for telling whether two papers are the same."""
    return _NON_WORD.sub(" ", fold(title)).strip()


def now_iso() -> str:
    """The current time as an ISO timestamp in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
