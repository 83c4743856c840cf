"""A three-way line merge of two edits of one text (for notes changed meanwhile).

``merge(base, ours, theirs)`` applies both sides' changes to ``base``, line by
line. Changes to different lines merge cleanly, and so do lines both sides
added at the same place (theirs first: they were saved first). Changes that
touch the same lines in different ways keep both versions between markers::

    <<<<<<< this edit
    our lines
    =======
    their lines
    >>>>>>> saved meanwhile

No line either side wrote is ever dropped.

With ``symmetric=True`` (git's merge driver: neither machine comes first) the
result does not depend on which side is "ours": at each place, the two versions
(or both sides' added lines) appear in sorted order of their lines, so
``merge(b, x, y, symmetric=True) == merge(b, y, x, symmetric=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

OURS_MARKER = "<<<<<<< this edit"
SEPARATOR = "======="
THEIRS_MARKER = ">>>>>>> saved meanwhile"


@dataclass(frozen=True, slots=True)
class Merged:
    """The merged text and how many places kept both versions between markers."""

    text: str
    conflicts: int


@dataclass(frozen=True, slots=True)
class _Hunk:
    """One side's replacement of ``base[start:end]`` by ``lines`` (empty range: insertion)."""

    start: int
    end: int
    lines: tuple[str, ...]
    ours: bool


def _lines(text: str) -> list[str]:
    # "" is no line at all, so that two notes started on an empty one merge.
    return text.split("\n") if text else []


def _hunks(base: list[str], edited: list[str], *, ours: bool) -> list[_Hunk]:
    matcher = SequenceMatcher(None, base, edited, autojunk=False)
    return [
        _Hunk(i1, i2, tuple(edited[j1:j2]), ours)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlaps(start: int, end: int, hunk: _Hunk) -> bool:
    """Whether ``hunk`` touches base lines that ``start:end`` also changes.

    Changes that only meet at a boundary (an edit of a line and an insertion
    right after it) do not overlap.
    """
    if start == end and hunk.start == hunk.end:
        return start == hunk.start
    if start == end:
        return hunk.start < start < hunk.end
    if hunk.start == hunk.end:
        return start < hunk.start < end
    return hunk.start < end and start < hunk.end


def _apply(base: list[str], start: int, end: int, hunks: list[_Hunk]) -> list[str]:
    """``base[start:end]`` with ``hunks`` (one side's, in order, inside that range) applied."""
    result: list[str] = []
    position = start
    for hunk in hunks:
        result += base[position : hunk.start]
        result += hunk.lines
        position = hunk.end
    result += base[position:end]
    return result


def merge(
    base: str,
    ours: str,
    theirs: str,
    *,
    labels: tuple[str, str] = (OURS_MARKER, THEIRS_MARKER),
    symmetric: bool = False,
) -> Merged:
    """``base`` with the changes of ``ours`` and of ``theirs``; see the module docstring.

    ``labels`` are the lines that open the first version and close the second at a
    conflict; ``symmetric`` orders the two versions by their lines, not by side.
    """
    if ours == theirs or theirs == base:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    original = _lines(base)
    hunks = sorted(
        _hunks(original, _lines(ours), ours=True) + _hunks(original, _lines(theirs), ours=False),
        key=lambda hunk: (hunk.start, hunk.end, not hunk.ours),
    )
    result: list[str] = []
    conflicts = 0
    position = 0
    index = 0
    while index < len(hunks):
        group = [hunks[index]]
        start, end = group[0].start, group[0].end
        index += 1
        while index < len(hunks) and _overlaps(start, end, hunks[index]):
            group.append(hunks[index])
            end = max(end, hunks[index].end)
            index += 1
        result += original[position:start]
        position = end
        mine = _apply(original, start, end, [h for h in group if h.ours])
        other = _apply(original, start, end, [h for h in group if not h.ours])
        if len(group) == 1:
            result += group[0].lines
        elif mine == other:
            result += mine
        elif start == end:  # both only added lines here: keep both, theirs first
            first, second = sorted((mine, other)) if symmetric else (other, mine)
            result += first + second
        else:
            first, second = sorted((mine, other)) if symmetric else (mine, other)
            result += [labels[0], *first, SEPARATOR, *second, labels[1]]
            conflicts += 1
    result += original[position:]
    return Merged("\n".join(result), conflicts)
