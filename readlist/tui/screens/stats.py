"""Reading stats: papers added and read per week, counts per status, tag and category."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from readlist.models import Status
from readlist.store import Library
from readlist.text import one_line
from readlist.tui.literal import literal_lines
from readlist.tui.session import LibrarySession
from readlist.tui.tables import titled_table
from readlist.view import STATUS_GLYPHS

#: How many weeks the charts cover.
WEEKS = 12
BAR_WIDTH = 16
TOP_TAGS = 12
TOP_CATEGORIES = 8
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekly_counts(stamps: Iterable[str | None], *, today: date, weeks: int = WEEKS) -> list[int]:
    """How many ISO timestamps fall in each of the last ``weeks`` weeks, oldest first."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    counts = [0] * weeks
    for stamp in stamps:
        if not stamp:
            continue
        try:
            day = date.fromisoformat(stamp[:10])
        except ValueError:
            continue
        index = (week_start(day) - first).days // 7
        if 0 <= index < weeks:
            counts[index] += 1
    return counts


def bar(count: int, most: int) -> Text:
    """A bar of ``█`` scaled to ``most``, then the count."""
    length = round(count / most * BAR_WIDTH) if most else 0
    text = Text("█" * length, style="green")
    text.append(f" {count}")
    return text


def counts_table(title: str, rows: Iterable[tuple[str, int]]) -> RenderableType:
    """A titled two-column table of names (plain text) and bars."""
    rows = list(rows)
    table = titled_table(title)
    table.add_column(no_wrap=True, max_width=22)
    table.add_column(no_wrap=True)
    most = max((count for _, count in rows), default=0)
    for name, count in rows:
        table.add_row(Text(one_line(name)), bar(count, most))
    if not rows:
        table.add_row(Text("none yet", style="dim"), Text(""))
    return table


def week_label(day: date) -> str:
    """A short, fixed-width name for the week starting ``day``: ``Nov 30``."""
    return f"{MONTHS[day.month - 1]} {day.day:>2}"


def count_bar(count: int, most: int, width: int = BAR_WIDTH // 2) -> Text:
    """The count, then a bar scaled to ``most``: a narrow column cuts the bar, not the count."""
    text = Text(f"{count:>3} ")
    text.append("█" * (round(count / most * width) if most else 0), style="green")
    return text


def weeks_table(added: list[int], read: list[int], today: date) -> RenderableType:
    """One row per week: when it started, papers added, papers read."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    table.add_column("Week of", no_wrap=True, min_width=7)
    table.add_column("Added", no_wrap=True, overflow="crop")
    table.add_column("Read", no_wrap=True, overflow="crop")
    most = max([*added, *read, 0])
    first = week_start(today) - timedelta(weeks=len(added) - 1)
    for n, (a, r) in enumerate(zip(added, read, strict=True)):
        label = week_label(first + timedelta(weeks=n))
        table.add_row(label, count_bar(a, most), count_bar(r, most))
    return table


@dataclass(frozen=True)
class StatsFigures:
    """What the stats screen shows, worked out on the library thread."""

    papers: int
    added: list[int]
    read: list[int]
    statuses: Counter[Status]
    tags: list[tuple[str, int]]
    categories: list[tuple[str, int]]

    @classmethod
    def of(cls, library: Library, today: date) -> StatsFigures:
        """The figures of ``library`` for the weeks up to ``today``."""
        papers = library.papers()
        return cls(
            papers=len(papers),
            added=weekly_counts((p.added for p in papers), today=today),
            read=weekly_counts((p.read_at for p in papers), today=today),
            statuses=library.status_counts(),
            tags=sorted(library.tag_counts().items(), key=lambda i: (-i[1], i[0]))[:TOP_TAGS],
            categories=sorted(library.category_counts().items(), key=lambda i: (-i[1], i[0]))[
                :TOP_CATEGORIES
            ],
        )


class StatsScreen(Screen[None]):
    """Charts of the reading habit and counts of the library."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,S", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: LibrarySession, *, today: date) -> None:
        """Stats for ``session``'s library, with weeks ending at ``today``."""
        super().__init__()
        self.session = session
        self.today = today
        #: The figures once the library thread has counted them; the error if it could not.
        self.figures: StatsFigures | None = None
        self.error: str | None = None

    def on_mount(self) -> None:
        """Count on the library thread; the screen fills in when the figures are back."""
        today = self.today
        self.session.queue(
            lambda library: StatsFigures.of(library, today),
            self._counted,
            self._failed,
            "count the stats",
        )

    async def _counted(self, figures: StatsFigures) -> None:
        if self not in self.app.screen_stack:
            return  # closed before the figures came
        self.figures = figures
        await self.recompose()
        if self.focused is None:  # as when the screen opened: the first scrollable has focus
            self.focus_next()

    async def _failed(self, error: Exception) -> None:
        if self not in self.app.screen_stack:
            return
        self.error = str(error)
        await self.recompose()

    def compose(self) -> ComposeResult:
        """Weekly charts on the left, counts on the right."""
        figures = self.figures
        if self.error is not None:
            yield Static(literal_lines(self.error), id="stats-error")
            yield Footer()
            return
        if figures is None:
            yield Static(Text("Reading stats", "bold"), id="stats-heading")
            yield Footer()
            return
        added, read = figures.added, figures.read
        yield Static(
            Text.assemble(
                ("Reading stats", "bold"),
                f"   {figures.papers} papers · last {WEEKS} weeks, to {self.today.isoformat()}",
            ),
            id="stats-heading",
        )
        with Horizontal(id="stats-body"):
            with VerticalScroll(id="stats-weeks"):
                yield Static(
                    Text(f"Added per week ({sum(added)} in {WEEKS} weeks)"), classes="stats-label"
                )
                yield Sparkline(added, id="added-sparkline")
                yield Static(
                    Text(f"Read per week ({sum(read)} in {WEEKS} weeks)"), classes="stats-label"
                )
                yield Sparkline(read, id="read-sparkline")
                yield Static(weeks_table(added, read, self.today), classes="stats-table")
            with Vertical(id="stats-counts"):
                status_rows = [
                    (f"{STATUS_GLYPHS[s]} {s.value}", figures.statuses[s]) for s in Status
                ]
                yield Static(counts_table("Status", status_rows), classes="stats-table")
                yield Static(counts_table("Tags", figures.tags), classes="stats-table")
                yield Static(counts_table("Categories", figures.categories), classes="stats-table")
        yield Footer()
