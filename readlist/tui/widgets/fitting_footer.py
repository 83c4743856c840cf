"""A footer that shows only the keys that fit whole, dropping the least useful first."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
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
    """

    def __init__(self, *, drop_order: Sequence[str] = (), id: str | None = None) -> None:
        """A compact footer; ``drop_order`` names the actions to leave out first."""
        super().__init__(compact=True, id=id)
        self.drop_order = tuple(drop_order)
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        """The keys that fit in the current width."""
        widgets = list(super().compose())
        width = self.size.width or self.app.size.width
        self._fitted_width = width
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

    def on_resize(self, event: events.Resize) -> None:
        """Choose the keys again for the new width."""
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
