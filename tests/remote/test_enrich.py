"""``readlist enrich``: arXiv ids for listing papers, by exact title and first author."""

from __future__ import annotations

import json
from typing import Any

from readlist.enriching import edited_values, enrichment, pick
from readlist.models import Paper, Source, bibtex_derived
from tests.fake_services import FakeServices, arxiv_search

STRIPE = (
    "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
)

LISTING = (
    "CMMar 1, 2006\n"
    f"{STRIPE}Adrian Del Maestro, Bernd Rosenow et al. · harvard\n"
    "We discuss the effects of quenched disorder on a model of charge density wave order.\n"
    "CMJan 1, 2006\n"
    "A Paper arXiv Never SawAdrian Del Maestro · harvard\n"
    "Nothing.\n"
)


def _papers(run_cli) -> dict[str, dict[str, Any]]:
    return {p["title"]: p for p in json.loads(run_cli("list", "--json", check=True).stdout)}


def test_enrich_finds_the_exact_title_and_leaves_the_rest(
    services: FakeServices, run_cli, tmp_path
) -> None:
    # Every title search gets arXiv's recorded answer to au:del_maestro (ten papers).
    services.routes["/api/query?search"] = arxiv_search("arxiv_search_au_del_maestro.xml")
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_cli("import", str(listing), check=True)
    before = _papers(run_cli)[STRIPE]
    assert before["authors_truncated"]
    result = run_cli("enrich")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert f"{before['key']}: arXiv cond-mat/0603029 (" in lines[0]
    assert lines[1].endswith(": not found on arXiv")
    assert lines[2] == "found 1 of 2 searched"
    after = _papers(run_cli)[STRIPE]
    assert after["key"] == before["key"]
    assert after["authors"] == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert not after["authors_truncated"]
    assert after["source"]["fields"]["eprint"] == "cond-mat/0603029"
    assert "https://arxiv.org/abs/cond-mat/0603029" in [link["url"] for link in after["links"]]
    assert after["abstract"] == before["abstract"]  # an abstract is never replaced
    searches = [q["search_query"][0] for _, q, _ in services.requests if "search_query" in q]
    assert searches[0].startswith('ti:"from stripe to checkerboard order')
    # Running it again looks again only at what is still without an id: it resumes
    # (and this week's answer to that search comes from the cache).
    services.requests.clear()
    again = run_cli("enrich", "--json")
    steps = json.loads(again.stdout)["steps"]
    assert [step["outcome"] for step in steps] == ["not found"]
    assert services.requests == []
    run_cli("enrich", env={"READLIST_CACHE_DAYS": "0"}, check=True)
    assert len(services.requests) == 1


def test_enrich_with_nothing_to_do(services: FakeServices, run_cli) -> None:
    run_cli("add", "1605.08386", check=True)
    services.requests.clear()
    result = run_cli("enrich")
    assert result.stdout.strip() == "every paper selected has an arXiv id or a DOI already"
    assert services.requests == []


def _hit(title: str, author: str) -> Paper:
    return Paper(title=title, authors=[author])


def test_pick_takes_only_an_exact_title_with_the_same_first_author() -> None:
    paper = Paper(title="Attention is all you need!", authors=["Ashish Vaswani"])
    assert pick(paper, [("1706.03762", _hit("Attention Is All You Need", "A. Vaswani"))]) == (
        "found",
        ["1706.03762"],
    )
    assert pick(paper, [("1", _hit("Attention Is All You Need", "Noam Shazeer"))])[0] == (
        "not found"
    )
    assert pick(paper, [("2", _hit("Attention Is Not All You Need", "A. Vaswani"))])[0] == (
        "not found"
    )
    two = [
        ("1111.1111", _hit("Attention is all you need", "Ashish Vaswani")),
        ("2222.2222", _hit("Attention Is All You Need.", "Ashish Vaswani")),
    ]
    assert pick(paper, two) == ("ambiguous", ["1111.1111", "2222.2222"])


def test_a_value_the_user_edited_is_not_overwritten() -> None:
    imported = Paper(title="T", authors=["A One"], published="2020", category="cs.LG")
    imported.source = Source("x.bib", "bibtex", fields={}, derived=bibtex_derived(imported))
    edited = imported.copy()
    edited.authors = ["A One", "B Two (the user's)"]
    assert edited_values(edited) == {"author"}
    hit = Paper(title="t", authors=["A One", "C Three"], published="2020-05-01", category="cs.CL")
    incoming = enrichment(edited, hit)
    assert incoming.authors == []  # the merge keeps the user's list
    assert incoming.published == "2020-05-01" and incoming.category == "cs.CL"
    assert incoming.title == "T"


def test_ctrl_c_stops_cleanly_and_keeps_what_was_found(
    services: FakeServices, run_cli, readlist_command, library_file, tmp_path
) -> None:
    import os
    import signal
    import subprocess
    import time

    services.routes["/api/query?search"] = arxiv_search("arxiv_search_au_del_maestro.xml")
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    run_cli("import", str(listing), check=True)
    env = {**os.environ, "READLIST_ARXIV_DELAY": "30"}  # the second search waits 30 s
    process = subprocess.Popen(
        [*readlist_command, "--library", str(library_file), "enrich"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while "cond-mat/0603029" not in library_file.read_text("utf-8"):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert "interrupted after 1 of 2 papers" in err and "run enrich again" in err
    assert _papers(run_cli)[STRIPE]["source"]["fields"]["eprint"] == "cond-mat/0603029"
