"""The dimmed screen behind a dialog is tinted exactly as Textual tints it, only faster."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import Screen

from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.prompt import TextPrompt
from readlist.tui.dialogs.tint import TintedScreen

from .tui_helpers import SIZE, settle

colors = st.sampled_from([None, "red", "#102030", "rgb(200,10,10)", "bright_white", "default"])
styles = st.one_of(
    st.none(),
    st.builds(
        Style,
        color=colors,
        bgcolor=colors,
        bold=st.booleans(),
        link=st.sampled_from([None, "https://example.org"]),
    ),
)
segments = st.lists(
    st.one_of(
        st.builds(Segment, st.text(max_size=4), styles),
        st.just(Segment("", None, [(ControlType.BELL,)])),  # a control segment
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(pieces=segments, alpha=st.sampled_from([0.0, 0.4, 0.6, 1.0]))
def test_tinted_segments_are_textuals(pieces: list[Segment], alpha: float) -> None:
    color = Color(0, 0, 40, alpha)
    tinted = TintedScreen(Screen(), color, {})
    assert list(tinted.tint(pieces)) == list(BackgroundScreen.process_segments(pieces, color))
    assert list(tinted.tint(pieces)) == list(tinted.tint(pieces))  # again, from the cache


async def test_a_dialog_over_the_table_draws_the_screen_below_tinted(
    app: ReadlistApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[TintedScreen] = []
    tint = TintedScreen.tint

    def counted(self: TintedScreen, pieces: Iterable[Segment]) -> Iterable[Segment]:
        drawn.append(self)
        return tint(self, pieces)

    monkeypatch.setattr(TintedScreen, "tint", counted)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        assert drawn  # the screen below went through the cached tint
        await pilot.press("escape")
