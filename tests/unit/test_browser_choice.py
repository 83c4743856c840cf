"""Which browser shares the terminal: the TUI suspends itself for those."""

from __future__ import annotations

import pytest

from readlist.launch import browser_uses_terminal


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"BROWSER": "lynx"}, "linux", True),
        ({"BROWSER": "/usr/bin/w3m -no-mouse", "DISPLAY": ":0"}, "linux", True),
        ({"BROWSER": "elinks:firefox"}, "linux", True),  # the first one is tried first
        ({"BROWSER": "browsh"}, "darwin", True),
        ({"BROWSER": "firefox"}, "linux", False),
        ({"BROWSER": "firefox:lynx"}, "linux", False),
        ({"BROWSER": "'unclosed"}, "linux", False),
        ({}, "linux", True),  # no display: only a console browser can run
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_browser_uses_terminal(environ: dict[str, str], platform: str, expected: bool) -> None:
    assert browser_uses_terminal(environ, platform) is expected
