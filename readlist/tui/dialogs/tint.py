"""The dimmed screen behind a dialog, tinted once per style instead of once per piece of text.

A dialog's translucent background shows the screen below it tinted: Textual's
``BackgroundScreen`` blends the tint into the colours of every segment of that
screen, each time the dialog is drawn whole. Opening the tag prompt over the
paper table (thousands of segments at 160×48, a few dozen styles) cost tens of
milliseconds on the event loop. :class:`TintedScreen` gives the same segments,
working out each style's tinted style once and remembering it while the dialog
is open.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import Screen

#: Tinted styles by (style, tint); cleared when it grows past this many.
CACHE_LIMIT = 4096


class TintedScreen(BackgroundScreen):
    """``BackgroundScreen`` with each style tinted once (the same segments, drawn faster)."""

    def __init__(self, screen: Screen[object], color: Color, cache: dict[object, Style]) -> None:
        """``screen`` tinted with ``color``; ``cache`` keeps tinted styles between draws."""
        super().__init__(screen, color)
        self._cache = cache

    def _tinted(self, style: Style | None) -> Style:
        key = (style, self.color)
        tinted = self._cache.get(key)
        if tinted is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            # The one-segment answer of Textual's own tinting: the same colours as before.
            (segment,) = self.process_segments([Segment(" ", style)], self.color)
            tinted = self._cache[key] = segment.style or Style()
        return tinted

    def tint(self, segments: Iterable[Segment]) -> Iterable[Segment]:
        """``segments`` tinted (control segments pass as they are)."""
        for segment in segments:
            text, style, control = segment
            yield segment if control else Segment(text, self._tinted(style), control)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The screen below, rendered and tinted."""
        return self.tint(console.render(self.screen._compositor, options))
