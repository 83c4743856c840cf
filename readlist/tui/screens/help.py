"""The help screen: every key, taken from the screens' and dialogs' bindings (never stale)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.tui.tables import titled_table

QUERY_HELP = (
    ("words", "word starts in title, authors, abstract, notes"),
    ('"a phrase"', "the exact phrase"),
    ("tag:ml", "papers tagged ml"),
    ("status:unread", "unread, reading or read"),
    ("author:kim", "an author's name"),
    ("title:word", "a word in the title"),
    ("year:>=2023", "also 2023, <2020, 2020..2023"),
    ("cat:cv", "category (cs.CV)"),
    ("code:yes", "papers with code"),
    ("has:note", "also code, abstract, doi, arxiv, tag, category, pdf"),
    ("added:2026-11", "added that month; also >=2026-11-01, A..B"),
    ("read:2026", "last marked read then"),
    ("a OR b", "either (also a | b); ( ) group"),
    ("-term", "papers NOT matching term (-has:tag: untagged)"),
    ("sort:-added", "the order (- reverses); beats s"),
)


@dataclass(frozen=True)
class KeySection:
    """One table of the help screen: the bindings of a screen, a widget or the dialogs."""

    title: str
    bindings: Sequence[BindingType]

    @classmethod
    def of_dialogs(cls, title: str, dialogs: Iterable[tuple[type[DOMNode], str]]) -> KeySection:
        """The described keys of each dialog class, each saying where it works (``where``)."""
        bindings: list[BindingType] = [
            replace(binding, tooltip=binding.tooltip or where)
            for dialog, where in dialogs
            for binding in Binding.make_bindings(dialog.BINDINGS)
        ]
        return cls(title, bindings)


def keys_table(title: str, bindings: Iterable[BindingType], key_display: dict[str, str]) -> Table:
    """A titled table of keys and what they do; keys sharing an action share a row."""
    table = titled_table(title)
    # Keys wrap at a space (``ctrl+r ctrl+y`` on two lines) rather than widen the column.
    table.add_column(style="bold", min_width=9, max_width=9)
    table.add_column(no_wrap=True)
    table.add_column(style="dim")
    rows: dict[tuple[str, str], tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.description:
            keys, _ = rows.setdefault((binding.action, binding.description), ([], binding.tooltip))
            keys.append(key_display.get(binding.key, binding.key))
    for (_, description), (keys, tooltip) in rows.items():
        table.add_row(Text(" ".join(keys)), Text(description), Text(tooltip))
    return table


SELECTION_NOTE = (
    "With rows selected (space), t T r U R d e y c x act on all of them; "
    "otherwise on the highlighted paper."
)

KEY_NAMES = {
    "slash": "/",
    "backslash": "\\",
    "minus": "-",
    "colon": ":",
    "question_mark": "?",
    "escape": "esc",
    "delete": "del",
    "space": "space",
    "enter": "enter",
    "down": "↓",
    "up": "↑",
    "right": "→",
    "pagedown": "pgdn",
    "pageup": "pgup",
}


class HelpScreen(ModalScreen[None]):
    """Keys of the screens and dialogs (from their own bindings), and the search syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close help"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
    ]
    #: Below 110 columns the two columns of tables are one (app.tcss: ``.-narrow``);
    #: side by side at 80 columns, every tooltip wrapped into a tall thin stack.
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]

    def __init__(self, left: Sequence[KeySection], right: Sequence[KeySection]) -> None:
        """Help on the keys of ``left`` (then the selection note) and ``right`` (then search)."""
        super().__init__()
        self.left = left
        self.right = right

    def compose(self) -> ComposeResult:
        """Two columns of key tables."""
        with Vertical(classes="dialog help") as dialog:
            dialog.border_title = "Keys · escape closes"
            with VerticalScroll(), Horizontal():
                with Vertical():
                    for section in self.left:
                        yield Static(keys_table(section.title, section.bindings, KEY_NAMES))
                    yield Static(Text(SELECTION_NOTE), classes="dialog-hint")
                with Vertical():
                    for section in self.right:
                        yield Static(keys_table(section.title, section.bindings, KEY_NAMES))
                    yield Static(self._query_help())

    def action_scroll(self, lines: int) -> None:
        """Scroll the keys by ``lines`` (j/k as in the table, whatever has focus)."""
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def _query_help(self) -> Table:
        table = titled_table("Search")
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for term, meaning in QUERY_HELP:
            table.add_row(Text(term), Text(meaning))
        return table
