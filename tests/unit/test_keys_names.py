from __future__ import annotations

import pytest

from readlist.bib.names import split_name
from readlist.keys import assign_key, base_key, unique_key
from readlist.models import Paper


@pytest.mark.parametrize(
    ("title", "authors", "published", "expected"),
    [
        (
            "Aligning Large Multimodal Models with Factually Augmented RLHF",
            ["Zhiqing Sun"],
            "2023-09-25",
            "sun2023aligning",
        ),
        ("The ArtBench Dataset", ["Peiyuan Liao"], "2022-06-22", "liao2022artbench"),
        ("$V_1$: Unifying Generation", ["Harman Singh"], "2025-03-04", "singh2025v1"),
        ("On Ünïcode Names", ["Zoë Müller"], "2020-01-01", "muller2020unicode"),
        ("Bridges", ["Jan van den Berg"], None, "vandenbergbridges"),
        ("Inference-Friendly Models With MixAttention", [], None, "inferencefriendly"),
        ("Łódź Streets", ["Łukasz Kaiser"], "2017", "kaiser2017lodz"),
        ("", [], None, "paper"),
    ],
)
def test_base_key(title: str, authors: list[str], published: str | None, expected: str) -> None:
    assert base_key(Paper(title=title, authors=authors, published=published)) == expected


def test_collisions_get_letters() -> None:
    taken = {"sun2023aligning"}
    assert unique_key("sun2023aligning", taken) == "sun2023aligninga"
    taken |= {f"x{c}" for c in "abcdefghijklmnopqrstuvwxyz"} | {"x"}
    assert unique_key("x", taken) == "xaa"


def test_own_key_kept_when_free_and_safe() -> None:
    paper = Paper(title="T", key="Vaswani:2017", authors=["Ashish Vaswani"], published="2017")
    assert assign_key(paper, set()) == "Vaswani:2017"
    assert assign_key(paper, {"Vaswani:2017"}) == "vaswani2017t"
    assert assign_key(Paper(title="T", key="bad key{"), set()) == "t"


@pytest.mark.parametrize(
    ("name", "given", "family", "suffix"),
    [
        ("Zhiqing Sun", "Zhiqing", "Sun", ""),
        ("Colorado J. Reed", "Colorado J.", "Reed", ""),
        ("Jan van den Berg", "Jan", "van den Berg", ""),
        ("Juan de la Cruz", "Juan", "de la Cruz", ""),
        ("Martin Luther King Jr.", "Martin Luther", "King", "Jr."),
        ("Marie-Julie Rakotosaona", "Marie-Julie", "Rakotosaona", ""),
        ("Plato", "", "Plato", ""),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven", ""),
        ("Van Morrison", "Van", "Morrison", ""),
    ],
)
def test_split_name(name: str, given: str, family: str, suffix: str) -> None:
    parts = split_name(name)
    assert (parts.given, parts.family, parts.suffix) == (given, family, suffix)


def test_particle_and_core() -> None:
    parts = split_name("Jan van den Berg")
    assert parts.particle == "van den"
    assert parts.family_core == "Berg"
