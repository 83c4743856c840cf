"""Hostile strings in every field, through every screen and dialog: shown literally, never run."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets._toast import Toast

from readlist.models import Paper
from readlist.text import one_line, strip_controls
from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.note_editor import NoteEditor
from readlist.tui.dialogs.prompt import ChoicePrompt, ImportPrompt, TextPrompt
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.screens.stats import StatsScreen
from readlist.tui.screens.triage import TriageScreen
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import Clock, build_library, fresh, settle, static_text

#: Markup that styles, markup that closes nothing (a MarkupError once), markup
#: that runs actions (quit; a screenshot written over a file in the working
#: directory), and terminal escapes (a window title, a colour).
PAYLOADS = (
    "[bold]",
    "[/]",
    "[@click=app.quit]x[/]",
    "[@click=app.screenshot('victim.txt','.')]T[/]",
    "\x1b]0;T\x07",
    "\x1b[31m",
)
BIG = (200, 50)
#: The papers whose titles carry an action (quit, screenshot): their dialog titles are clicked.
CLICKABLE = (2, 3)


def hostile_papers() -> list[Paper]:
    """One paper per payload, the payload in its title, authors, tags and abstract."""
    return [
        Paper(
            title=f"P{n} {payload} end",
            authors=[f"Author{n} {payload}"],
            affiliations=[f"Uni{n} {payload}"],
            category=f"cs.{n}{payload}",
            published="2024-01-01",
            abstract=f"Abstract {n} {payload} end",
            tags=[f"tag{n}{payload}"],
        )
        for n, payload in enumerate(PAYLOADS)
    ]


def screen_text(pilot: Pilot[None]) -> str:
    """Every character the current screen draws, line by line."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def toasts(pilot: Pilot[None]) -> list[str]:
    """The text of each notification on screen (title and message)."""
    return [str(toast.render()) for toast in pilot.app.screen.query(Toast)]


def border_title(widget: Widget) -> str:
    """A border title as it is drawn (the getter gives it back as markup)."""
    return Content.from_markup(widget.border_title or "").plain


def assert_clean(text: str) -> None:
    """No escape or bell character reached the screen."""
    assert "\x1b" not in text and "\x07" not in text


async def click_title(pilot: Pilot[None], widget: Widget) -> None:
    """Click each cell where ``widget``'s border title is drawn (an action would run)."""
    region = widget.region
    for x in range(region.x, min(region.right, region.x + len(border_title(widget)) + 4)):
        await pilot.click(offset=(x, region.y))


@pytest.fixture
def hostile_path(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library of hostile papers, each with a hostile note; cwd is the tmp dir."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "library.json"
    library = build_library(path, clock, hostile_papers())
    for n, paper in enumerate(sorted(library.papers(), key=lambda p: p.title)):
        library.set_note(paper.key, f"Note {n} {PAYLOADS[n]} end")
    return path


async def test_hostile_text_is_literal_in_every_screen_and_dialog(
    make_app: object, hostile_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile_path)  # type: ignore[operator]
    assert isinstance(app, ReadlistApp)
    exits: list[object] = []
    monkeypatch.setattr(app, "exit", lambda *a, **k: exits.append(a))
    papers = sorted(fresh(hostile_path).papers(), key=lambda p: p.title)
    async with app.run_test(size=BIG, notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        shown = screen_text(pilot)
        assert_clean(shown)
        for paper in papers:
            assert one_line(paper.title) in shown  # the table

        for n, paper in enumerate(papers):
            title = one_line(paper.title)
            table = app.screen.query_one(PaperTable)
            table.move_to(paper.key)
            await settle(pilot)
            shown = screen_text(pilot)
            assert_clean(shown)
            for field in (title, one_line(paper.authors[0]), strip_controls(paper.abstract)):
                assert field in shown
            assert one_line(paper.tags[0]) in shown  # the detail pane's facts
            assert one_line(f"Note {n} {PAYLOADS[n]} end") in shown  # the note, as Markdown

            # Tag dialog: the title is literal, and so is a hostile tag typed in it.
            await pilot.press("t")
            assert isinstance(app.screen, TextPrompt)
            dialog = app.screen.query_one(".dialog")
            assert border_title(dialog) == f"Add tags to {title}"
            assert f"Add tags to {title}" in screen_text(pilot)
            if n in CLICKABLE:
                await click_title(pilot, dialog)
            app.screen.query_one(Input).value = f"[b]new{n}[/b]"
            await pilot.press("enter")
            await settle(pilot)
            assert any(f"Tagged {title}: [b]new{n}[/b]" in t for t in toasts(pilot)), toasts(pilot)
            assert_clean(screen_text(pilot))

            # Remove-a-tag dialog: the title and each tag as typed.
            await pilot.press("T")
            assert isinstance(app.screen, ChoicePrompt)
            dialog = app.screen.query_one(".dialog")
            assert border_title(dialog) == f"Remove a tag from {title}"
            shown = screen_text(pilot)
            assert f"[b]new{n}[/b]" in shown and one_line(paper.tags[0]) in shown
            assert_clean(shown)
            if n in CLICKABLE:
                await click_title(pilot, dialog)
            await pilot.press("escape")

            # Note editor and the removal question.
            await pilot.press("n")
            assert isinstance(app.screen, NoteEditor)
            shown = screen_text(pilot)
            assert title in shown and f"Note {n} " in shown
            assert_clean(shown)
            await pilot.press("escape")
            await pilot.press("x")
            assert isinstance(app.screen, ConfirmScreen)
            question = static_text(app.screen.query_one(".confirm-question", Static))
            assert question.startswith(f"Remove {title} from the library?")
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, LibraryScreen)

        # Stats: every tag and category, literally.
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        shown = screen_text(pilot)
        assert_clean(shown)
        for tag in ("[b]new0[/b]", "tag0[bold]", "tag1[/]", "tag2[@click=app.quit]", "cs.1[/]"):
            assert tag in shown
        await pilot.press("escape")

        # Triage: the same dialogs on the first unread paper.
        await pilot.press("v")
        assert isinstance(app.screen, TriageScreen)
        first = one_line(fresh(hostile_path).get(app.screen.keys[0]).title)
        assert first in screen_text(pilot)
        await pilot.press("t")
        assert border_title(app.screen.query_one(".dialog")) == f"Add tags to {first}"
        await click_title(pilot, app.screen.query_one(".dialog"))
        await pilot.press("escape", "n")
        assert isinstance(app.screen, NoteEditor)
        assert first in screen_text(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)

        # File names: an import of a file whose name is hostile fails, quoting it literally.
        for n, payload in enumerate(PAYLOADS):
            name = f"f{n}{payload}.txt"  # a "/" in it makes a folder: the path still says [/]
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("not a listing\n", encoding="utf-8")
            await pilot.press("escape", "i")
            assert isinstance(app.screen, ImportPrompt)
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await settle(pilot)
            messages = toasts(pilot)
            assert any(one_line(name) in message for message in messages), messages
            for message in messages:
                assert_clean(message)
            assert_clean(screen_text(pilot))

        # The help screen and the command palette still open.
        await pilot.press("escape", "question_mark")
        assert_clean(screen_text(pilot))
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and exits == []
    assert not (tmp_path / "victim.txt").exists()


async def test_path_and_tag_completion_never_offer_a_name_with_escapes(tmp_path: Path) -> None:
    from readlist.tui.dialogs.prompt import PathSuggester, TagSuggester

    (tmp_path / "f\x1b]0;T\x07.txt").write_text("x", encoding="utf-8")
    paths = PathSuggester()
    assert await paths.get_suggestion(str(tmp_path / "f")) is None
    (tmp_path / "fine.txt").write_text("x", encoding="utf-8")
    assert await paths.get_suggestion(str(tmp_path / "f")) == str(tmp_path / "fine.txt")
    tags = TagSuggester(["x\x1b]0;t\x07y", "xylophone"])
    assert await tags.get_suggestion("a x") == "a xylophone"
