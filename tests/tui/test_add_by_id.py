"""``a``: add papers by identifier from the interface, against the fake services."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.prompt import TextPrompt
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_table import PaperTable
from tests.fake_services import FakeServices, Reply
from tests.tui.tui_helpers import SIZE, Browser, fresh, settle


async def _add(pilot, app: ReadlistApp, text: str) -> None:
    await pilot.press("a")
    assert isinstance(app.screen, TextPrompt)
    for char in text:
        await pilot.press(char if char != " " else "space")
    await pilot.press("enter")
    await settle(pilot)


async def test_a_adds_a_paper_and_selects_it(
    services: FakeServices,
    app: ReadlistApp,
    library_path: Path,
    notifications: list[tuple[str, str]],
    browser: Browser,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _add(pilot, app, "1605.08386 D16-1001")
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(PaperTable)
        added = {p.title: p.key for p in fresh(library_path).papers()}
        assert len(added) == 8
        (key,) = [key for title, key in added.items() if title.startswith("Span-Based")]
        assert table.highlighted is not None and table.highlighted.key == key
        messages = [m for _, m in notifications]
        assert any(m.startswith("Asking arXiv for 1605.08386") for m in messages)
        assert any(m.startswith("1605.08386: added ") for m in messages)
        assert not [m for severity, m in notifications if severity == "error"]
        # p opens the DOI page of the paper just added
        await pilot.press("p")
        await settle(pilot)
        assert browser.urls == ["https://doi.org/10.18653/v1/d16-1001"]


async def test_a_known_paper_is_named_not_doubled(
    services: FakeServices,
    app: ReadlistApp,
    library_path: Path,
    notifications: list[tuple[str, str]],
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _add(pilot, app, "1605.08386")
        await _add(pilot, app, "https://arxiv.org/abs/1605.08386")
    assert len(fresh(library_path)) == 7
    assert any("already in the library as" in m for _, m in notifications)


@pytest.mark.parametrize("offline", [True, False])
async def test_a_failure_is_a_notification_and_adds_nothing(
    services: FakeServices,
    app: ReadlistApp,
    library_path: Path,
    notifications: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    offline: bool,
) -> None:
    if offline:
        monkeypatch.setenv("READLIST_OFFLINE", "1")
    else:
        services.routes["/acl/D16-1001.bib"] = Reply(b"", status=503)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _add(pilot, app, "1605.08386 D16-1001")
        assert isinstance(app.screen, LibraryScreen)
    errors = [m for severity, m in notifications if severity == "error"]
    assert len(errors) == 1
    assert ("offline" in errors[0]) if offline else ("HTTP 503" in errors[0])
    assert len(fresh(library_path)) == 6
