"""The command palette, from Textual's own mechanisms: system commands and screen providers.

Every key with a description (of the focused widget, the screen and the app) is
offered by name through :meth:`App.get_system_commands` (see
:func:`key_commands`); commands that have no key are a screen's own
:class:`~textual.command.Provider` in its ``COMMANDS``, as
:class:`LibraryCommands` is for the library screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.actions import ActionParseResult, parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from readlist.models import Status

#: The orders the library screen sorts by, ``s`` cycling through them in this order.
SORT_CYCLE = ("published", "added", "title", "author", "status")


def key_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """A command for each described key of the focused widget, ``screen`` and ``app``."""
    owners: list[Widget | App[Any]] = [screen, app]
    if screen.focused is not None:
        owners.insert(0, screen.focused)
    seen: set[str] = set()
    for node in owners:
        for binding in Binding.make_bindings(type(node).BINDINGS):
            if not binding.description or binding.description in seen or binding.system:
                continue
            seen.add(binding.description)
            key = app.get_key_display(binding)
            yield SystemCommand(
                binding.description, f"key: {key}", partial(node.run_action, binding.action)
            )


def journal_name(owner: type[DOMNode], action: str | ActionParseResult) -> str:
    """What the change journal calls ``action`` run on an ``owner``: its key's description.

    ``set_status('read')`` on the library screen is ``mark read``, as its key ``d``
    says, like the CLI's ``mark K read``; an action no key of ``owner`` runs is named
    after the action itself, its underscores as spaces (``import samples``).
    """
    _, name, arguments = parse(action) if isinstance(action, str) else action
    for binding in Binding.make_bindings(owner.BINDINGS):
        if binding.description and parse(binding.action)[1:] == (name, arguments):
            return binding.description.lower()
    return " ".join([name.replace("_", " "), *(str(argument) for argument in arguments)])


def library_commands() -> list[tuple[str, str, str]]:
    """The library screen's commands without a key: ``(name, help, action of the screen)``."""
    commands = [("Import the bundled sample listings", "", "import_samples")]
    commands += [(f"Sort by {by}", "", f"sort('{by}')") for by in SORT_CYCLE]
    commands += [
        (f"Filter: {status.value}", "toggle in the query", f"filter('status', '{status}')")
        for status in Status
    ]
    commands.append(("Filter: has code", "toggle in the query", "filter('code', 'yes')"))
    return commands


class LibraryCommands(Provider):
    """The library screen's commands that have no key: sort orders, filters, the samples."""

    async def discover(self) -> Hits:
        """All the commands, before anything is typed."""
        for name, help_text, action in library_commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches ``query``."""
        matcher = self.matcher(query)
        for name, help_text, action in library_commands():
            score = matcher.match(name)
            if score > 0:
                run = partial(self.screen.run_action, action)
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
