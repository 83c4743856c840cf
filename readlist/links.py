"""Finding URLs in abstracts, classifying them, and checking them before they are opened."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, quote, quote_plus, urlsplit

from readlist.models import Link, LinkKind, Paper
from readlist.text import one_line

# A URL starts at ``http://`` or ``https://`` (any ASCII case, even glued to a preceding
# word; not re.IGNORECASE, which would take "httpſ" for "https") and runs until
# whitespace or a character that never appears unescaped in a URL written in prose or
# LaTeX: quotes, angle brackets, braces (``\href{URL}{text}``, ``\url{URL}``),
# backslash and typographic quotes.
# A backslash is let through only as a LaTeX escape (``\_``, ``\%``, ``\&``, ``\#``,
# ``\~``), which is undone.
_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://(?:[^\s<>\"'`{}\\|^“”‘’«»\u3000-\u303f]|\\[_%&#~$])+")
_LATEX_ESCAPE = re.compile(r"\\([_%&#~$])")

# Characters that end a sentence rather than a URL when they come last.
_TRAILING = ".,;:!?*…$"

_CLOSERS = {")": "(", "]": "["}


def _trim(url: str) -> str:
    """``url`` cut at its first unbalanced closing bracket, without trailing punctuation."""
    if ")" in url or "]" in url:
        url = _cut_at_unbalanced_closer(url)
    return url.rstrip(_TRAILING)  # one pass, even for a URL ending in a million dots


def _cut_at_unbalanced_closer(url: str) -> str:
    """``url`` up to its first closing bracket that no opening bracket before it matches."""
    depth = {"(": 0, "[": 0}
    for index, char in enumerate(url):
        if char in depth:
            depth[char] += 1
        elif char in _CLOSERS:
            opener = _CLOSERS[char]
            if depth[opener] == 0:
                return url[:index]
            depth[opener] -= 1
    return url


def _split_with_host(url: str) -> SplitResult | None:
    """``url`` split into its parts, or ``None`` if it does not parse with a host."""
    try:
        parts = urlsplit(url)
        return parts if parts.hostname else None
    except ValueError:
        return None


def extract_links(text: str) -> list[Link]:
    r"""The http(s) URLs in ``text``, classified, each once, in order of first appearance.

    Handles plain URLs in prose, ``\href{URL}{text}`` and ``\url{URL}`` (the URL
    stops at the brace), URLs in parentheses or braces, a URL ending a sentence
    (trailing ``.``, ``,``, ``;`` … are dropped) and words glued after a closing
    bracket (``…/LMTuner/)and`` → ``…/LMTuner/``). Balanced brackets inside a URL
    (``…/wiki/Foo_(bar)``) are kept. LaTeX escapes such as ``\_`` are undone.
    URLs without a scheme (``github.com/x/y``) are not recognised.
    """
    links: list[Link] = []
    if "://" not in text:
        return links  # every URL has one; most abstracts have none, and this is cheap
    seen: set[str] = set()
    # No URL starts more than len("https") characters before the first "://", so the
    # regex (slower to scan than str.find) need not look at the text before that.
    first = max(0, text.find("://") - len("https"))
    for match in _URL.finditer(text, first):
        url = match.group(0)
        if "\\" in url:
            url = _LATEX_ESCAPE.sub(r"\1", url)
        url = _trim(url)
        if url in seen:
            continue
        parts = _split_with_host(url)
        if parts is None:
            continue
        seen.add(url)
        links.append(Link(url=url, kind=_classify_parts(parts)))  # url has no blanks to strip
    return links


_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
_CODE_SUBHOSTS = frozenset({"gist.github.com", "raw.githubusercontent.com", "git.sr.ht"})

_VIDEO_HOSTS = frozenset(
    {"youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "bilibili.com", "b23.tv"}
)

# Hosts of papers, publishers and indexes: a link there is the paper, not a project.
_PAPER_HOSTS = frozenset(
    {
        "arxiv.org", "export.arxiv.org", "doi.org", "dx.doi.org", "openreview.net",
        "aclanthology.org", "aclweb.org", "semanticscholar.org", "api.semanticscholar.org",
        "dl.acm.org", "ieeexplore.ieee.org", "link.springer.com", "springer.com",
        "sciencedirect.com", "nature.com", "science.org", "proceedings.neurips.cc",
        "papers.nips.cc", "neurips.cc", "proceedings.mlr.press", "jmlr.org",
        "openaccess.thecvf.com", "ecva.net", "aaai.org", "ojs.aaai.org", "ijcai.org",
        "biorxiv.org", "medrxiv.org", "ssrn.com", "papers.ssrn.com", "researchgate.net",
        "scholar.google.com", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov",
        "paperswithcode.com", "dblp.org", "hal.science", "hal.archives-ouvertes.fr",
        "alphaxiv.org", "scirate.com",
    }
)  # fmt: skip

# File, data and social hosts: useful links, but not a project page.
_OTHER_HOSTS = frozenset(
    {
        "drive.google.com", "docs.google.com", "dropbox.com", "zenodo.org", "figshare.com",
        "kaggle.com", "twitter.com", "x.com", "linkedin.com", "facebook.com",
        "reddit.com", "wikipedia.org", "bit.ly", "t.co",
    }
)  # fmt: skip

_PROJECT_SUFFIXES = (".github.io", ".gitlab.io", ".readthedocs.io", ".pages.dev")

# First path segments of huggingface.co that are not ``org/repo`` repositories.
_HF_RESERVED = frozenset(
    {
        "papers", "docs", "blog", "learn", "posts", "collections", "organizations",
        "settings", "login", "join", "pricing", "tasks", "models", "datasets", "spaces",
        "api", "chat", "search", "enterprise", "changelog", "terms-of-service", "privacy",
    }
)  # fmt: skip


def _host_in(host: str, hosts: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``hosts`` or a subdomain of one."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in hosts for i in range(len(parts) - 1))


def classify_url(url: str) -> LinkKind:
    """What ``url`` points to.

    * ``code``: a repository host — github.com, gitlab.com, bitbucket.org,
      codeberg.org (any path, including a user or organisation page; the bare
      host is ``other``), gist.github.com, raw.githubusercontent.com, git.sr.ht,
      and huggingface.co model
      (``huggingface.co/org/model``) and Space (``huggingface.co/spaces/x/y``)
      repositories (the bare huggingface.co is ``other``).
    * ``video``: youtube.com, youtu.be, vimeo.com, bilibili.com / b23.tv.
    * ``project``: ``*.github.io`` / ``*.gitlab.io`` / ``*.readthedocs.io`` pages, and
      any other http(s) page that is none of the above and not a known paper or
      publisher host (arxiv.org, doi.org, openreview.net, huggingface.co/papers, …),
      file/data host (Google Drive, Zenodo, Hugging Face datasets, …) or social or
      reference site (Twitter/X, Wikipedia, …), and whose path does not end in
      ``.pdf``: a link in an abstract that is not code or a paper is almost always
      the project's home page (``sites.google.com/view/…``).
    * ``other``: everything else, including non-http(s) URLs.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return LinkKind.OTHER
    return _classify_parts(parts)


def _classify_parts(parts: SplitResult) -> LinkKind:
    """:func:`classify_url` for a URL already split into its parts."""
    try:
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return LinkKind.OTHER
    if parts.scheme.lower() not in ("http", "https") or not host:
        return LinkKind.OTHER
    if host.startswith("www."):
        host = host[4:]
    segments = [s for s in parts.path.split("/") if s]
    if host in _CODE_HOSTS:
        return LinkKind.CODE if segments else LinkKind.OTHER
    if host in _CODE_SUBHOSTS:
        return LinkKind.CODE
    if host == "huggingface.co" or host == "hf.co":
        return _classify_huggingface(segments)
    if _host_in(host, _VIDEO_HOSTS):
        return LinkKind.VIDEO
    if host.endswith(_PROJECT_SUFFIXES):
        return LinkKind.PROJECT
    if _host_in(host, _PAPER_HOSTS) or _host_in(host, _OTHER_HOSTS):
        return LinkKind.OTHER
    if segments and segments[-1].lower().endswith(".pdf"):
        return LinkKind.OTHER
    return LinkKind.PROJECT


def _classify_huggingface(segments: list[str]) -> LinkKind:
    """The kind of a huggingface.co link from its path segments."""
    if not segments:
        return LinkKind.OTHER  # the site's front page, not a project's
    if len(segments) >= 3 and segments[0] in ("spaces", "models"):
        return LinkKind.CODE
    if len(segments) >= 2 and segments[0] not in _HF_RESERVED:
        return LinkKind.CODE
    if segments and segments[0] in ("papers", "datasets"):
        return LinkKind.OTHER
    return LinkKind.PROJECT


def _unsafe_char(char: str) -> bool:
    """Whether ``char`` is whitespace or a control, format or unassigned character."""
    return char.isspace() or unicodedata.category(char)[0] in ("C", "Z")


def safe_url(url: str) -> str | None:
    """``url`` unchanged if it is safe to hand to a web browser, else ``None``.

    Safe means: the scheme is http or https, there is a host, the port (if any) is
    valid, and there is no whitespace, control, format (bidi) or unassigned
    character anywhere, nor a backslash (which browsers read as a slash).
    """
    if not url or any(_unsafe_char(c) for c in url) or "\\" in url:
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def code_target(paper: Paper) -> str:
    """Where "open the code" goes: the code link, else the project page, else a search.

    A project page (``*.github.io`` and the like) nearly always links its code, so it
    beats a repository search for the title.
    """
    if paper.code_url:
        return paper.code_url
    for link in paper.links:
        if link.kind is LinkKind.PROJECT:
            return link.url
    return code_search_url(paper.title)


def code_search_url(title: str) -> str:
    """A GitHub repository search for ``title``."""
    return f"https://github.com/search?q={quote_plus(one_line(title))}&type=repositories"


def paper_target(paper: Paper) -> str:
    """Where "open the paper" goes: its arXiv abs page, else its DOI's landing page, else a search.

    The arXiv id and the DOI are the ones identity reads (``eprint`` and ``doi``
    fields, arxiv.org and doi.org links not quoted by the abstract); a paper
    with neither goes to its BibTeX ``url`` when that is a safe http(s) page
    other than code, and only then to an arXiv search for its title.
    """
    from readlist.merge import identity  # the one rule for what a paper is known by

    known = identity(paper)
    if known.arxiv:
        return f"https://arxiv.org/abs/{min(known.arxiv)}"
    if known.doi:
        return f"https://doi.org/{quote(min(known.doi), safe='/()-._;:')}"
    url = paper.source.fields.get("url", "").strip() if paper.source is not None else ""
    if url and safe_url(url) and classify_url(url) is not LinkKind.CODE:
        return url
    return paper_search_url(paper.title)


def paper_search_url(title: str) -> str:
    """An arXiv search for papers with ``title`` in their title."""
    return f"https://arxiv.org/search/?query={quote_plus(one_line(title))}&searchtype=title"
