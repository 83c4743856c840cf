"""The sidebar: the statuses, tags and categories of the papers on show; choosing one filters.

A paper has one status and one category, so those two groups are alternatives: picking
``cat:cs.CL`` must not hide the other categories. Their counts are therefore taken from
the query without its own term of that group (as faceted search does), while tags,
which add up, are counted over the rows on show.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from readlist.models import Paper, Status
from readlist.query import term_text
from readlist.text import one_line
from readlist.view import STATUS_GLYPHS, fit

#: Width of a facet's name; its count follows, right-aligned in 5 cells.
NAME_WIDTH = 13
#: The entries for papers without a tag / a category, and the query term each puts in.
UNTAGGED = ("untagged", "-has:tag")
NO_CATEGORY = ("no category", "-has:category")


#: One term of a query as the search bar holds it: ``field:"quoted value"``, ``"a phrase"``, a word.
_TERM = re.compile(r'-?[A-Za-z]+:"[^"]*"?|"[^"]*"?|\S+')
#: Words that join terms other than by AND: a group's term then cannot simply be left out.
_NOT_AND = re.compile(r"(?:^|\s)(?:OR|\|)(?:\s|$)|[()]")
#: The groups a paper has exactly one value of.
ALTERNATIVES = ("status", "cat")


def facet_group(term: str) -> str | None:
    """The group of alternatives (status, category) that ``term`` picks from, if any."""
    lowered = term.lower()
    if lowered.startswith("status:"):
        return "status"
    if lowered.startswith("cat:") or lowered == "-has:category":
        return "cat"
    return None


def toggle_term(query: str, field: str, value: str) -> str:
    """``query`` with ``field:value`` added, or taken out if it is there.

    A paper has one status and one category, so a new ``status:``/``cat:`` term
    replaces the old one; tags add up.
    """
    term = term_text(field, value)
    terms = _TERM.findall(query)
    if term in terms:
        terms.remove(term)
    else:
        group = facet_group(term)
        if group is not None:
            terms = [t for t in terms if facet_group(t) != group]
        terms.append(term)
    return " ".join(terms)


def without_group(query: str, group: str) -> str | None:
    """``query`` without its terms picking from ``group``; None when it has none to drop.

    Also None when the query joins terms with OR or parentheses, where leaving a term
    out would change more than that group: the counts then simply follow the query.
    """
    unquoted = re.sub(r'"[^"]*"?', " ", query)
    if _NOT_AND.search(unquoted):
        return None
    terms = _TERM.findall(query)
    kept = [term for term in terms if facet_group(term) != group]
    return " ".join(kept) if len(kept) < len(terms) else None


def alternatives_counted(counts: FacetCounts, group: str, papers: Sequence[Paper]) -> None:
    """Replace ``counts``' figures of ``group`` by those of ``papers`` (the query without it)."""
    if group == "status":
        counts.statuses = Counter(paper.status for paper in papers)
    elif group == "cat":
        others = facet_counts_of_categories(papers)
        counts.categories, counts.uncategorized = others


@dataclass
class FacetCounts:
    """How many of some papers have each status, tag and category, and how many have none."""

    statuses: Counter[Status] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    untagged: int = 0
    uncategorized: int = 0


def facet_counts(papers: Sequence[Paper]) -> FacetCounts:
    """The facets of ``papers`` (the rows on show, so the counts follow the query).

    Counted with :class:`Counter` over generators (its counting loop is in C): this
    runs on every keystroke in the search bar.
    """
    tags = Counter(chain.from_iterable(paper.tags for paper in papers))
    untagged = sum(1 for paper in papers if not paper.tags)
    categories, uncategorized = facet_counts_of_categories(papers)
    statuses = Counter(paper.status for paper in papers)
    return FacetCounts(statuses, tags, categories, untagged, uncategorized)


def facet_counts_of_categories(papers: Sequence[Paper]) -> tuple[Counter[str], int]:
    """How many of ``papers`` have each category, and how many have none."""
    categories: Counter[str] = Counter()
    uncategorized = 0
    for name, count in Counter(paper.category for paper in papers).items():
        if name and name.strip():
            categories[name] = count
        else:  # None or blank: what -has:category finds
            uncategorized += count
    return categories, uncategorized


def facet_label(name: str, count: int, *, glyph: str = "", style: str = "") -> Text:
    """``name ……… count`` as plain text."""
    label = Text(fit(f"{glyph} {name}" if glyph else name, NAME_WIDTH), style=style)
    label.append(f"{count:>5}", style="dim")
    return label


def heading(title: str) -> Option:
    """A section heading (not selectable)."""
    return Option(Text(title, style="bold"), disabled=True)


class FacetSidebar(OptionList):
    """A list of facets; choosing one posts :class:`FacetSidebar.Chosen`."""

    @dataclass
    class Chosen(Message):
        """A facet was chosen: ``field`` is a query filter (tag, status, cat, -has)."""

        sidebar: FacetSidebar
        field: str
        value: str

        @property
        def control(self) -> FacetSidebar:
            """The sidebar that posted the message."""
            return self.sidebar

    def show_counts(self, counts: FacetCounts) -> None:
        """Rebuild the list, keeping the highlighted facet."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options = [heading("Status")]
        options += [
            Option(
                facet_label(s.value, counts.statuses[s], glyph=STATUS_GLYPHS[s]), id=f"status:{s}"
            )
            for s in Status
        ]
        sections = (
            ("Tags", "tag", counts.tags, UNTAGGED, counts.untagged),
            ("Categories", "cat", counts.categories, NO_CATEGORY, counts.uncategorized),
        )
        for title, name, named, (none_label, none_term), none_count in sections:
            if not named and not none_count:
                continue
            options.append(heading(title))
            ranked = sorted(named.items(), key=lambda item: (-item[1], item[0]))
            options += [
                Option(facet_label(one_line(value), n), id=f"{name}:{value}") for value, n in ranked
            ]
            if none_count:
                label = facet_label(none_label, none_count, style="italic")
                options.append(Option(label, id=none_term))
        self.set_options(options)
        if highlighted is not None:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except OptionDoesNotExist:  # the facet is gone
                self.highlighted = None
        elif self.has_focus and self.highlighted is None:
            self.action_first()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        field, _, value = (event.option.id or "").partition(":")
        if value:
            self.post_message(self.Chosen(self, field, value))
