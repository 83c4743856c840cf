"""``readlist add`` end to end, through the real entry point, against the fake services."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fake_services import FakeServices, Reply


def _paper(run_cli, key: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run_cli("show", key, "--json", check=True).stdout)
    return shown


def _only_paper(run_cli) -> dict[str, Any]:
    papers: list[dict[str, Any]] = json.loads(run_cli("list", "--json", check=True).stdout)
    assert len(papers) == 1, papers
    return papers[0]


@pytest.mark.parametrize(
    "thing",
    [
        "1605.08386",
        "arXiv:1605.08386",
        "https://arxiv.org/abs/1605.08386",
        "http://export.arxiv.org/abs/1605.08386/",
        "https://arxiv.org/pdf/1605.08386.pdf",
        "https://huggingface.co/papers/1605.08386",
    ],
)
def test_add_a_new_style_arxiv_id_in_any_form(services: FakeServices, run_cli, thing) -> None:
    result = run_cli("add", thing)
    assert result.returncode == 0, result.stderr
    assert "added" in result.stdout and "Heat-bath random walks with Markov bases" in result.stdout
    paper = _only_paper(run_cli)
    assert paper["title"] == "Heat-bath random walks with Markov bases"
    assert paper["authors"] == ["Caprice Stanley", "Tobias Windisch"]
    assert paper["category"] == "math.CO"
    assert paper["published"] == "2016-05-26"
    assert paper["abstract"].startswith("Graphs on lattice points are studied")
    assert [link["url"] for link in paper["links"]][:2] == [
        "https://arxiv.org/abs/1605.08386",
        "https://arxiv.org/pdf/1605.08386",
    ]
    fields = paper["source"]["fields"]
    assert fields["eprint"] == "1605.08386" and fields["archiveprefix"] == "arXiv"
    asked = [query["id_list"] for path, query, _ in services.requests if path == "/api/query"]
    assert asked == [["1605.08386"]]


@pytest.mark.parametrize(
    "thing", ["quant-ph/0201082v1", "https://arxiv.org/pdf/quant-ph/0201082v1"]
)
def test_add_an_old_style_arxiv_id_with_its_version(services: FakeServices, run_cli, thing) -> None:
    result = run_cli("add", thing, "--tag", "quantum")
    assert result.returncode == 0, result.stderr
    paper = _only_paper(run_cli)
    assert paper["title"].startswith("Quantum Computers and Quantum Computer Languages")
    assert paper["source"]["fields"]["eprint"] == "quant-ph/0201082"
    assert paper["tags"] == ["quantum"]
    asked = [query["id_list"] for path, query, _ in services.requests if path == "/api/query"]
    assert asked == [["quant-ph/0201082v1"]]  # the version asked for


def test_adding_again_names_the_paper_already_there(services: FakeServices, run_cli) -> None:
    run_cli("add", "1605.08386", check=True)
    key = _only_paper(run_cli)["key"]
    again = run_cli("add", "https://arxiv.org/abs/1605.08386")
    assert again.returncode == 0, again.stderr
    assert f"already in the library as {key}" in again.stdout
    _only_paper(run_cli)  # still one paper


def test_a_listing_paper_is_enriched_not_duplicated(
    services: FakeServices, run_cli, tmp_path
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "MAMay 26, 2016\n"
        "Heat-bath random walks with Markov basesCaprice Stanley, Tobias Windisch · tum\n"
        "Graphs on lattice points are studied.\n",
        encoding="utf-8",
    )
    run_cli("import", str(listing), check=True)
    key = _only_paper(run_cli)["key"]
    result = run_cli("add", "1605.08386", "--json")
    assert result.returncode == 0, result.stderr
    (step,) = json.loads(result.stdout)["steps"]
    assert step["action"] == "updated" and step["key"] == key
    paper = _only_paper(run_cli)
    assert paper["source"]["fields"]["eprint"] == "1605.08386"
    assert paper["category"] == "math.CO"


def test_add_a_crossref_doi(services: FakeServices, run_cli) -> None:
    result = run_cli("add", "https://doi.org/10.7554/eLife.01567")
    assert result.returncode == 0, result.stderr
    paper = _only_paper(run_cli)
    assert paper["title"].startswith("Automated quantitative histology reveals vascular")
    assert paper["authors"][0] == "Martial Sankar"
    assert paper["published"] == "2014-02-11"
    assert paper["source"]["fields"]["doi"] == "10.7554/elife.01567"
    assert paper["source"]["fields"]["journal"] == "eLife"
    paths = [path for path, _, _ in services.requests]
    assert paths == ["/ra/10.7554/eLife.01567", "/works/10.7554/eLife.01567"]


def test_an_arxiv_doi_is_asked_of_datacite(services: FakeServices, run_cli) -> None:
    result = run_cli("add", "doi:10.48550/arXiv.1902.02534")
    assert result.returncode == 0, result.stderr
    paper = _only_paper(run_cli)
    assert paper["title"].startswith("Crowdsourcing open citations with CROCI")
    assert paper["category"] == "cs.DL"
    assert paper["source"]["fields"]["eprint"] == "1902.02534"
    assert [path for path, _, _ in services.requests][-1] == "/dois/10.48550/arXiv.1902.02534"


@pytest.mark.parametrize(
    "thing",
    ["D16-1001", "https://aclanthology.org/D16-1001/", "https://aclanthology.org/D16-1001.pdf"],
)
def test_add_an_acl_anthology_paper(services: FakeServices, run_cli, thing) -> None:
    result = run_cli("add", thing)
    assert result.returncode == 0, result.stderr
    paper = _only_paper(run_cli)
    assert paper["title"].startswith("Span-Based Constituency Parsing")
    assert paper["authors"] == ["James Cross", "Liang Huang"]
    assert paper["source"]["fields"]["doi"] == "10.18653/v1/D16-1001"


def test_things_from_stdin_one_a_line(services: FakeServices, run_cli) -> None:
    result = run_cli("add", "-", input="1605.08386\n\nD16-1001\n10.7554/elife.01567\n")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(run_cli("list", "--json").stdout)) == 3


def test_export_bibtex_carries_the_identifiers(services: FakeServices, run_cli) -> None:
    run_cli("add", "1605.08386", "10.48550/arXiv.1902.02534", check=True)
    bibtex = run_cli("export", "bibtex", check=True).stdout
    assert "eprint = {1605.08386}" in bibtex
    assert "archiveprefix = {arXiv}" in bibtex and "primaryclass = {math.CO}" in bibtex
    assert "doi = {10.48550/arxiv.1902.02534}" in bibtex


def test_an_unknown_thing_is_one_line_and_the_rest_is_added(
    services: FakeServices, run_cli
) -> None:
    result = run_cli("add", "not-an-id", "1605.08386", "10.99999/nothing.here")
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2, result.stderr
    assert "'not-an-id' is not an arXiv id" in errors[0]
    assert "doi.org knows no DOI 10.99999/nothing.here (DOI does not exist)" in errors[1]
    assert "Traceback" not in result.stderr
    _only_paper(run_cli)


def test_a_paper_arxiv_does_not_have(services: FakeServices, run_cli) -> None:
    result = run_cli("add", "0000.0000")
    assert result.returncode == 1
    assert result.stderr.strip() == "readlist: arXiv has no paper 0000.0000"


def test_a_server_error_adds_nothing_at_all(services: FakeServices, run_cli) -> None:
    services.routes["/acl/D16-1001.bib"] = Reply(b"oops", status=500)
    result = run_cli("add", "1605.08386", "D16-1001")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "ACL Anthology" in line and "HTTP 500" in line and "try again later" in line
    assert json.loads(run_cli("list", "--json").stdout) == []


def test_offline_asks_nothing_and_says_so(services: FakeServices, run_cli) -> None:
    result = run_cli("add", "1605.08386", env={"READLIST_OFFLINE": "1"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "readlist: offline (READLIST_OFFLINE=1): readlist did not ask arXiv for 1 paper(s)"
    )
    assert services.requests == []


def test_open_paper_goes_to_the_arxiv_page(services: FakeServices, run_cli, tmp_path) -> None:
    run_cli("add", "1605.08386", "10.7554/elife.01567", check=True)
    log = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\n')
    browser.chmod(0o755)
    keys = {p["title"][:8]: p["key"] for p in json.loads(run_cli("list", "--json").stdout)}
    for key in (keys["Heat-bat"], keys["Automate"]):
        run_cli("open", key, "--paper", env={"BROWSER": f"{browser} %s"}, check=True)
    assert log.read_text().split() == [
        "https://arxiv.org/abs/1605.08386",
        "https://doi.org/10.7554/elife.01567",
    ]


def test_escape_sequences_in_an_answer_never_reach_the_terminal(
    services: FakeServices, run_cli
) -> None:
    from tests.fake_services import fixture

    # The recorded Crossref work with an escape sequence slipped into its title and DOI.
    hostile = fixture("crossref_works_10.7554_elife.01567.json").replace(
        b'"title":["Automated', b'"title":["\\u001b]0;pwned\\u0007Automated'
    )
    services.routes["/works/10.7554/elife.01567"] = Reply(hostile)
    result = run_cli("add", "10.7554/elife.01567")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert _only_paper(run_cli)["title"].startswith("Automated quantitative")  # sequence gone


def test_stdin_that_is_not_utf8_is_one_line_not_a_traceback(
    services: FakeServices, run_cli, readlist_command, library_file
) -> None:
    import subprocess

    result = subprocess.run(
        [*readlist_command, "--library", str(library_file), "add", "-"],
        input=b"\xff\xfe1605.08386\n",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"is not an arXiv id" in result.stderr
