"""The help screen: every key, taken from the bindings so it never goes stale."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
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
    ("has:note", "also code, abstract, doi, arxiv, tag, category"),
    ("added:2026-11", "added that month; also >=2026-11-01, A..B"),
    ("read:2026", "last marked read then"),
    ("a OR b", "either (also a | b); ( ) group"),
    ("-term", "papers NOT matching term (-has:tag: untagged)"),
    ("sort:-added", "the order (- reverses); beats s"),
)


def keys_table(title: str, bindings: Iterable[BindingType], key_display: dict[str, str]) -> Table:
    """A titled table of keys and what they do; keys sharing an action share a row."""
    table = titled_table(title)
    table.add_column(style="bold", no_wrap=True, min_width=9)
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
    "With rows selected (space), t T r u R d e y c x act on all of them; "
    "otherwise on the highlighted paper."
)

#: Keys of the dialogs, described once here.
DIALOG_KEYS: list[BindingType] = [
    Binding("ctrl+s", "", "Save the note", tooltip="in the note editor"),
    Binding("ctrl+s", "", "Import the samples", tooltip="in the import prompt"),
    Binding("y", "", "Yes", tooltip="in a question"),
    Binding("n,escape", "", "No / cancel"),
]

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
    """Keys of the library and triage screens, and the search syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        """Two columns of key tables."""
        from readlist.tui.app import ReadlistApp
        from readlist.tui.screens.library import LibraryScreen
        from readlist.tui.screens.triage import TriageScreen
        from readlist.tui.widgets.paper_table import PaperTable

        with Vertical(classes="dialog help") as dialog:
            dialog.border_title = "Keys · escape closes"
            with VerticalScroll(), Horizontal():
                with Vertical():
                    yield Static(keys_table("Library", LibraryScreen.BINDINGS, KEY_NAMES))
                    yield Static(Text(SELECTION_NOTE), classes="dialog-hint")
                with Vertical():
                    yield Static(keys_table("Paper table", PaperTable.BINDINGS, KEY_NAMES))
                    yield Static(keys_table("Triage", TriageScreen.BINDINGS, KEY_NAMES))
                    yield Static(keys_table("Anywhere", ReadlistApp.BINDINGS, KEY_NAMES))
                    yield Static(keys_table("Dialogs", DIALOG_KEYS, KEY_NAMES))
                    yield Static(self._query_help())

    def _query_help(self) -> Table:
        table = titled_table("Search")
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for term, meaning in QUERY_HELP:
            table.add_row(Text(term), Text(meaning))
        return table
