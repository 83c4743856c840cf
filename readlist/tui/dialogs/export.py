"""The export dialog: which format (BibTeX, CSL-JSON, Markdown) and which file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from readlist.tui.dialogs.prompt import Dialog, PathInput
from readlist.tui.state import EXPORT_FORMATS

#: How each format is named in the dialog, and the file suffix it suggests.
FORMAT_NAMES = {"bibtex": "BibTeX", "csl-json": "CSL-JSON", "markdown": "Markdown"}
FORMAT_SUFFIXES = {"bibtex": ".bib", "csl-json": ".json", "markdown": ".md"}
DEFAULT_STEM = "readlist-export"


@dataclass(frozen=True)
class ExportChoice:
    """Where to write and in which format."""

    path: Path
    format: str


def with_suffix_for(value: str, format: str) -> str:
    """The typed path ``value`` with its suffix swapped for ``format``'s, if it had a known one."""
    suffix = FORMAT_SUFFIXES[format]
    for known in FORMAT_SUFFIXES.values():
        if value.endswith(known):
            return value[: -len(known)] + suffix
    return value


class ExportDialog(Dialog[ExportChoice]):
    """Pick a format (↑↓, or the list) and a file (the input); enter in the input exports."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *Dialog.BINDINGS,
        Binding("up", "next_format(-1)", "Previous format", show=False),
        Binding("down", "next_format(1)", "Next format", show=False),
    ]

    def __init__(self, what: str, *, folder: str = "", format: str = EXPORT_FORMATS[0]) -> None:
        """Export ``what`` ("3 selected papers"); start in ``folder`` with ``format`` chosen."""
        super().__init__(
            f"Export {what}",
            "↑↓ format · tab completes the path · enter exports · escape cancels",
        )
        self._format = format if format in EXPORT_FORMATS else EXPORT_FORMATS[0]
        home = folder or str(Path.home())
        self._value = os.path.join(home, DEFAULT_STEM + FORMAT_SUFFIXES[self._format])

    def compose_body(self) -> ComposeResult:
        """The formats, then the file."""
        labels = {f: Text(f"{FORMAT_NAMES[f]}  ({FORMAT_SUFFIXES[f]})") for f in EXPORT_FORMATS}
        options = [Option(label, id=f) for f, label in labels.items()]
        formats = OptionList(*options, id="export-formats")
        formats.highlighted = EXPORT_FORMATS.index(self._format)
        yield formats
        yield PathInput(self._value)

    def on_mount(self) -> None:
        """Start in the file input, the cursor at its end."""
        path_input = self.query_one(PathInput)
        path_input.cursor_position = len(self._value)
        path_input.focus()

    def action_next_format(self, step: int) -> None:
        """Highlight the next (or previous) format in the list."""
        formats = self.query_one("#export-formats", OptionList)
        formats.highlighted = (EXPORT_FORMATS.index(self._format) + step) % len(EXPORT_FORMATS)

    @property
    def format(self) -> str:
        """The format highlighted in the list."""
        return self._format

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._format = event.option.id or EXPORT_FORMATS[0]
        path_input = self.query_one(PathInput)
        path_input.value = with_suffix_for(path_input.value, self._format)
        path_input.cursor_position = len(path_input.value)

    @on(OptionList.OptionSelected, "#export-formats")
    def _format_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(PathInput).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        path = self.typed_path(event.value)
        if path is not None:
            self.dismiss(ExportChoice(path, self._format))
