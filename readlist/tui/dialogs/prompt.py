"""Small dialogs that ask for one value: tags, a tag to remove, a file path."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from readlist.models import split_tags as split_tags  # the one tag splitter, also the CLI's
from readlist.text import one_line, strip_controls
from readlist.tui.dialogs.tint import TintedScreen
from readlist.tui.jobs import ImportChoice
from readlist.tui.literal import literal

T = TypeVar("T")


class TagSuggester(Suggester):
    """Completes the tag being typed (the last word) from the library's tags."""

    def __init__(self, tags: Iterable[str]) -> None:
        """Suggest from ``tags`` (most used first)."""
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        """``value`` with its last word completed, if a known tag starts with it."""
        match = re.search(r"[^,\s]*$", value)
        word = match.group(0) if match else ""
        if not word:
            return None
        wanted = word.lower()
        for tag in self._tags:
            if tag.startswith(wanted) and tag != wanted and strip_controls(tag) == tag:
                return value + tag[len(word) :]
        return None


def path_candidates(value: str) -> list[str]:
    """Every completion of the typed path ``value`` from the disk, sorted; folders end in ``/``.

    Hidden entries are offered only once a ``.`` is typed, and a name with
    control characters never is: the input would draw its escapes raw (and a
    completion retitled the terminal).
    """
    if not value:
        return []
    expanded = Path(os.path.expanduser(value))
    folder, stem = (expanded, "") if value.endswith(os.sep) else (expanded.parent, expanded.name)
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return []
    candidates = []
    for name in names:
        if (
            name.startswith(stem)
            and name != stem
            and (stem.startswith(".") or not name.startswith("."))
            and strip_controls(name) == name
        ):
            suffix = os.sep if (folder / name).is_dir() else ""
            candidates.append(value + name[len(stem) :] + suffix)
    return candidates


#: Every completion of what was typed, best first.
Completions = Callable[[str], list[str]]


class CompletionSuggester(Suggester):
    """Suggests (in grey) the first of a completion function's candidates."""

    def __init__(self, completions: Completions) -> None:
        """Suggest from ``completions`` each time (nothing is cached)."""
        super().__init__(use_cache=False, case_sensitive=True)
        self._completions = completions

    async def get_suggestion(self, value: str) -> str | None:
        """The first candidate, if any."""
        candidates = self._completions(value)
        return candidates[0] if candidates else None


class PathSuggester(CompletionSuggester):
    """Completes a file path from what is on disk."""

    def __init__(self) -> None:
        """A suggester that looks at the file system each time."""
        super().__init__(path_candidates)


class CompletingInput(Input):
    """An input where ``tab`` completes, and pressing it again cycles through the candidates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
    ]

    def __init__(
        self,
        completions: Completions,
        value: str = "",
        *,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        """An input holding ``value`` that completes with ``completions``."""
        super().__init__(
            value,
            placeholder=placeholder,
            suggester=CompletionSuggester(completions),
            select_on_focus=False,
            id=id,
        )
        self._completions = completions
        self._candidates: list[str] = []
        self._turn = 0

    def action_complete(self) -> None:
        """The next candidate if the last tab put one here, else the first."""
        if self._candidates and self.value == self._candidates[self._turn]:
            self._turn = (self._turn + 1) % len(self._candidates)
        else:
            self._candidates = self._completions(self.value)
            self._turn = 0
            if not self._candidates:
                self.app.bell()
                return
        self.value = self._candidates[self._turn]
        self.cursor_position = len(self.value)


class PathInput(CompletingInput):
    """A file path input completing from the disk."""

    def __init__(self, value: str = "", *, placeholder: str = "path/to/file") -> None:
        """An input holding ``value``."""
        super().__init__(path_candidates, value, placeholder=placeholder)


class Dialog(ModalScreen[T | None]):
    """A titled box with a hint below it; escape closes it without an answer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str) -> None:
        """A dialog titled ``title`` with ``hint`` (plain text) below its body."""
        super().__init__()
        self._title = title
        self._hint = hint
        self._tinted: dict[object, Style] = {}

    def render(self) -> RenderableType:
        """The screen below, dimmed (each style tinted once: see :mod:`.tint`)."""
        below = super().render()
        if type(below) is BackgroundScreen:
            return TintedScreen(below.screen, below.color, self._tinted)
        return below

    def compose(self) -> ComposeResult:
        """Title, body, hint."""
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = literal(self._title)
            yield from self.compose_body()
            yield Static(Text(self._hint), classes="dialog-hint")

    def compose_body(self) -> ComposeResult:
        """What the dialog asks with: an input, a list."""
        yield from ()

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def typed_path(self, value: str) -> Path | None:
        """The file path typed (``~`` expanded); ``None``, and a warning, when nothing was."""
        value = value.strip()
        if not value:
            self.notify("Type a file path first", severity="warning", markup=False)
            return None
        return Path(os.path.expanduser(value))


class TextPrompt(Dialog[str]):
    """Ask for one line of text; enter answers, escape cancels."""

    def __init__(
        self,
        title: str,
        *,
        hint: str = "",
        value: str = "",
        placeholder: str = "",
        suggester: Suggester | None = None,
    ) -> None:
        """A prompt titled ``title`` with an optional ``hint`` below the input."""
        super().__init__(title, hint)
        self._value = value
        self._placeholder = placeholder
        self._suggester = suggester

    def compose_body(self) -> ComposeResult:
        """The input."""
        yield Input(
            self._value,
            placeholder=self._placeholder,
            suggester=self._suggester,
            select_on_focus=False,
        )

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())


class PathPrompt(Dialog[Path]):
    """Ask for a file path, completing it from the file system."""

    def __init__(self, title: str, *, value: str = "", hint: str = "") -> None:
        """A prompt titled ``title``, pre-filled with ``value``."""
        super().__init__(
            title, hint or "tab completes (again: the next) · enter confirms · escape cancels"
        )
        self._value = value

    def compose_body(self) -> ComposeResult:
        """The input."""
        yield PathInput(self._value)

    def on_mount(self) -> None:
        """Put the cursor at the end of the suggested path."""
        self.query_one(Input).cursor_position = len(self._value)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        path = self.typed_path(event.value)
        if path is not None:
            self.dismiss(path)


class ImportPrompt(Dialog[ImportChoice]):
    """Ask which file to import, with the bundled samples one key away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *Dialog.BINDINGS,
        Binding("ctrl+s", "samples", "Import the sample listings"),
    ]

    def __init__(self) -> None:
        """The import dialog."""
        super().__init__(
            "Import a listing, search results or BibTeX file",
            "tab completes (again: the next) · enter imports · ctrl+s: the bundled samples"
            " · escape cancels",
        )

    def compose_body(self) -> ComposeResult:
        """The input."""
        yield PathInput(placeholder="path/to/file.txt or .bib")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self.notify("Type a file path, or press ctrl+s for the samples", markup=False)
            return
        self.dismiss(ImportChoice(Path(os.path.expanduser(value))))

    def action_samples(self) -> None:
        """Import the bundled sample listings."""
        self.dismiss(ImportChoice())


class ChoicePrompt(Dialog[str]):
    """Pick one of a few values (e.g. the tag to remove) from a list."""

    def __init__(self, title: str, choices: Iterable[str], *, hint: str = "") -> None:
        """A list of ``choices`` titled ``title``."""
        super().__init__(title, hint or "enter chooses · escape cancels")
        self._choices = list(choices)

    def compose_body(self) -> ComposeResult:
        """The list."""
        yield OptionList(*(Option(Text(one_line(c)), id=c) for c in self._choices))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
