"""The three-way line merge that keeps notes changed meanwhile: examples and properties."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.textmerge import OURS_MARKER, SEPARATOR, THEIRS_MARKER, merge

# A few short lines, so that random texts share lines and their edits overlap often.
LINES = st.sampled_from(["a", "b", "c", "", "d e", "# head", OURS_MARKER])
TEXTS = st.lists(LINES, max_size=8).map("\n".join)
SETTINGS = settings(max_examples=400, deadline=None)


def lines(text: str) -> Counter[str]:
    """The lines of a note, counted ("" has none)."""
    return Counter(text.split("\n") if text else [])


def test_an_edit_and_an_append_meanwhile_merge_cleanly() -> None:
    base = "line one\nline two"
    merged = merge(base, "line one\nline 2, edited", "line one\nline two\n\nappended")
    assert merged.text == "line one\nline 2, edited\n\nappended"
    assert merged.conflicts == 0


def test_edits_of_different_lines_merge_cleanly() -> None:
    merged = merge("a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD")
    assert (merged.text, merged.conflicts) == ("A\nb\nc\nD", 0)


def test_two_appends_at_the_end_keep_both_the_saved_one_first() -> None:
    merged = merge("original", "original\nmy thoughts", "original\n\nX")
    assert (merged.text, merged.conflicts) == ("original\n\nX\nmy thoughts", 0)


def test_two_notes_started_on_an_empty_one_keep_both() -> None:
    assert merge("", "mine", "theirs").text == "theirs\nmine"


def test_different_edits_of_one_line_keep_both_between_markers() -> None:
    merged = merge("a\nb\nc", "a\nmine\nc", "a\ntheirs\nc")
    assert merged.text == f"a\n{OURS_MARKER}\nmine\n{SEPARATOR}\ntheirs\n{THEIRS_MARKER}\nc"
    assert merged.conflicts == 1


def test_an_edit_of_a_line_the_other_side_deleted_keeps_the_edit() -> None:
    merged = merge("a\nb\nc", "a\nb, edited\nc", "a\nc")
    assert merged.text == f"a\n{OURS_MARKER}\nb, edited\n{SEPARATOR}\n{THEIRS_MARKER}\nc"
    assert merged.conflicts == 1


def test_the_same_edit_on_both_sides_is_taken_once() -> None:
    merged = merge("a\nb\nc\nd", "a\nX\nc\nD", "a\nX\nc\nd")
    assert (merged.text, merged.conflicts) == ("a\nX\nc\nD", 0)


@SETTINGS
@given(TEXTS, TEXTS)
def test_a_side_that_changed_nothing_gives_the_other(base: str, edited: str) -> None:
    assert merge(base, edited, base).text == edited
    assert merge(base, base, edited).text == edited


@SETTINGS
@given(TEXTS, TEXTS)
def test_the_same_text_on_both_sides_is_that_text(base: str, edited: str) -> None:
    assert merge(base, edited, edited).text == edited


@SETTINGS
@given(TEXTS, TEXTS, TEXTS)
def test_merging_is_deterministic_and_counts_its_markers(base: str, ours: str, theirs: str) -> None:
    merged = merge(base, ours, theirs)
    assert merge(base, ours, theirs) == merged
    extra_markers = lines(merged.text)[THEIRS_MARKER] - max(
        lines(text)[THEIRS_MARKER] for text in (base, ours, theirs)
    )
    assert extra_markers <= merged.conflicts


@SETTINGS
@given(TEXTS, TEXTS, TEXTS)
def test_no_line_either_side_wrote_is_dropped(base: str, ours: str, theirs: str) -> None:
    result = lines(merge(base, ours, theirs).text)
    for side in (ours, theirs):
        # A lone blank line and no line at all are the same text ("").
        written = lines(side) - lines(base) - Counter({"": 1} if not result else {})
        assert not written - result, (written, result)


@st.composite
def insertions(draw: st.DrawFn) -> tuple[str, str, str]:
    """A base and two texts that only add lines to it."""
    base = draw(st.lists(LINES, max_size=6))

    def added() -> list[str]:
        text = list(base)
        for _ in range(draw(st.integers(0, 3))):
            text.insert(draw(st.integers(0, len(text))), draw(LINES))
        return text

    return "\n".join(base), "\n".join(added()), "\n".join(added())


@SETTINGS
@given(insertions())
def test_when_both_sides_only_add_every_line_of_each_is_kept(texts: tuple[str, str, str]) -> None:
    base, ours, theirs = texts
    result = lines(merge(base, ours, theirs).text)
    for side in (ours, theirs):
        assert not lines(side) - result


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=5).map("\n".join),
    st.lists(st.sampled_from(["a", "b", "x", "y", ""]), max_size=5).map("\n".join),
    st.lists(st.sampled_from(["a", "c", "x", "z", ""]), max_size=5).map("\n".join),
)
def test_a_symmetric_merge_does_not_depend_on_which_side_is_ours(
    base: str, one: str, other: str
) -> None:
    assert merge(base, one, other, symmetric=True) == merge(base, other, one, symmetric=True)
