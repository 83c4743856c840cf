"""The second reading of BibTeX bibtexparser could not read: what the rewrite may change."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.importers.bibtex_recover import rewrite

PIECES = st.sampled_from(
    ["@misc{k,", "@comment{", " t = ", '"', "{", "}", "%", " c, d", "\n", ",", "\\", "x", "@"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_lines_stay_where_they_were_and_text_without_changes_is_kept(text: str) -> None:
    result = rewrite(text)
    assert result.text.count("\n") == text.count("\n")
    if not result.comments and not result.requoted:
        assert result.text == text
    assert result.comments == sorted(result.comments)
    assert all(1 <= line <= text.count("\n") + 1 for line in result.comments + result.requoted)


def test_only_text_inside_a_block_is_touched() -> None:
    text = '%%% header{ "x" % y\n@comment{ % kept "}\n@misc{k, a = {1}, % gone\n b = 2}\n% free\n'
    result = rewrite(text)
    assert result.text == text.replace("% gone", "")
    assert (result.comments, result.requoted) == ([3], [])


def test_many_comments_finish() -> None:
    # Sized so that counting lines from the start at each comment would take hours.
    text = "@misc{k,\n" + "  a = {1}, % note, here\n" * 200_000 + "}\n"
    result = rewrite(text)
    assert result.comments[-1] == 200_001 and len(result.comments) == 200_000
