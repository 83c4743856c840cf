"""The sidebar: statuses, tags and categories with counts; choosing one filters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from readlist.models import Status
from readlist.text import one_line
from readlist.view import STATUS_GLYPHS, fit

#: Width of a facet's name; its count follows, right-aligned in 5 cells.
NAME_WIDTH = 13


def facet_label(name: str, count: int, *, glyph: str = "") -> Text:
    """``name ……… count`` as plain text."""
    label = Text(fit(f"{glyph} {name}" if glyph else name, NAME_WIDTH))
    label.append(f"{count:>5}", style="dim")
    return label


def heading(title: str) -> Option:
    """A section heading (not selectable)."""
    return Option(Text(title, style="bold"), disabled=True)


class FacetSidebar(OptionList):
    """A list of facets; choosing one posts :class:`FacetSidebar.Chosen`."""

    @dataclass
    class Chosen(Message):
        """A facet was chosen: ``field`` is a query filter (tag, status, cat)."""

        sidebar: FacetSidebar
        field: str
        value: str

        @property
        def control(self) -> FacetSidebar:
            """The sidebar that posted the message."""
            return self.sidebar

    def show_counts(
        self, statuses: Counter[Status], tags: Counter[str], categories: Counter[str]
    ) -> None:
        """Rebuild the list, keeping the highlighted facet."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options = [heading("Status")]
        options += [
            Option(facet_label(s.value, statuses[s], glyph=STATUS_GLYPHS[s]), id=f"status:{s}")
            for s in Status
        ]
        for title, field, counts in (("Tags", "tag", tags), ("Categories", "cat", categories)):
            if counts:
                options.append(heading(title))
                ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                options += [
                    Option(facet_label(one_line(name), n), id=f"{field}:{name}")
                    for name, n in ranked
                ]
        self.set_options(options)
        if highlighted is not None:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except OptionDoesNotExist:  # the facet is gone
                self.highlighted = None

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        field, _, value = (event.option.id or "").partition(":")
        if value:
            self.post_message(self.Chosen(self, field, value))
