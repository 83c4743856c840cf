"""What a THING given to ``readlist add`` names: an arXiv id, a DOI or an ACL Anthology id.

Pure text rules, no I/O: :func:`parse_thing` reads ids, ``arXiv:`` and ``doi:``
prefixes, and the URLs of arxiv.org, doi.org, huggingface.co/papers and
aclanthology.org; ``docs/add.md`` lists every form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from readlist.errors import ReadlistError
from readlist.text import escape_controls

_ARXIV = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})(?P<version>v\d+)?"
_ARXIV_ID = re.compile(rf"(?:arxiv:\s*)?{_ARXIV}", re.IGNORECASE)
_DOI = re.compile(r"(?:doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.IGNORECASE)
#: ``2020.acl-main.463`` (since 2020) or ``P19-1001`` (the older letter-and-number ids).
_ACL_ID = re.compile(r"(?P<id>\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+|[A-Z]\d{2}-\d{4})")
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.{_ARXIV}", re.IGNORECASE)

ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org"})
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org"})
HF_HOSTS = frozenset({"huggingface.co", "hf.co"})
ACL_HOSTS = frozenset({"aclanthology.org", "aclweb.org"})


@dataclass(frozen=True, slots=True)
class Thing:
    """One THING: its kind (``arxiv``, ``doi``, ``acl``), its id, and the text as given."""

    kind: str
    id: str
    text: str
    #: An arXiv version asked for (``v2``), else ``""``.
    version: str = ""

    def describe(self) -> str:
        """``arXiv 2306.07629``, ``DOI 10.1/x``, ``ACL Anthology D16-1001``."""
        label = {"arxiv": "arXiv", "doi": "DOI", "acl": "ACL Anthology"}[self.kind]
        return f"{label} {self.id}{self.version}"


class ThingError(ReadlistError):
    """A THING that names no paper readlist can look up, or one the services do not know."""


def _host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _arxiv(match: re.Match[str], text: str) -> Thing:
    return Thing("arxiv", match["id"].lower(), text, (match["version"] or "").lower())


def _doi(doi: str, text: str) -> Thing:
    doi = doi.rstrip(".,;")
    arxiv = _ARXIV_DOI.fullmatch(doi)
    if arxiv:  # arXiv's own DOIs are registered at DataCite: ask DataCite (docs/add.md)
        return Thing("doi", f"10.48550/arXiv.{arxiv['id']}", text)
    return Thing("doi", doi, text)


def _from_url(text: str, extra_hosts: dict[str, str]) -> Thing | None:
    try:
        parts = urlsplit(text)
        host = _host(parts.hostname or "")
    except ValueError:
        return None
    kind = extra_hosts.get(host)
    path = unquote(parts.path).strip("/")
    if host in ARXIV_HOSTS or kind == "arxiv":
        head, _, rest = path.partition("/")
        rest = rest.removesuffix(".pdf")
        match = _ARXIV_ID.fullmatch(rest) if head in ("abs", "pdf") else None
        return _arxiv(match, text) if match else None
    if host in HF_HOSTS or kind == "hf":
        head, _, rest = path.partition("/")
        match = _ARXIV_ID.fullmatch(rest) if head == "papers" else None
        return _arxiv(match, text) if match else None
    if host in DOI_HOSTS or kind == "doi":
        match = _DOI.fullmatch(path)
        return _doi(match["doi"], text) if match else None
    if host in ACL_HOSTS or kind == "acl":
        path = path.removeprefix("anthology/")
        for suffix in (".pdf", ".bib"):
            path = path.removesuffix(suffix)
        match = _ACL_ID.fullmatch(path)
        return Thing("acl", match["id"], text) if match else None
    return None


def parse_thing(text: str, extra_hosts: dict[str, str] | None = None) -> Thing:
    """The paper ``text`` names; :class:`ThingError` with one line when it names none.

    ``extra_hosts`` maps more host names to a kind (``arxiv``, ``hf``, ``doi``,
    ``acl``): the hosts of mirrors set in the settings.
    """
    given = text.strip().strip("<>").strip()
    if given.lower().startswith(("http://", "https://")):
        thing = _from_url(given, extra_hosts or {})
        if thing is not None:
            return Thing(thing.kind, thing.id, text, thing.version)
    else:
        match = _ARXIV_ID.fullmatch(given)
        if match:
            return _arxiv(match, text)
        doi = _DOI.fullmatch(given)
        if doi:
            return _doi(doi["doi"], text)
        acl = _ACL_ID.fullmatch(given)
        if acl:
            return Thing("acl", acl["id"], text)
    raise ThingError(
        f"'{escape_controls(given)}' is not an arXiv id, a DOI or an ACL Anthology id, "
        "nor a URL of one (see docs/add.md)"
    )
