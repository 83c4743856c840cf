"""The query language and tags through the command line: usage errors, sort:, tag splitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.models import Paper
from readlist.store import Library


@pytest.fixture
def library(library_file: Path) -> Library:
    library = Library(library_file)
    library.import_papers(
        [
            Paper(key="lora", title="LoRA: Low-Rank Adaptation", published="2021-06-17"),
            Paper(key="explore", title="Efficient exploration", published="2023-01-02"),
            Paper(key="quant", title="Post-training quantization", published="2022-03-04"),
        ]
    )
    return library


def run(library: Library, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--library", str(library.path), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listed(library: Library, capsys: pytest.CaptureFixture[str], *query: str) -> list[str]:
    status, out, err = run(library, capsys, "list", *query, "--json")
    assert status == 0, err
    return [paper["key"] for paper in json.loads(out)]


def test_a_malformed_query_is_a_usage_error_through_the_real_command(run_cli, library) -> None:
    result = run_cli("list", "year:")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "readlist: 'year:' at position 1 needs a value (for example year:>=2023)\n"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (["tag:"], "'tag:' at position 1 needs a value (for example tag:ml)"),
        (["status:"], "'status:' at position 1 needs a value (for example status:unread)"),
        (["cat:"], "'cat:' at position 1 needs a value (for example cat:cs.CV)"),
        (["title:"], "'title:' at position 1 needs a value (for example title:diffusion)"),
        (["author:"], "'author:' at position 1 needs a value (for example author:kim)"),
        (['"lora'], "the quote at position 1 is not closed"),
        (
            ["lora", "year:>=20x"],
            "bad year '>=20x' at position 6 (use 2023, >=2023, <2020 or 2020..2023)",
        ),
        (["status:done"], "unknown status 'done' at position 1 (use unread, reading, read)"),
        (
            ["foo:bar"],
            "unknown filter 'foo:' at position 1 (filters: tag, status, author, title, key, year, "
            "cat, code, has, added, read, sort; to look for the text, put it in quotes)",
        ),
    ],
)
def test_query_errors_exit_with_status_2_and_one_line(
    library: Library, capsys: pytest.CaptureFixture[str], query: list[str], message: str
) -> None:
    for command in (["list"], ["export", "bibtex"]):
        status, out, err = run(library, capsys, *command, *query)
        assert (status, out, err) == (2, "", f"readlist: {message}\n")


def test_free_words_match_at_word_starts(library: Library, capsys) -> None:
    assert listed(library, capsys, "lora") == ["lora"]  # not "exploration"
    assert listed(library, capsys, "quant") == ["quant"]
    assert listed(library, capsys, "lora", "OR", "quant") == ["lora", "quant"]
    assert listed(library, capsys, "-(lora OR quant)") == ["explore"]


def test_sort_in_the_query_orders_the_list_and_sort_option_wins(library: Library, capsys) -> None:
    assert listed(library, capsys, "sort:published") == ["explore", "quant", "lora"]
    assert listed(library, capsys, "sort:-published") == ["lora", "quant", "explore"]
    assert listed(library, capsys, "sort:-published", "--sort", "title") == [
        "explore", "lora", "quant",
    ]  # fmt: skip


def test_tags_split_at_commas_and_spaces_as_in_the_interface(library: Library, capsys) -> None:
    status, out, _ = run(library, capsys, "tag", "lora", "a,b", "c d,, e")
    assert (status, out) == (0, "lora: a b c d e\n")
    assert library.get("lora").tags == ["a", "b", "c", "d", "e"]
    status, out, _ = run(library, capsys, "import", "--tag", "x,y", "--sample")
    assert status == 0 and library.search("tag:x tag:y")
    for command in (["tag", "lora", " , "], ["untag", "lora", ","], ["import", "--tag", ","]):
        status, _, err = run(library, capsys, *command)
        assert (status, err) == (
            2,
            "readlist: no tag given: tags are separated by commas or spaces\n",
        )


def test_untag_of_a_tag_the_paper_lacks_warns_and_succeeds(library: Library, capsys) -> None:
    run(library, capsys, "tag", "lora", "a,b")
    status, out, err = run(library, capsys, "untag", "lora", "b,zz", "A")
    assert (status, out) == (0, "lora: (no tags)\n")
    assert err == "warning: lora has no tag 'zz'\n"
    status, out, err = run(library, capsys, "untag", "lora", "a")
    assert (status, err) == (0, "warning: lora has no tag 'a'\n")
