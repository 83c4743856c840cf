"""The command palette: every key of the current screen by name, plus its extras."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any, Protocol, runtime_checkable

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget

Command = tuple[str, str, Callable[[], Awaitable[Any]]]


@runtime_checkable
class HasPaletteCommands(Protocol):
    """A screen offering commands that have no key: ``(name, help, action)``."""

    def palette_commands(self) -> Iterable[tuple[str, str, str]]:
        """The extra commands."""
        ...


class ReadlistCommands(Provider):
    """Offers the calling screen's key actions (and extra commands) by name."""

    def _commands(self) -> list[Command]:
        """``(name, help, run)`` for the focused widget, the screen and the app."""
        screen = self.screen
        owners: list[Widget | App[Any]] = [screen]
        if screen.focused is not None:
            owners.insert(0, screen.focused)
        owners.append(self.app)
        commands: list[Command] = []
        seen: set[str] = set()
        for node in owners:
            for binding in Binding.make_bindings(type(node).BINDINGS):
                if not binding.description or binding.description in seen or binding.system:
                    continue
                seen.add(binding.description)
                key = self.app.get_key_display(binding)
                run = partial(node.run_action, binding.action)
                commands.append((binding.description, f"key: {key}", run))
        if isinstance(screen, HasPaletteCommands):
            for name, help_text, action in screen.palette_commands():
                commands.append((name, help_text, partial(screen.run_action, action)))
        return commands

    async def discover(self) -> Hits:
        """All the commands, before anything is typed."""
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches ``query``."""
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
