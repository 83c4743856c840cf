"""Opening a link never freezes the interface and never shares its screen unannounced."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from readlist.tui.app import ReadlistApp
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, key_of, settle

SLORA_CODE = "https://github.com/S-LoRA/S-LoRA"


async def test_a_slow_browser_never_blocks_keys(
    app: ReadlistApp, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    released_by_the_test: list[bool] = []
    opened: list[str] = []

    def slow_browser(url: str, *args: object, **kwargs: object) -> bool:
        # Returns when the test lets it, which it can only do if keys still work.
        released_by_the_test.append(release.wait(timeout=10))
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", slow_browser)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PaperTable)
        table.move_to(key_of(library_path, "S-LoRA"))
        assert table.cursor != 0
        await pilot.press("o")
        await pilot.press("g")  # first paper: handled while the browser is still busy
        await pilot.pause()
        assert table.cursor == 0
        release.set()
        await settle(pilot)
        assert app.is_running
    assert released_by_the_test == [True]
    assert opened == [SLORA_CODE]


@pytest.mark.parametrize(
    "environment",
    [{"BROWSER": "lynx"}, {"BROWSER": "/usr/bin/w3m -dump"}, {"DISPLAY": ""}],
    ids=["lynx", "w3m", "no-display"],
)
async def test_a_console_browser_runs_with_the_app_suspended(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    events: list[str] = []

    @contextmanager
    def suspend() -> Iterator[None]:
        events.append("suspended")
        yield
        events.append("resumed")

    def console_browser(url: str, *args: object, **kwargs: object) -> bool:
        events.append(url)
        return True

    monkeypatch.setattr(app, "suspend", suspend)
    monkeypatch.setattr("webbrowser.open", console_browser)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(PaperTable).move_to(key_of(library_path, "S-LoRA"))
        await pilot.press("o")
        await settle(pilot)
        assert app.is_running
    assert events == ["suspended", SLORA_CODE, "resumed"]


async def test_a_console_browser_is_not_run_where_the_app_cannot_step_aside(
    app: ReadlistApp,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notifications: list[tuple[str, str]],
) -> None:
    monkeypatch.setenv("BROWSER", "lynx")
    opened: list[str] = []

    def open_in_browser(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", open_in_browser)
    async with app.run_test(size=SIZE) as pilot:  # the test driver cannot suspend
        await settle(pilot)
        app.screen.query_one(PaperTable).move_to(key_of(library_path, "S-LoRA"))
        await pilot.press("o")
        await settle(pilot)
    assert opened == []
    assert any(
        severity == "warning" and "runs in the terminal" in message and SLORA_CODE in message
        for severity, message in notifications
    )
