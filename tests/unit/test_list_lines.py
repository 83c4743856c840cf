"""``list``'s lines: the fast formatting gives the bytes of the plain one, field by field."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from readlist.cli.render import paper_lines
from readlist.models import Link, LinkKind, Paper, Status
from readlist.text import escape_controls, one_line
from readlist.view import STATUS_GLYPHS, authors_short, fit


def reference_lines(papers: Sequence[Paper], *, width: int | None, color: bool) -> Iterator[str]:
    """The lines as written before the fast paths (each field through the plain helpers)."""
    rows = [
        (
            STATUS_GLYPHS[p.status],
            escape_controls(p.key),
            str(p.year or ""),
            one_line(p.category or ""),
            one_line(authors_short(p)),
            " ".join(escape_controls(tag) for tag in p.tags),
            "⌘" if p.code_url or p.has_code else " ",
            one_line(p.title),
            p.status is Status.READ,
        )
        for p in papers
    ]
    if not rows:
        return
    key_w = min(max(cell_len(r[1]) for r in rows), 28)
    cat_w = min(max(cell_len(r[3]) for r in rows), 9)
    author_w = min(max(cell_len(r[4]) for r in rows), 24)
    tag_w = min(max(cell_len(r[5]) for r in rows), 24)
    fixed = 2 + key_w + 1 + 4 + 1 + cat_w + 1 + author_w + 1 + tag_w + 1 + 2
    title_w = None if width is None else max(width - fixed, 20)
    on = {"key": "\x1b[36m", "tags": "\x1b[35m", "dim": "\x1b[2m", "reset": "\x1b[0m"}
    key_on, tags_on, dim, reset = (on[n] if color else "" for n in ("key", "tags", "dim", "reset"))
    for glyph, key, year, cat, authors, tags, code, title, done in rows:
        title = title if title_w is None else fit(title, title_w).rstrip()
        line = (
            f"{glyph} {key_on}{fit(key, key_w)}{reset} {year:<4} {fit(cat, cat_w)} "
            f"{fit(authors, author_w)} {tags_on}{fit(tags, tag_w)}{reset} "
            f"{code} {title}"
        )
        yield f"{dim}{line}{reset}" if done else line


# Short and long, ASCII and not, with controls, doubled and edge spaces, wide characters.
_TEXT = st.one_of(
    st.text(alphabet="abc XYZ-09", max_size=40),
    st.text(alphabet="aé 漢字\x1b\x07\t\n\u202e  ", max_size=30),
    st.sampled_from(["", " ", "  a", "a ", "x" * 28, "x" * 29, "Zoë Müller", "山田 太郎"]),
)
_PAPER = st.builds(
    Paper,
    title=_TEXT,
    key=_TEXT,
    authors=st.lists(_TEXT, max_size=3),
    authors_truncated=st.booleans(),
    category=st.one_of(st.none(), _TEXT),
    published=st.one_of(st.none(), st.sampled_from(["2023-05-01", "0999", "20x1", "", "٢٠٢٣"])),
    has_code=st.booleans(),
    links=st.lists(
        st.builds(
            Link,
            url=st.sampled_from(["", "https://github.com/a/b"]),
            kind=st.sampled_from(list(LinkKind)),
        ),
        max_size=2,
    ),
    tags=st.lists(_TEXT, max_size=3),
    status=st.sampled_from(list(Status)),
)


@settings(max_examples=300, deadline=None)
@given(
    papers=st.lists(_PAPER, max_size=6),
    width=st.one_of(st.none(), st.integers(0, 200)),
    color=st.booleans(),
)
def test_lines_are_those_of_the_plain_formatting(
    papers: list[Paper], width: int | None, color: bool
) -> None:
    expected = list(reference_lines(papers, width=width, color=color))
    assert list(paper_lines(papers, width=width, color=color)) == expected
