"""`readlist list` and the interface show the same rows for the same query and sort."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.models import Paper, Status
from readlist.query import parse_query
from readlist.store import Library
from readlist.tui.session import LibrarySession
from readlist.view import row_order, shown_rows

PAPERS = [
    Paper(key="lora", title="LoRA: Low-Rank Adaptation", published="2021-06-17", tags=["ml"]),
    Paper(
        key="vit", title="An image is worth 16x16 words", published="2020-10-22", tags=["vision"]
    ),
    Paper(key="undated", title="A note without a date", tags=["ml", "read"]),
    Paper(key="quant", title="Post-training quantization", published="2022-03", tags=["ml"]),
    Paper(key="diffusion", title="Denoising diffusion", published="2020-06-19", tags=["vision"]),
    Paper(key="zeta", title="Zeta functions, undated too", status=Status.READ),
    Paper(key="adam", title="Adam: a method for stochastic optimization", published="2014"),
]


@pytest.fixture
def library(library_file: Path) -> Library:
    library = Library(library_file)
    library.import_papers(PAPERS)
    return library


# (the query, the interface's sort key; the CLI is given the same order with --sort
# unless the query names one with sort:, which wins over the interface's sort key)
CASES = [
    ("", "published"),
    ("tag:ml OR tag:vision", "title"),
    ("-tag:read", "published"),
    ("tag:ml OR -tag:vision", "key"),
    ("sort:title", "published"),
    ("sort:-published", "title"),
    ("(tag:ml OR tag:vision) -status:read sort:published", "key"),
    ("year:2020..2022 OR undated", "author"),
]


@pytest.mark.parametrize(("query", "sort_by"), CASES)
def test_list_and_the_interface_show_the_same_keys_in_the_same_order(
    run_cli, library: Library, query: str, sort_by: str
) -> None:
    sort_option = [] if "sort:" in query else ["--sort", sort_by]
    result = run_cli("list", *query.split(), *sort_option, "--json", check=True)
    by_cli = [paper["key"] for paper in json.loads(result.stdout)]

    # As the library screen asks: its order is the query's sort: if any, else its own.
    parsed = parse_query(query)
    by, reverse = row_order(parsed, default=(sort_by, False))
    session = LibrarySession(Library(library.path))
    try:  # on the session's library thread, as the screen's rows are found
        rows = session.call_now(
            lambda lib: session.find_rows(lib, parsed, by, counts=False, reverse=reverse)
        )
    finally:
        session.close()
    by_interface = [paper.key for paper in rows.papers]

    assert by_cli == by_interface
    assert by_cli  # every case shows something, so an order is compared


def test_undated_papers_come_last_in_both_directions(library: Library) -> None:
    for query in ("sort:published", "sort:-published"):
        parsed = parse_query(query)
        keys = [p.key for p in shown_rows(library.papers(), parsed, row_order(parsed)).papers]
        assert keys[-2:] == ["undated", "zeta"]


def test_the_query_sort_decides_unless_an_explicit_sort_is_given(library: Library) -> None:
    query = parse_query("sort:title")
    by_query = shown_rows(library.papers(), query, row_order(query, default=("key", False))).papers
    by_option = shown_rows(library.papers(), query, row_order(query, "key")).papers
    assert [p.key for p in by_query] == [
        "undated",  # "A note…"
        "adam",
        "vit",  # "An image…"
        "diffusion",
        "lora",
        "quant",
        "zeta",
    ]
    assert [p.key for p in by_option] == sorted(p.key for p in PAPERS)


def test_selected_counts_only_the_rows_shown(library: Library) -> None:
    query = parse_query("tag:vision")
    shown = shown_rows(
        library.papers(), query, None, selection={"vit", "lora", "gone"}, search=library.search
    )
    assert ([p.key for p in shown.papers], shown.shown, shown.selected) == (
        ["vit", "diffusion"],
        2,
        1,
    )
