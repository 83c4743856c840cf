"""URL extraction, classification and the safety check before opening a browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readlist.links import (
    classify_url,
    code_search_url,
    code_target,
    extract_links,
    paper_search_url,
    safe_url,
)
from readlist.models import Link, LinkKind, Paper


def urls(text: str) -> list[str]:
    return [link.url for link in extract_links(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every shape found in the bundled samples.
        ("data at https://llava-rlhf.github.io.", "https://llava-rlhf.github.io"),
        (
            r"Code will be released $\href{https://github.com/Divadi/SOLOFusion}{here.}$",
            "https://github.com/Divadi/SOLOFusion",
        ),
        (
            r"released $\href{https://github.com/bri25yu/LanguageModelExperimentation}{here}.$",
            "https://github.com/bri25yu/LanguageModelExperimentation",
        ),
        (
            "homepage (https://wengsyx.github.io/LMTuner/)and screencast",
            "https://wengsyx.github.io/LMTuner/",
        ),
        ("video (https://youtu.be/nsXmWOmN3rE) are", "https://youtu.be/nsXmWOmN3rE"),
        (
            r"available at \url{https://github.com/facebookresearch/NeRF-Det}.",
            "https://github.com/facebookresearch/NeRF-Det",
        ),
        (
            r"at \url{https://github.com/SqueezeAILab/Tool2Vec}",
            "https://github.com/SqueezeAILab/Tool2Vec",
        ),
        ("see https://github.com/S-LoRA/S-LoRA", "https://github.com/S-LoRA/S-LoRA"),
        (
            "The source code is https://github.com/apple/ml-cvnets",
            "https://github.com/apple/ml-cvnets",
        ),
        (
            "at https://sites.google.com/view/loveucvpr23/track4.",
            "https://sites.google.com/view/loveucvpr23/track4",
        ),
        # More punctuation and brackets.
        ("(see {https://example.org/a}), then", "https://example.org/a"),
        ("[https://example.org/b]", "https://example.org/b"),
        ("<https://example.org/c>", "https://example.org/c"),
        ('"https://example.org/d"', "https://example.org/d"),
        ("at https://example.org/e; and", "https://example.org/e"),
        ("is it https://example.org/f?", "https://example.org/f"),
        ("end https://example.org/g!", "https://example.org/g"),
        ("list: https://example.org/h, https://x.org", "https://example.org/h"),
        ("a https://example.org/i... b", "https://example.org/i"),
        ("“https://example.org/j”", "https://example.org/j"),
        ("Code:https://example.org/k.", "https://example.org/k"),
        (
            "https://en.wikipedia.org/wiki/Python_(programming_language)",
            "https://en.wikipedia.org/wiki/Python_(programming_language)",
        ),
        (
            "(see https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("https://example.org/search?q=a&b=c#frag.", "https://example.org/search?q=a&b=c#frag"),
        ("(see https://a.org/f((x))y))", "https://a.org/f((x))y"),  # nested pairs kept
        ("[https://a.org/[[x]]y]]", "https://a.org/[[x]]y"),
        (r"\url{https://github.com/a/b\_c}", "https://github.com/a/b_c"),
        ("HTTPS://Example.org/Up", "HTTPS://Example.org/Up"),
    ],
)
def test_extract_links_finds_the_url(text: str, expected: str) -> None:
    assert urls(text)[0] == expected


def test_extract_links_goes_on_after_a_repeat_or_a_url_without_host() -> None:
    text = "a https:///nohost b https://a.org c https://a.org d https://b.org"
    assert urls(text) == ["https://a.org", "https://b.org"]


def test_extract_links_dedupes_in_order_and_classifies() -> None:
    text = (
        "Code https://github.com/a/b. Page https://a.github.io/p and again "
        "https://github.com/a/b, video https://www.youtube.com/watch?v=x."
    )
    assert extract_links(text) == [
        Link("https://github.com/a/b", LinkKind.CODE),
        Link("https://a.github.io/p", LinkKind.PROJECT),
        Link("https://www.youtube.com/watch?v=x", LinkKind.VIDEO),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weights on https://huggingface.co", [Link("https://huggingface.co", LinkKind.OTHER)]),
        ("(https://hf.co/)", [Link("https://hf.co/", LinkKind.OTHER)]),
        ("see http://github.com/a/b.", [Link("http://github.com/a/b", LinkKind.CODE)]),
        ("demo http://x.example/demo", [Link("http://x.example/demo", LinkKind.PROJECT)]),
    ],
)
def test_extract_links_classifies_bare_hosts_and_plain_http(
    text: str, expected: list[Link]
) -> None:
    assert extract_links(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no links here",
        "https://",
        "http:// nothing",
        "https:///path",
        "http://:80/x",
        "ftp://example.org/x",
        "mailto:a@b.c",
        "",
    ],
)
def test_extract_links_ignores_non_urls(text: str) -> None:
    assert urls(text) == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/SqueezeAILab/SqueezeLLM", LinkKind.CODE),
        ("https://github.com/SqueezeAILab", LinkKind.CODE),  # an org page is still code
        ("https://www.github.com/a/b/tree/main/src", LinkKind.CODE),
        ("https://gitlab.com/group/project", LinkKind.CODE),
        ("https://bitbucket.org/team/repo", LinkKind.CODE),
        ("https://codeberg.org/user/repo", LinkKind.CODE),
        ("https://gist.github.com/user/abc123", LinkKind.CODE),
        ("https://huggingface.co/spaces/ksort/K-Sort-Arena", LinkKind.CODE),
        ("https://huggingface.co/meta-llama/Llama-2-7b", LinkKind.CODE),
        ("https://huggingface.co/papers/2309.14525", LinkKind.OTHER),
        ("https://huggingface.co/datasets/org/data", LinkKind.OTHER),
        ("https://www.youtube.com/watch?v=abc", LinkKind.VIDEO),
        ("https://youtu.be/nsXmWOmN3rE", LinkKind.VIDEO),
        ("https://m.youtube.com/watch?v=abc", LinkKind.VIDEO),
        ("https://vimeo.com/12345", LinkKind.VIDEO),
        ("https://www.bilibili.com/video/BV1xx", LinkKind.VIDEO),
        ("https://llava-rlhf.github.io", LinkKind.PROJECT),
        ("https://wengsyx.github.io/LMTuner/", LinkKind.PROJECT),
        ("https://group.gitlab.io/site", LinkKind.PROJECT),
        ("https://sites.google.com/view/loveucvpr23/track4", LinkKind.PROJECT),
        ("https://www.example.org/project", LinkKind.PROJECT),
        ("https://arxiv.org/abs/2309.14525", LinkKind.OTHER),
        ("https://doi.org/10.1000/xyz", LinkKind.OTHER),
        ("https://openreview.net/forum?id=abc", LinkKind.OTHER),
        ("https://example.org/paper.pdf", LinkKind.OTHER),
        ("https://github.com/", LinkKind.OTHER),
        ("https://github.com./a/b", LinkKind.CODE),  # a fully qualified host
        ("https://WWW.YouTube.com./watch", LinkKind.VIDEO),
        ("https:///path", LinkKind.OTHER),
        ("http://github.com/a/b", LinkKind.CODE),
        ("HTTP://GitHub.com/a/b", LinkKind.CODE),
        ("http://youtu.be/x", LinkKind.VIDEO),
        ("http://a.github.io", LinkKind.PROJECT),
        ("http://arxiv.org/abs/1", LinkKind.OTHER),
        ("https://huggingface.co", LinkKind.OTHER),  # the bare host, like github.com
        ("https://huggingface.co/", LinkKind.OTHER),
        ("https://hf.co/org/model", LinkKind.CODE),
        ("https://huggingface.co/models/org/model", LinkKind.CODE),
        ("https://huggingface.co/spaces/x", LinkKind.PROJECT),
        ("ftp://github.com/a/b", LinkKind.OTHER),
        ("not a url", LinkKind.OTHER),
        ("https://[broken", LinkKind.OTHER),
    ],
)
def test_classify_url(url: str, kind: LinkKind) -> None:
    assert classify_url(url) is kind


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/a/b",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/x?y=1#z",
        "https://example.org:8080/ü",
    ],
)
def test_safe_url_accepts_http_and_https(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/html,hi",
        "https://",
        "https:///path",
        "https://exa mple.org",
        " https://example.org",
        "https://example.org/\n",
        "https://example.org/\x1b[31m",
        "https://example.org/\u202egpj.exe",
        "https:\\\\example.org",
        "https://evil.example\\@github.com/x",  # a browser goes to evil.example
        "https://github.com\\.evil.example/x",
        "https://example.org:99999/",
        "//example.org",
        "",
    ],
)
def test_safe_url_refuses_everything_else(url: str) -> None:
    assert safe_url(url) is None


def test_code_search_url_encodes_the_title() -> None:
    url = code_search_url("K-Sort Arena: A & B #1 ?")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", "/search")
    query = parse_qs(parts.query)
    assert query == {"q": ["K-Sort Arena: A & B #1 ?"], "type": ["repositories"]}
    assert safe_url(url) == url


def test_paper_search_url_encodes_the_title() -> None:
    url = paper_search_url("$V_1$: Unifying\nGeneration & Self-Verification")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("arxiv.org", "/search/")
    query = parse_qs(parts.query)
    assert query == {
        "query": ["$V_1$: Unifying Generation & Self-Verification"],
        "searchtype": ["title"],
    }
    assert safe_url(url) == url


# -- an independent oracle: the documented rules, written as a plain character scan ----------

# Characters that end a URL (besides whitespace): quotes, angle brackets, braces, the
# backslash (unless it starts a LaTeX escape), | ^ and CJK punctuation (U+3000–U+303F).
ORACLE_STOPS = set("<>\"'`{}|^“”‘’«»") | {chr(c) for c in range(0x3000, 0x3040)}
ORACLE_LATEX_ESCAPES = "_%&#~$"
ORACLE_TRAILING = ".,;:!?*…$"


def oracle_scheme_end(text: str, start: int) -> int | None:
    """Where the URL body begins if ``http://`` or ``https://`` (any ASCII case) is at ``start``."""
    for scheme in ("https://", "http://"):
        if text[start : start + len(scheme)].lower() == scheme:
            return start + len(scheme)
    return None


def oracle_body(text: str, start: int) -> tuple[str, int]:
    """The URL body from ``start`` with LaTeX escapes undone, and where it ends."""
    body: list[str] = []
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            if text[index + 1 : index + 2] and text[index + 1] in ORACLE_LATEX_ESCAPES:
                body.append(text[index + 1])
                index += 2
                continue
            break
        if char.isspace() or char in ORACLE_STOPS:
            break
        body.append(char)
        index += 1
    return "".join(body), index


def oracle_trim(url: str) -> str:
    """Cut at the first ) or ] that closes nothing, then drop sentence punctuation."""
    open_round = open_square = 0
    for index, char in enumerate(url):
        if char == "(":
            open_round += 1
        elif char == "[":
            open_square += 1
        elif char == ")":
            if not open_round:
                url = url[:index]
                break
            open_round -= 1
        elif char == "]":
            if not open_square:
                url = url[:index]
                break
            open_square -= 1
    while url and url[-1] in ORACLE_TRAILING:
        url = url[:-1]
    return url


def oracle_has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def oracle_urls(text: str) -> list[str]:
    """The URLs extract_links should find, by the rules in its docstring and comments."""
    found: list[str] = []
    index = 0
    while index < len(text):
        body_start = oracle_scheme_end(text, index)
        if body_start is None:
            index += 1
            continue
        body, end = oracle_body(text, body_start)
        if not body:  # "https://" alone is no URL; look for one starting further on
            index += 1
            continue
        url = oracle_trim(text[index:body_start] + body)
        if url not in found and oracle_has_host(url):
            found.append(url)
        index = end
    return found


URL_PIECES = [
    "http", "https", "HTTPS", "hTtP", "://", ":/", "//", "s", "a.org", "github.com", "/x", "_",
    "(", ")", "[", "]", "{", "}", "\\", "\\_", "\\%", "\\href{", ".", ",", ";", "…", "$", " ",
    "\n", "'", "“", "”", "\u3000", "é", "x", "www.", "?q=1", "#f", "%20",
]  # fmt: skip
url_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(URL_PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(URL_PIECES), st.text(max_size=3)), max_size=30).map("".join),
)


@settings(max_examples=500)
@given(url_text)
@example("x https://a.org/b_(c)).")
@example(r"\href{https://a.org/x\_y}{z} and HTTPS://GITHUB.COM/a/b]")
@example("12345https://a.org")
@example("(https://a.org/f((x))y)) https:///x https://a.org https://a.org https://b.org")
@example("https://a.org/xhttps://b.org https:// http://c.org/(d]")
@example("httpſ://a.org/https://b.org")  # ſ folds to s, but it is not an ASCII "https"
def test_extract_links_finds_what_a_plain_scan_finds(text: str) -> None:
    links = extract_links(text)
    assert [link.url for link in links] == oracle_urls(text)
    assert [link.kind for link in links] == [classify_url(link.url) for link in links]


def test_trailing_punctuation_is_cut_in_linear_time() -> None:
    # A million dots: the old quadratic trim would not finish within the test run.
    assert urls("see https://a.org/x" + "." * 1_000_000) == ["https://a.org/x"]


def test_open_code_goes_to_the_code_then_the_project_page_then_a_search() -> None:
    project = Link("https://llava-rlhf.github.io", LinkKind.PROJECT)
    code = Link("https://github.com/llava-rlhf/LLaVA-RLHF", LinkKind.CODE)
    video = Link("https://youtu.be/x", LinkKind.VIDEO)
    paper = Paper(title="Aligning LMMs", has_code=True, links=[video, project, code])
    assert code_target(paper) == code.url
    paper.links = [video, project]
    assert code_target(paper) == project.url
    paper.links = [video]
    assert code_target(paper) == code_search_url("Aligning LMMs")


def test_paper_target_prefers_the_arxiv_page_then_the_doi_then_a_search() -> None:
    from readlist.links import paper_target
    from readlist.models import Source

    arxiv = Paper(
        title="Attention Is All You Need",
        links=[Link("https://arxiv.org/abs/1706.03762v7")],
        source=Source("x.bib", "bibtex", fields={"doi": "10.5555/3295222.3295349"}),
    )
    assert paper_target(arxiv) == "https://arxiv.org/abs/1706.03762"
    eprint = Paper(title="T", source=Source("x.bib", "bibtex", fields={"eprint": "hep-th/9901001"}))
    assert paper_target(eprint) == "https://arxiv.org/abs/hep-th/9901001"
    doi = Paper(title="T", source=Source("x.bib", "bibtex", fields={"doi": "10.1002/(SICI)1 2"}))
    assert paper_target(doi) == "https://doi.org/10.1002/(sici)1%202"
    page = Paper(title="T", source=Source("x.bib", "bibtex", fields={"url": "https://x.org/p"}))
    assert paper_target(page) == "https://x.org/p"
    # An id the abstract quotes is another paper's: the search it is.
    quoting = Paper(
        title="Ours",
        abstract="We build on https://arxiv.org/abs/2101.00001.",
        links=[Link("https://arxiv.org/abs/2101.00001")],
    )
    assert paper_target(quoting) == paper_search_url("Ours")
    code = Paper(
        title="T", source=Source("x.bib", "bibtex", fields={"url": "https://github.com/a/b"})
    )
    assert paper_target(code) == paper_search_url("T")
