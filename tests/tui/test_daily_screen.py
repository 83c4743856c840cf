"""The main screen from the keyboard, wired together (issue 12).

The sidebar (a key to reach it, hidden and shown, counts that follow the query,
untagged / no category), the sort turned round and a query's ``sort:``, what
the next run remembers (a state file in tmp), the export dialog with every
format, copying BibTeX and ``\\cite{…}``, the ``:`` prompt, a footer that never
cuts a key, and the tag toast, at 80×24 and 120×35.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from readlist.tui.app import ReadlistApp
from readlist.tui.dialogs.command import CommandOutput, CommandPrompt
from readlist.tui.dialogs.export import ExportDialog
from readlist.tui.screens.library import LibraryScreen
from readlist.tui.state import STATE_ENV
from readlist.tui.widgets.facet_sidebar import FacetSidebar, toggle_term, without_group
from readlist.tui.widgets.fitting_footer import FittingFooter
from readlist.tui.widgets.paper_table import PaperTable
from tests.tui.tui_helpers import SIZE, AppFactory, Clock, fresh, key_of, settle

SMALL = (80, 24)
SIZES = [SMALL, SIZE]


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The screen state file, in tmp."""
    path = tmp_path / "state" / "tui.json"
    monkeypatch.setenv(STATE_ENV, str(path))
    return path


def rows(app: ReadlistApp) -> list[str]:
    """The first word of each title in the table, in display order."""
    return [paper.title.split()[0] for paper in app.screen.query_one(PaperTable).papers]


def sidebar_counts(app: ReadlistApp) -> dict[str, int]:
    """The sidebar's entries by id, with their counts."""
    sidebar = app.screen.query_one(FacetSidebar)
    return {
        option.id: int(str(option.prompt).split()[-1])
        for option in sidebar.options
        if option.id is not None
    }


def footer_labels(app: ReadlistApp) -> list[str]:
    """The footer's keys as shown: ``key description``."""
    footer = app.screen.query_one(FittingFooter)
    return [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)]


# -- the sidebar ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_f_reaches_the_sidebar_and_backslash_or_ctrl_b_hide_it(
    app: ReadlistApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(FacetSidebar)
        table = app.screen.query_one(PaperTable)
        assert "f Facets" in footer_labels(app)
        await pilot.press("f")
        assert app.focused is sidebar
        assert sidebar.highlighted_option is not None
        assert sidebar.highlighted_option.id == "status:unread"
        await pilot.press("down", "enter")  # status:reading
        assert app.screen.query_one("#search", Input).value == "status:reading"
        assert rows(app) == ["Scaling"]
        await pilot.press("escape")  # back to the table; the query stays
        assert app.screen.focused is table and rows(app) == ["Scaling"]
        wide = table.size.width
        await pilot.press("backslash")
        await pilot.pause()
        assert not sidebar.display and table.size.width > wide  # the table takes the room
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert sidebar.display and table.size.width == wide
        await pilot.press("ctrl+b", "f")  # f shows a hidden sidebar
        assert sidebar.display and app.focused is sidebar
        await pilot.press("backslash")  # hiding it gives the focus to the table
        assert not sidebar.display and app.focused is table


async def test_the_sidebar_counts_follow_the_query(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = sidebar_counts(app)
        assert everything["status:unread"] == 3 and everything["tag:vision"] == 2
        assert everything["-has:tag"] == 1  # NoisyQuant
        assert "-has:category" not in everything  # every sample paper has one
        app.screen.query_one("#search", Input).value = "cat:cs.CV"
        await pilot.pause()
        narrowed = sidebar_counts(app)
        assert narrowed["status:unread"] == 1 and narrowed["status:read"] == 1
        assert narrowed["tag:vision"] == 2 and "tag:llm" not in narrowed
        assert narrowed["cat:cs.CV"] == 3
        # A paper has one category: the others stay on offer, counted without cat:cs.CV.
        assert narrowed["cat:cs.CL"] == everything["cat:cs.CL"]
        # The header still counts the whole library.
        assert "3 unread" in str(app.screen.query_one(".counts-library").render())


async def test_picking_a_category_or_status_leaves_the_others_of_its_group_on_offer(
    app: ReadlistApp,
) -> None:
    """Faceted search: a status or category term is left out of its own group's counts."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = sidebar_counts(app)
        search = app.screen.query_one("#search", Input)
        search.value = "tag:systems"
        await settle(pilot)
        systems = {k: v for k, v in sidebar_counts(app).items() if k.startswith("cat:")}
        assert systems == {"cat:cs.LG": 1, "cat:cs.DC": 1}  # follows the tag
        sidebar = app.screen.query_one(FacetSidebar)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("cat:cs.LG")
        await pilot.press("enter")
        await settle(pilot)
        assert search.value == "tag:systems cat:cs.LG" and len(rows(app)) == 1
        picked = sidebar_counts(app)
        # Categories: counted over tag:systems alone, so cs.DC can be picked instead.
        assert {k: v for k, v in picked.items() if k.startswith("cat:")} == systems
        # Statuses and tags follow the whole query.
        assert sum(v for k, v in picked.items() if k.startswith("status:")) == len(rows(app))
        search.value = "status:read"
        await settle(pilot)
        statuses = {k: v for k, v in sidebar_counts(app).items() if k.startswith("status:")}
        assert statuses == {k: v for k, v in everything.items() if k.startswith("status:")}
        # Joined by OR, a term cannot just be left out: the counts follow the query.
        search.value = "status:read OR tag:llm"
        await settle(pilot)
        shown = sum(v for k, v in sidebar_counts(app).items() if k.startswith("status:"))
        assert shown == len(rows(app)) < 6  # 6 papers in all


async def test_untagged_and_no_category_entries_filter(
    make_app: AppFactory, tmp_path: Path, clock: Clock
) -> None:
    from tests.tui.tui_helpers import build_library, sample_papers

    papers = sample_papers()
    papers[2].category = None
    path = tmp_path / "facets.json"
    build_library(path, clock, papers)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(FacetSidebar)
        search = app.screen.query_one("#search", Input)
        assert sidebar_counts(app)["-has:tag"] == 1
        assert sidebar_counts(app)["-has:category"] == 1
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("-has:tag")
        await pilot.press("enter")
        assert search.value == "-has:tag" and rows(app) == ["NoisyQuant:"]
        sidebar.highlighted = sidebar.get_option_index("-has:tag")
        await pilot.press("enter")  # again: taken out
        assert search.value == "" and len(rows(app)) == 6
        sidebar.highlighted = sidebar.get_option_index("-has:category")
        await pilot.press("enter")
        assert search.value == "-has:category" and rows(app) == ["Scaling"]


def test_without_group_leaves_out_only_that_groups_plain_terms() -> None:
    assert without_group("tag:a cat:cs.CV x", "cat") == "tag:a x"
    assert without_group("tag:a -has:category", "cat") == "tag:a"
    assert without_group("status:read cat:cs.CV", "status") == "cat:cs.CV"
    assert without_group("tag:a x", "cat") is None  # nothing to leave out
    assert without_group("-status:read", "status") is None  # a negation is a filter
    assert without_group("cat:cs.CV OR tag:a", "cat") is None
    assert without_group("cat:cs.CV | tag:a", "cat") is None
    assert without_group("(cat:cs.CV tag:a) x", "cat") is None
    assert without_group('"a OR b" cat:cs.CV', "cat") == '"a OR b"'  # quoted: just words


def test_no_category_and_a_category_replace_each_other() -> None:
    assert toggle_term("cat:cs.CV x", "-has", "category") == "x -has:category"
    assert toggle_term("-has:category x", "cat", "cs.CV") == "x cat:cs.CV"
    assert toggle_term("tag:a", "-has", "tag") == "tag:a -has:tag"  # tags add up


# -- sort and what the next run remembers ----------------------------------------


async def test_minus_reverses_the_sort_and_a_query_sort_orders_the_table(
    app: ReadlistApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        by_date = ["Zero", "S-LoRA:", "Efficient", "Aligning", "Scaling", "NoisyQuant:"]
        assert rows(app) == by_date
        await pilot.press("minus")
        assert rows(app) == by_date[::-1]
        assert "published ▴" in str(app.screen.query_one(".counts-view").render())
        assert app.screen.query_one(PaperTable).sort_reversed
        await pilot.press("minus")
        assert rows(app) == by_date
        app.screen.query_one("#search", Input).value = "sort:-title"
        await pilot.pause()
        assert rows(app) == ["Zero", "Scaling", "S-LoRA:", "NoisyQuant:", "Efficient", "Aligning"]
        assert "title ▴" in str(app.screen.query_one(".counts-view").render())
        app.screen.query_one("#search", Input).value = "tag:vision sort:title"
        await pilot.pause()
        assert rows(app) == ["Aligning", "Scaling"]


async def test_sort_query_and_sidebar_are_remembered_between_runs(
    make_app: AppFactory, library_path: Path, state_file: Path
) -> None:
    app = make_app(library_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "s", "minus", "backslash")  # title, Z→A; no sidebar
        await pilot.press("slash", *"tag:vision", "enter")
        assert rows(app) == ["Scaling", "Aligning"]
    saved = json.loads(state_file.read_text())
    assert saved["sort_by"] == "title" and saved["sort_reversed"] is True
    assert saved["sidebar_visible"] is False
    assert saved["queries"] == {str(library_path): "tag:vision"}

    again = make_app(library_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.order == ("title", True)
        assert screen.query_one("#search", Input).value == "tag:vision"
        assert rows(again) == ["Scaling", "Aligning"]
        assert not screen.query_one(FacetSidebar).display
        await pilot.press("escape")  # clearing the query is remembered too
    assert json.loads(state_file.read_text())["queries"] == {}


async def test_a_damaged_state_file_is_a_warning_not_a_crash(
    app: ReadlistApp, state_file: Path, notifications: list[tuple[str, str]]
) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_text("{not json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(rows(app)) == 6
    warnings = [message for severity, message in notifications if severity == "warning"]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "\n" not in warnings[0]
    assert json.loads(state_file.read_text())["sort_by"] == "published"  # replaced


# -- export ------------------------------------------------------------------------


async def test_e_exports_in_the_chosen_format_and_remembers_folder_and_format(
    app: ReadlistApp, library_path: Path, tmp_path: Path, state_file: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "j", "space", "e")  # two selected papers
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("up")  # bibtex → markdown (round the list)
        field = app.screen.query_one(Input)
        assert field.value.endswith("readlist-export.md")
        field.value = str(out / "picked.md")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.format == "markdown"
        assert app.screen.query_one(Input).value == str(out / "readlist-export.md")
        await pilot.press("up", "enter")  # markdown → CSL-JSON, into the remembered folder
        await settle(pilot)
    markdown = (out / "picked.md").read_text()
    assert "Zero Bubble" in markdown and "Efficient Streaming" in markdown
    assert "S-LoRA" not in markdown  # only the selection
    csl = json.loads((out / "readlist-export.json").read_text())
    assert {entry["id"] for entry in csl} == {
        key_of(library_path, "Zero"),
        key_of(library_path, "Efficient"),
    }
    saved = json.loads(state_file.read_text())
    assert saved["export_folder"] == str(out) and saved["export_format"] == "csl-json"


async def test_a_remembered_export_folder_that_is_gone_is_not_suggested(
    make_app: AppFactory, library_path: Path, tmp_path: Path, state_file: Path
) -> None:
    state_file.parent.mkdir(parents=True)
    gone = tmp_path / "gone"
    state_file.write_text(json.dumps({"export_folder": str(gone), "export_format": "markdown"}))
    app = make_app(library_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        value = app.screen.query_one(Input).value
        assert value == str(Path.home() / "readlist-export.md")


async def test_an_export_that_fails_says_so_in_one_plain_line(
    app: ReadlistApp, tmp_path: Path, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        app.screen.query_one(Input).value = str(tmp_path / "no-such-folder" / "x.bib")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    errors = [message for severity, message in notifications if severity == "error"]
    assert len(errors) == 1 and "no folder" in errors[0] and "\n" not in errors[0]


# -- copying -----------------------------------------------------------------------


async def test_y_copies_the_bibtex_and_c_the_cite_command(
    app: ReadlistApp, library_path: Path
) -> None:
    zero, slora = key_of(library_path, "Zero"), key_of(library_path, "S-LoRA")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard.startswith("@") and app.clipboard.count("\n@") == 0
        assert f"{{{zero}," in app.clipboard
        await pilot.press("c")
        assert app.clipboard == f"\\cite{{{zero}}}"
        await pilot.press("space", "space")  # Zero and S-LoRA selected
        await pilot.press("y")
        assert app.clipboard.count("@") == 2
        assert f"{{{zero}," in app.clipboard and f"{{{slora}," in app.clipboard
        await pilot.press("c")
        assert app.clipboard == "\\cite{" + ",".join(sorted([zero, slora])) + "}"


# -- the ":" prompt ----------------------------------------------------------------


async def test_colon_runs_a_command_line_on_the_open_library(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        assert isinstance(app.screen, CommandPrompt)
        await pilot.press(*"tag ", "tab")  # completes the first key
        await pilot.press(*" from-prompt", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CommandOutput) and app.screen.result.status == 0
        await pilot.press("escape")
        await settle(pilot)
        first_key = sorted(paper.key for paper in fresh(library_path).papers())[0]
        assert "from-prompt" in fresh(library_path).get(first_key).tags
        app.screen.query_one("#search", Input).value = "tag:from-prompt"
        await pilot.pause()
        assert len(rows(app)) == 1  # the change reached the screen


# -- the footer, the tag toast -------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
async def test_the_footer_never_cuts_a_key(app: ReadlistApp, width: int) -> None:
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        shown = [key for key in footer.query(FooterKey) if key.display]
        for key in shown:
            assert key.region.right <= footer.region.right, key.description
            assert key.content_size.width >= len(f"{key.key_display} {key.description}")
        labels = footer_labels(app)
        assert "? Help" in labels and "/ Search" in labels
        if width >= 80:
            assert "u Undo" in labels
        if width >= 120:
            assert "v Triage" in labels and "i Import" in labels


async def test_the_tag_toast_names_the_tags_as_stored(
    app: ReadlistApp, notifications: list[tuple[str, str]]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", *"Deep Learning,ML  ml", "enter")
        await settle(pilot)
    tagged = [message for _, message in notifications if message.startswith("Tagged")]
    assert tagged == ["Tagged Zero Bubble Pipeline Parallelism: deep learning ml"]


def test_facet_counts_count_none_and_blank_as_no_category() -> None:
    from readlist.models import Paper, Status
    from readlist.tui.widgets.facet_sidebar import facet_counts

    counts = facet_counts(
        [
            Paper(key="a", title="a", tags=["x", "y"], category="cs.CV"),
            Paper(key="b", title="b", tags=["x"], category=" ", status=Status.READ),
            Paper(key="c", title="c", category=None),
        ]
    )
    assert counts.tags == {"x": 2, "y": 1} and counts.untagged == 1
    assert counts.categories == {"cs.CV": 1} and counts.uncategorized == 2
    assert counts.statuses == {Status.UNREAD: 2, Status.READ: 1}


async def test_a_hidden_sidebar_catches_up_when_shown(app: ReadlistApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        app.screen.query_one("#search", Input).value = "tag:llm"
        await pilot.pause()
        await pilot.press("backslash")
        assert sidebar_counts(app)["tag:llm"] == 2 and "tag:vision" not in sidebar_counts(app)


async def test_a_remembered_query_that_no_longer_parses_shows_its_error(
    make_app: AppFactory, library_path: Path, state_file: Path
) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_text(json.dumps({"queries": {str(library_path): "year:>=20x"}}))
    app = make_app(library_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "year:>=20x"
        assert app.screen.query_one("#query-error").display
        assert len(rows(app)) == 6
