"""Markdown export: one item per paper, rendered by a CommonMark parser as intended."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from readlist.exporters import export, to_markdown
from readlist.exporters.markdown import markdown_item, md_url
from readlist.models import Link, LinkKind, Paper, Status

MD = MarkdownIt("commonmark")


class _Html(HTMLParser):
    """Collects text, links, and every tag seen in rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(markdown: str) -> _Html:
    html = _Html()
    html.feed(MD.render(markdown))
    return html


def paper(**changes: object) -> Paper:
    base = Paper(
        key="k",
        title="SqueezeLLM: Dense-and-Sparse Quantization",
        authors=["Sehoon Kim", "Coleman Hooper", "Amir Gholami", "Extra Author"],
        published="2023-06-13",
        links=[
            Link("https://squeeze.example", LinkKind.PROJECT),
            Link("https://github.com/SqueezeAILab/SqueezeLLM", LinkKind.CODE),
        ],
        tags=["quantization", "llm"],
        status=Status.READING,
        notes="Great paper.\n\nRead section 3 *again*.",
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_item_text() -> None:
    assert markdown_item(paper()) == (
        "- [SqueezeLLM: Dense-and-Sparse Quantization](https://github.com/SqueezeAILab/SqueezeLLM)"
        " — Sehoon Kim, Coleman Hooper, Amir Gholami et al. · 2023 · reading"
        " · tags: quantization, llm\n"
        "  > Great paper.\n"
        "  >\n"
        "  > Read section 3 *again*.\n"
    )


def test_document_renders_one_list_item_per_paper() -> None:
    papers = [paper(), paper(key="b", title="Second", links=[], notes="")]
    markdown = to_markdown(papers)
    assert markdown.startswith("# Reading list\n\n")
    assert markdown.endswith("\n")
    tokens = MD.parse(markdown)
    items = [token for token in tokens if token.type == "list_item_open"]
    assert len(items) == 2
    html = render(markdown)
    assert html.links == ["https://github.com/SqueezeAILab/SqueezeLLM"]
    assert "blockquote" in html.tags  # notes quoted under their item
    assert "em" in html.tags  # notes are the user's Markdown
    assert export(papers, "markdown") == markdown
    assert to_markdown([]) == "# Reading list\n"


def test_authors_year_and_fallback_link() -> None:
    item = markdown_item(
        paper(authors=["Ann Smith"], authors_truncated=True, links=[Link("https://x.example/a")])
    )
    assert "— Ann Smith et al. · 2023 · reading" in item
    assert "](https://x.example/a)" in item
    item = markdown_item(paper(authors=["A B", "C D"], published=None, links=[]))
    assert "— A B, C D · reading" in item


@pytest.mark.parametrize(
    "title",
    [
        "[x](https://evil.example) and ![img](y)",
        "*bold* _under_ **strong** `code` ~~strike~~",
        "<script>alert(1)</script> & &amp; <b>",
        "$V_1$: a\\b | c # d",
        "1. Not a list",
        "- Not a bullet",
        "# Not a heading",
        "> Not a quote",
        "+ plus",
        "=== underline",
    ],
)
@pytest.mark.parametrize("linked", [True, False])
def test_titles_render_literally(title: str, linked: bool) -> None:
    links = [Link("https://github.com/a/b", LinkKind.CODE)] if linked else []
    markdown = to_markdown([paper(title=title, links=links, authors=[], tags=[], notes="")])
    html = render(markdown)
    tokens = MD.parse(markdown)
    assert sum(token.type == "list_item_open" for token in tokens) == 1
    assert [t for t in html.tags if t not in ("h1", "ul", "li", "p", "a")] == []
    assert html.links == (["https://github.com/a/b"] if linked else [])
    assert title in "".join(html.text)


def test_specials_in_authors_and_tags_are_escaped() -> None:
    markdown = to_markdown([paper(authors=["*Ann* [x](y)"], tags=["c_d", "<t>"], notes="")])
    html = render(markdown)
    assert html.links == ["https://github.com/SqueezeAILab/SqueezeLLM"]
    text = "".join(html.text)
    assert "*Ann* [x](y)" in text
    assert "tags: c_d, <t>" in text


def test_unsafe_and_odd_urls() -> None:
    assert md_url("javascript:alert(1)") is None
    assert md_url("file:///etc/passwd") is None
    assert md_url("https://x.example/a b") == "https://x.example/a%20b"
    assert md_url("https://en.wikipedia.org/wiki/A_(b)") == "<https://en.wikipedia.org/wiki/A_(b)>"
    markdown = to_markdown([paper(links=[Link("https://x.example/a_(b) c>d")], notes="")])
    assert render(markdown).links == ["https://x.example/a_(b)%20c%3Ed"]


def test_notes_cannot_escape_their_item() -> None:
    notes = "line\n# Heading?\n- list?\n\n</li></ul><h1>x</h1>"
    markdown = to_markdown([paper(notes=notes), paper(key="z", notes="")])
    tokens = MD.parse(markdown)
    assert sum(t.type == "list_item_open" and t.level == 1 for t in tokens) == 2
    depth = 0
    inside: list[str] = []
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type in ("heading_open", "bullet_list_open", "html_block") and token.level > 1:
            assert depth == 1, token
            inside.append(token.type)
    assert inside == ["heading_open", "bullet_list_open", "html_block"]


def test_ascii_option_transliterates_text() -> None:
    item = markdown_item(paper(title="Über Zoë", authors=["Łukasz Kaiser"], notes=""), ascii=True)
    assert item.isascii()
    assert item.startswith("- [Uber Zoe](https://github.com/SqueezeAILab/SqueezeLLM) -- ")
    assert "Lukasz Kaiser | 2023 | reading" in item
