"""Fixtures for the TUI tests: a fixed clock, a small library on tmp_path, an app factory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import readlist.store.library
from readlist.store import Library
from readlist.tui.app import ReadlistApp
from readlist.tui.screens import library as library_screen
from tests.tui.tui_helpers import TODAY, AppFactory, Browser, Clock, build_library


@pytest.fixture(autouse=True)
def _tui_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Colours on, no detail-pane throttling, a tmp library env, a graphical browser."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("READLIST_LIBRARY", str(tmp_path / "env-library.json"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(library_screen, "DETAIL_INTERVAL", 0.0)
    # A desktop with a graphical browser: links open in a worker (tests that need a
    # console browser set $BROWSER themselves).
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The store's clock, frozen at :data:`START`."""
    fake = Clock()
    monkeypatch.setattr(readlist.store.library, "now_iso", fake)
    return fake


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Browser:
    """``webbrowser.open`` replaced by a recorder."""
    fake = Browser()
    monkeypatch.setattr("webbrowser.open", fake)
    return fake


@pytest.fixture
def library_path(tmp_path: Path, clock: Clock) -> Path:
    """A library file holding the six sample papers."""
    path = tmp_path / "library.json"
    build_library(path, clock)
    return path


@pytest.fixture
def empty_path(tmp_path: Path) -> Path:
    """A library file that does not exist yet."""
    return tmp_path / "empty" / "library.json"


@pytest.fixture
def make_app(clock: Clock) -> AppFactory:
    """Build an app on a library file (a fresh Library object each time)."""

    def factory(path: Path) -> ReadlistApp:
        return ReadlistApp(Library(path), today=lambda: TODAY)

    return factory


@pytest.fixture
def app(make_app: AppFactory, library_path: Path) -> ReadlistApp:
    """The app on the sample library."""
    return make_app(library_path)


@pytest.fixture
def notifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every notification shown, as ``(severity, message)``."""
    shown: list[tuple[str, str]] = []
    original = ReadlistApp.notify

    def notify(self: ReadlistApp, message: str, **kwargs: object) -> None:
        shown.append((str(kwargs.get("severity", "information")), message))
        original(self, message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ReadlistApp, "notify", notify)
    yield shown
