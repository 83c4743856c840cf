"""Keys held back while the first screen shows only the first rows, then let through in order.

A large library opens on its first page of rows while the rest are built on the
library thread. A key pressed meanwhile could act on rows not there yet (``G``,
a page down past the first page, then ``r``), so every key (and paste) is held
until all rows are shown, then handed back to the app in the order pressed, with
any pressed while they are replayed after them.

Each is replayed once the one before has gone all its way: through the app (its
priority keys), to the focused widget and up through its parents back to the app
(the other keys). Replayed all at once, a priority key (``/`` focuses the search
bar) would act before the keys pressed ahead of it had reached the table.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

#: Keys never held: quitting works at once.
PASSING = frozenset({"ctrl+q", "ctrl+c"})


class KeyHold:
    """Holds key and paste events while :attr:`holding`; :meth:`release` replays them."""

    def __init__(self) -> None:
        """Holding nothing."""
        self.holding = False
        self._releasing = False
        self._waiting: list[events.Key | events.Paste] = []
        self._passing: events.Event | None = None

    def hold(self) -> None:
        """Hold every key and paste from now on, until :meth:`release`."""
        self.holding = True

    def takes(self, event: events.Event) -> bool:
        """Whether ``event`` is held (the caller then drops it); the one replayed passes."""
        if not self.holding or not isinstance(event, events.Key | events.Paste):
            return False
        if event.is_forwarded or event is self._passing:
            return False
        if isinstance(event, events.Key) and event.key in PASSING:
            return False
        self._waiting.append(event)
        return True

    def release(self, app: App[Any]) -> None:
        """Replay the held events into ``app`` in the order they came, then hold no more."""
        if self.holding and not self._releasing:
            self._releasing = True
            app.run_worker(self._replay(app), group="keys", description="replay held keys")

    async def _replay(self, app: App[Any]) -> None:
        try:
            while self._waiting:
                event = _copy(self._waiting.pop(0))
                self._passing = event
                app.post_message(event)
                await _through(app)  # its priority keys checked, or forwarded to the focus
                target = app.focused or app.screen
                for pump in target.ancestors_with_self:  # up to the app: its other keys
                    await _through(pump)
        finally:
            self.holding = self._releasing = False
            self._passing = None


async def _through(pump: MessagePump) -> None:
    """Wait until ``pump`` has handled every message posted to it so far."""
    done = asyncio.Event()
    if pump.call_later(done.set):
        await done.wait()


def _copy(event: events.Key | events.Paste) -> events.Key | events.Paste:
    """A fresh event like ``event`` (a message is dispatched once)."""
    if isinstance(event, events.Key):
        return events.Key(event.key, event.character)
    return events.Paste(event.text)
