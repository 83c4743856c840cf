"""A footer that shows only the keys that fit whole, dropping the least useful first."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    """Cells a compact footer key takes: ``k Label`` and the one-cell gap after it."""
    label = f"{key.key_display} {key.description}" if key.description else key.key_display
    return len(label) + 1


class FittingFooter(Footer):
    """Textual's compact footer, but a key that does not fit is left out, never cut.

    Textual's footer clips its last key mid-word (``v Tr``) in a narrow terminal.
    This one leaves keys out instead: those named in ``drop_order`` first (in
    that order), then from the end. The help key, the last one, is shown whatever
    else goes, so every key stays one ``?`` away.

    Textual's footer is composed again each time the screen's bindings may have
    changed (a focus moving, a screen pushed), several times a frame at start-up:
    this one is composed again once a frame at most, and only when the keys it
    would show or its width are not those it shows.
    """

    def __init__(self, *, drop_order: Sequence[str] = (), id: str | None = None) -> None:
        """A compact footer; ``drop_order`` names the actions to leave out first."""
        super().__init__(compact=True, id=id)
        self.drop_order = tuple(drop_order)
        self._fitted_width = 0
        #: What the keys shown were composed from (see :meth:`_shown_from`).
        self._composed_from: Hashable = None
        self._refit_asked = False

    def compose(self) -> ComposeResult:
        """The keys that fit in the current width."""
        widgets = list(super().compose())
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        self._composed_from = self._shown_from() if self._bindings_ready else None
        keys = [
            w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")
        ]
        palette = sum(key_width(w) for w in widgets if w not in keys and isinstance(w, FooterKey))
        shown = list(keys)

        def used() -> int:
            return palette + sum(key_width(key) for key in shown)

        by_action = {key.action: key for key in keys}
        candidates = [by_action[a] for a in self.drop_order if a in by_action]
        candidates += [key for key in reversed(keys[:-1]) if key not in candidates]
        for key in candidates:
            if used() <= width:
                break
            shown.remove(key)
        hidden = set(keys) - set(shown)
        yield from (w for w in widgets if w not in hidden)

    def _shown_from(self) -> Hashable:
        """What the keys shown depend on: the width and the screen's active shown keys."""
        return (
            self.size.width or self.app.size.width,
            self.show_command_palette,
            tuple(
                (binding.key, binding.action, binding.description, enabled, tooltip)
                for _, binding, enabled, tooltip in self.screen.active_bindings.values()
                if binding.show
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's bindings may have changed: compose again (once) if the keys did."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._ask_refit()

    def on_resize(self, event: events.Resize) -> None:
        """Choose the keys again for the new width."""
        if event.size.width != self._fitted_width:
            self._ask_refit()

    def _ask_refit(self) -> None:
        if not self._refit_asked:
            self._refit_asked = True
            self.call_after_refresh(self._refit)

    async def _refit(self) -> None:
        self._refit_asked = False
        if self.is_attached and self._shown_from() != self._composed_from:
            await self.recompose()
