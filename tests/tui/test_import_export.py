"""Importing and exporting in workers; the welcome screen of an empty library."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from textual.widgets import Input

from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.confirm import ConfirmScreen
from readlist.tui.dialogs.export import ExportDialog
from readlist.tui.dialogs.prompt import ImportPrompt
from readlist.tui.dialogs.welcome import WelcomeScreen
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, AppFactory, fresh, key_of, settle


def sample_bytes(name: str = "sample_listing.txt") -> bytes:
    return resources.files("readlist.data").joinpath(name).read_bytes()


def count_samples(*, plus_test_papers: bool = False) -> int:
    """How many papers the two samples hold once merged, as an import would count."""
    import tempfile

    from readlist.importers import decode_bytes, parse_text
    from readlist.store import Library
    from tests.tui.tui_helpers import sample_papers

    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "count.json")
        if plus_test_papers:
            library.import_papers(sample_papers())
        for name in ("sample_listing.txt", "sample_search_results.txt"):
            library.import_papers(parse_text(decode_bytes(sample_bytes(name))).papers)
        return len(library)


async def type_path(pilot: object, app: ReadlistApp, path: Path | str) -> None:
    """Replace the prompt's text by ``path`` and press enter."""
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")  # type: ignore[attr-defined]


def entries(text: str) -> list[str]:
    """The citation keys of the BibTeX entries in ``text``."""
    return [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]


async def test_e_exports_the_current_view(
    app: ReadlistApp, library_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "refs.bib"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#search", Input).value = "tag:vision"
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        default = app.screen.query_one(Input).value
        assert default == str(Path("~/readlist-export.bib").expanduser())
        await type_path(pilot, app, target)
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    assert sorted(entries(target.read_text())) == sorted(
        [key_of(library_path, "Aligning"), key_of(library_path, "Scaling")]
    )


async def test_e_exports_everything_shown(
    app: ReadlistApp, library_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "all.bib"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await type_path(pilot, app, target)
        await settle(pilot)
    text = target.read_text()
    assert len(entries(text)) == 6
    assert "title = {Zero Bubble Pipeline Parallelism}" in text


async def test_e_exports_the_selection(
    app: ReadlistApp, library_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "picked.bib"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "j", "space", "e")  # the 1st and 3rd rows
        await type_path(pilot, app, target)
        await settle(pilot)
    assert sorted(entries(target.read_text())) == sorted(
        [key_of(library_path, "Zero"), key_of(library_path, "Efficient")]
    )


async def test_e_asks_before_replacing_a_file(app: ReadlistApp, tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("keep me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await type_path(pilot, app, target)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "keep me"
        await pilot.press("e")
        await type_path(pilot, app, target)
        await pilot.press("y")
        await settle(pilot)
    assert len(entries(target.read_text())) == 6


async def test_e_into_an_impossible_place_is_a_notification(
    app: ReadlistApp, tmp_path: Path, notifications: list[tuple[str, str]]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await type_path(pilot, app, blocker / "refs.bib")  # a folder that is a file
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        expected = f"there is no folder {blocker}"
        assert any(severity == "error" and expected in m for severity, m in notifications)
        await pilot.press("e")
        await type_path(pilot, app, tmp_path / "missing" / "refs.bib")  # no such folder
        await settle(pilot)
        assert not (tmp_path / "missing").exists()


async def test_i_imports_a_file(app: ReadlistApp, library_path: Path, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_bytes(sample_bytes())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportPrompt)
        await type_path(pilot, app, listing)
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(PaperTable)
        assert len(table.papers) > 6
        assert not table.loading
        assert len(table.papers) == len(fresh(library_path))
    assert any(p.title.startswith("S-LoRA") for p in fresh(library_path).papers())


async def test_i_then_ctrl_s_imports_the_samples(app: ReadlistApp, library_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", "ctrl+s")
        await settle(pilot)
        # Some test papers are in the samples too: they are merged, not doubled.
        assert len(fresh(library_path)) == count_samples(plus_test_papers=True)
        assert len(fresh(library_path)) < count_samples() + 6
        assert len(app.screen.query_one(PaperTable).papers) == len(fresh(library_path))


async def test_a_bad_import_is_a_notification_and_changes_nothing(
    app: ReadlistApp,
    library_path: Path,
    tmp_path: Path,
    notifications: list[tuple[str, str]],
) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for path in (binary, tmp_path / "missing.txt", tmp_path):
            await pilot.press("i")
            await type_path(pilot, app, path)
            await settle(pilot)
            assert isinstance(app.screen, LibraryScreen)
        errors = [m for severity, m in notifications if severity == "error"]
        assert len(errors) == 3
        assert any("image.png" in m for m in errors)
        assert any("cannot read" in m and "missing.txt" in m for m in errors)
        assert any("is a directory" in m for m in errors)
        assert not app.screen.query_one(PaperTable).loading
    assert len(fresh(library_path)) == 6


async def test_an_empty_library_opens_on_the_welcome_screen(
    make_app: AppFactory, empty_path: Path
) -> None:
    app = make_app(empty_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("s")  # one key: the bundled samples
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert len(app.screen.query_one(PaperTable).papers) == count_samples()
    assert len(fresh(empty_path)) == count_samples()


async def test_welcome_i_asks_for_a_file(
    make_app: AppFactory, empty_path: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_bytes(sample_bytes())
    app = make_app(empty_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportPrompt)
        await pilot.press("escape")  # changed my mind: back to the welcome
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("i")
        await type_path(pilot, app, listing)
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    assert len(fresh(empty_path)) > 0


async def test_welcome_closes_when_another_process_imports(
    make_app: AppFactory, empty_path: Path
) -> None:
    from readlist.models import Paper

    app = make_app(empty_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        fresh(empty_path).import_papers([Paper(title="From the CLI", authors=["C L I"])])
        for _ in range(30):
            await pilot.pause(0.1)
            if isinstance(app.screen, LibraryScreen):
                break
        assert isinstance(app.screen, LibraryScreen)
        assert [p.title for p in app.screen.query_one(PaperTable).papers] == ["From the CLI"]


async def test_welcome_q_quits(make_app: AppFactory, empty_path: Path) -> None:
    app = make_app(empty_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not empty_path.exists()


@pytest.mark.parametrize("keys", [("i", "escape"), ("e", "escape")])
async def test_prompts_can_be_cancelled(app: ReadlistApp, keys: tuple[str, ...]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)


async def test_the_export_dialog_refuses_the_library_and_its_files(
    app: ReadlistApp,
    library_path: Path,
    tmp_path: Path,
    notifications: list[tuple[str, str]],
) -> None:
    abstracts = library_path.with_name("library.abstracts.json")
    link = tmp_path / "innocent.bib"
    link.symlink_to(library_path)
    before = {path: path.read_bytes() for path in (library_path, abstracts)}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for target in (library_path, abstracts, link):
            await pilot.press("e")
            await type_path(pilot, app, target)
            await settle(pilot)
            assert isinstance(app.screen, LibraryScreen)  # refused before "Replace it?"
        errors = [m for severity, m in notifications if severity == "error"]
        assert len(errors) == 3
        assert all("it is a file of the library" in m for m in errors)
    assert {path: path.read_bytes() for path in (library_path, abstracts)} == before
    assert link.is_symlink()


async def test_an_import_takes_the_daily_backup_first(app: ReadlistApp, library_path: Path) -> None:
    from datetime import date

    from readlist.store.backup import list_backups

    before = library_path.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", "ctrl+s")
        await settle(pilot)
        assert len(fresh(library_path)) == count_samples(plus_test_papers=True)
    [backup] = list_backups(library_path)
    assert backup.day == date.today() and not backup.is_snapshot
    assert backup.path.read_bytes() == before
