"""The stats screen, the help screen and the command palette."""

from __future__ import annotations

from datetime import date

import pytest
from textual.actions import parse
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.system_commands import SystemCommandsProvider
from textual.widgets import Input, Sparkline, Static

from readlist.tui.app import DIALOG_HELP, ReadlistApp
from readlist.tui.commands import LibraryCommands, journal_name, library_commands
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.note_editor import NoteEditor
from readlist.tui.dialogs.prompt import ChoicePrompt, ImportPrompt, PathPrompt, TextPrompt
from readlist.tui.dialogs.welcome import WelcomeScreen
from readlist.tui.screens.help import HelpScreen
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.screens.stats import StatsScreen, weekly_counts
from readlist.tui.screens.triage import TriageScreen
from readlist.tui.widgets.paper_detail import PaperDetail
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, settle, static_text

KEYED = (
    ReadlistApp,
    LibraryScreen,
    TriageScreen,
    StatsScreen,
    HelpScreen,
    WelcomeScreen,
    PaperTable,
    PaperDetail,
    ConfirmScreen,
    NoteEditor,
    TextPrompt,
    PathPrompt,
    ImportPrompt,
    ChoicePrompt,
)


def test_weekly_counts() -> None:
    today = date(2024, 5, 20)  # a Monday
    stamps = [
        "2024-05-20T08:00:00+00:00",  # this week
        "2024-05-26T23:59:59+00:00",  # still this week (Sunday)
        "2024-05-19T12:00:00+00:00",  # last week
        "2024-02-26T00:00:00+00:00",  # 12 weeks back: the first bar
        "2024-02-25T00:00:00+00:00",  # 13 weeks back: out of range
        None,
        "not a date",
    ]
    counts = weekly_counts(stamps, today=today, weeks=13)
    assert counts[-1] == 2 and counts[-2] == 1 and counts[0] == 1 and sum(counts) == 4
    assert weekly_counts(stamps, today=today) == counts[1:]


async def test_S_shows_the_reading_stats(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)  # counted on the library thread
        assert isinstance(app.screen, StatsScreen)
        added = app.screen.query_one("#added-sparkline", Sparkline)
        read = app.screen.query_one("#read-sparkline", Sparkline)
        assert list(added.data or []) == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]  # weeks from 4 Mar
        assert sum(read.data or []) == 2
        text = " ".join(static_text(s) for s in app.screen.query(Static))
        assert "6 papers" in text and "to 2024-05-20" in text
        for expected in ("unread", "reading", "systems", "cs.CV", "Week of"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_question_mark_lists_every_key(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(static_text(s) for s in app.screen.query(Static))
        owners: list[type[DOMNode]] = [LibraryScreen, TriageScreen, PaperTable]
        owners += [dialog for dialog, _ in DIALOG_HELP]
        for owner in owners:
            for binding in Binding.make_bindings(owner.BINDINGS):
                assert binding.description in text, binding
        assert "year:>=2023" in text
        await pilot.press("question_mark")
        assert isinstance(app.screen, LibraryScreen)


@pytest.mark.parametrize(("size", "columns"), [((80, 24), 1), ((120, 35), 2)])
async def test_help_is_one_column_when_narrow_and_two_when_wide(
    app: ReadlistApp, size: tuple[int, int], columns: int
) -> None:
    """At 80 columns two side-by-side tables wrapped every tooltip into a tall thin stack."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        statics = list(app.screen.query(Static))
        first, search = statics[0], statics[-1]  # the Library keys; the search syntax
        assert "year:>=2023" in static_text(search)
        side_by_side = search.region.x >= first.region.right
        assert (2 if side_by_side else 1) == columns
        if columns == 1:  # no description is squeezed onto a second line
            assert "filter as you type" in static_text(first)
            assert first.region.width > size[0] // 2
        scroll = app.screen.query_one(VerticalScroll)
        await pilot.press("j", "j")
        assert scroll.scroll_y == (2 if scroll.max_scroll_y >= 2 else scroll.max_scroll_y)


async def test_the_palette_offers_the_screen_keys(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # What Textual's palette gathers: the app's system commands and the screen's COMMANDS.
        assert LibraryCommands in type(app.screen).COMMANDS
        providers = [SystemCommandsProvider(app.screen), LibraryCommands(app.screen)]
        names = [hit.text for provider in providers async for hit in provider.discover()]
        for expected in ("Triage", "Export", "Mark read", "Sort by title", "Help", "Select"):
            assert expected in names
        hits = [hit.text async for hit in providers[0].search("mark rea")]
        assert hits[0] == "Mark reading" or "Mark read" in hits


async def run_from_palette(pilot: Pilot[None], name: str) -> None:
    """Open the palette, type ``name``, wait for the hits, run the first one."""
    await pilot.press("ctrl+p")
    assert CommandPalette.is_open(pilot.app)  # type: ignore[arg-type]
    pilot.app.screen.query_one(Input).value = name
    hits = pilot.app.screen.query_one(CommandList)
    for _ in range(40):
        await pilot.pause(0.05)
        if hits.option_count:
            break
    assert hits.option_count
    await pilot.press("down", "enter")
    await settle(pilot)


async def test_ctrl_p_runs_a_command(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Sort by title")
        assert isinstance(app.screen, LibraryScreen)
        titles = [p.title.split()[0] for p in app.screen.query_one(PaperTable).papers]
        assert titles[0] == "Aligning"


async def test_ctrl_p_opens_triage(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, "Triage")
        assert isinstance(app.screen, TriageScreen)


def _has_action(owner: type[DOMNode], action: str) -> bool:
    namespace, action_name, _ = parse(action)
    target: type[DOMNode] = ReadlistApp if namespace == "app" else owner
    return callable(getattr(target, f"action_{action_name}", None))


@pytest.mark.parametrize("owner", KEYED, ids=lambda owner: owner.__name__)
def test_every_key_runs_an_action_that_exists(owner: type[DOMNode]) -> None:
    # Actions are looked up by name when a key is pressed; a missing one fails silently.
    for binding in Binding.make_bindings(owner.BINDINGS):
        assert _has_action(owner, binding.action), binding


def test_every_palette_command_runs_an_action_that_exists() -> None:
    for name, _, action in library_commands():
        assert _has_action(LibraryScreen, action), name


def test_the_journal_names_an_action_after_its_key() -> None:
    # As the CLI's entries read (`mark K read`, `tag K x`), not as the code spells it.
    assert journal_name(LibraryScreen, "set_status('read')") == "mark read"
    assert journal_name(LibraryScreen, "add_tags") == "tag"
    assert journal_name(LibraryScreen, ("", "set_status", ("unread",))) == ("mark unread")
    assert journal_name(TriageScreen, "reading") == "read now"
    # No key runs it: the action's own name, readable.
    assert journal_name(LibraryScreen, "import_samples") == "import samples"
    assert journal_name(LibraryScreen, "sort('title')") == "sort title"


@pytest.mark.parametrize("owner", [LibraryScreen, TriageScreen], ids=lambda o: o.__name__)
def test_every_key_of_a_paper_screen_has_a_journal_name_of_its_own(
    owner: type[DOMNode],
) -> None:
    bindings = [b for b in Binding.make_bindings(owner.BINDINGS) if b.description]
    for binding in bindings:
        assert journal_name(owner, binding.action) == binding.description.lower()
    names = {journal_name(owner, b.action) for b in bindings}
    assert len(names) == len({b.action for b in bindings})
