"""PDFs end to end: ``add --pdf``, ``fetch-pdf``, ``open --pdf``, ``has:pdf``, against 127.0.0.1."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCLI
from tests.fake_services import FakeServices, Reply
from tests.remote.pdf_bytes import tiny_pdf

VIEWER = Path(__file__).resolve().parents[1] / "pdf_viewer.py"
KEY_OF_1605 = "stanley2016heatbath"
PDF_TYPE = {"Content-Type": "application/pdf"}


def _paper(run_cli: RunCLI, key: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run_cli("show", key, "--json", check=True).stdout)
    return shown


def _leftovers(library_file: Path) -> list[str]:
    folder = library_file.parent / "papers"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def viewer_env(record: Path) -> dict[str, str]:
    return {
        "READLIST_PDF_VIEWER": shlex.join([sys.executable, str(VIEWER)]),
        "PDF_VIEWER_RECORD": str(record),
    }


def viewer_args(record: Path) -> list[str]:
    """What the stand-in viewer was started with (it runs detached: wait for it)."""
    deadline = time.monotonic() + 30
    while not record.exists():
        assert time.monotonic() < deadline, "the PDF viewer was never started"
        time.sleep(0.05)
    args: list[str] = json.loads(record.read_text(encoding="utf-8"))
    return args


def test_add_with_pdf_downloads_it_beside_the_library(
    services: FakeServices, run_cli: RunCLI, library_file: Path
) -> None:
    pdf = tiny_pdf()
    services.routes["/pdf/1605.08386"] = Reply(pdf, headers=PDF_TYPE)
    result = run_cli("add", "1605.08386", "--pdf")
    assert result.returncode == 0, result.stderr
    target = library_file.parent / "papers" / f"{KEY_OF_1605}.pdf"
    assert f"{KEY_OF_1605}: PDF {target} ({len(pdf)} B)" in result.stdout
    assert target.read_bytes() == pdf
    assert _leftovers(library_file) == [target.name]  # no temporary file left
    assert _paper(run_cli, KEY_OF_1605)["pdf"] == f"papers/{KEY_OF_1605}.pdf"
    shown = run_cli("show", KEY_OF_1605, check=True).stdout
    assert f"papers/{KEY_OF_1605}.pdf ({len(pdf)} B)" in shown
    listed = json.loads(run_cli("list", "has:pdf", "--json", check=True).stdout)
    assert [paper["key"] for paper in listed] == [KEY_OF_1605]
    assert json.loads(run_cli("list", "--json", "--", "-has:pdf", check=True).stdout) == []


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(b"Not found", status=404), "has no PDF for stanley2016heatbath (HTTP 404 Not"),
        (
            Reply(b"<html>Log in</html>", headers={"Content-Type": "text/html; charset=utf-8"}),
            "sent text/html, not a PDF, for the PDF of stanley2016heatbath",
        ),
        (
            Reply(b"PK\x03\x04 a zip" * 200, headers={"Content-Type": "application/octet-stream"}),
            "sent no PDF for the PDF of stanley2016heatbath (its bytes do not start a PDF)",
        ),
        (
            Reply(tiny_pdf(padding=3000), headers=PDF_TYPE),
            "is bigger than 0.002 MiB (pdf_max_mb); nothing was kept",
        ),
        (
            Reply(b"Busy", status=503),
            "failed (HTTP 503 Service Unavailable) for the PDF of stanley2016heatbath; try again",
        ),
        (
            Reply(b"", status=429, headers={"Retry-After": "120"}),
            "asks readlist to slow down (HTTP 429 Too Many Requests); try again in 120 s",
        ),
    ],
    ids=["404", "html", "not-a-pdf", "oversize", "503", "429"],
)
def test_fetch_pdf_failures_are_one_line_and_keep_nothing(
    services: FakeServices, run_cli: RunCLI, library_file: Path, reply: Reply, message: str
) -> None:
    run_cli("add", "1605.08386", check=True)
    services.routes["/pdf/1605.08386"] = reply
    result = run_cli("fetch-pdf", KEY_OF_1605, env={"READLIST_PDF_MAX_MB": "0.002"})
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert _leftovers(library_file) == []
    assert _paper(run_cli, KEY_OF_1605)["pdf"] is None


def test_fetch_pdf_offline_and_without_a_link_says_why(
    services: FakeServices, run_cli: RunCLI
) -> None:
    run_cli("add", "1605.08386", check=True)
    result = run_cli("fetch-pdf", KEY_OF_1605, env={"READLIST_OFFLINE": "1"})
    assert result.returncode == 1
    assert "offline (READLIST_OFFLINE=1): readlist did not download the PDF of" in result.stderr
    run_cli("import", "-", input="@misc{plain, title={No Links Here}}\n", check=True)
    result = run_cli("fetch-pdf", "plain")
    assert result.returncode == 1
    assert "plain has no PDF link" in result.stderr
    assert services.requests[-1][0] == "/api/query"  # neither asked for a PDF


def test_a_pdf_link_of_any_host_is_followed(
    services: FakeServices, run_cli: RunCLI, library_file: Path
) -> None:
    pdf = tiny_pdf()
    services.routes["/files/paper.pdf"] = Reply(pdf, headers=PDF_TYPE)
    bib = f"@misc{{linked, title={{Linked}}, url={{{services.base}/files/paper.pdf}}}}\n"
    run_cli("import", "-", input=bib, check=True)
    result = run_cli("fetch-pdf", "linked")
    assert result.returncode == 0, result.stderr
    assert (library_file.parent / "papers" / "linked.pdf").read_bytes() == pdf


def test_open_pdf_opens_the_file_else_the_link_in_the_viewer(
    services: FakeServices, run_cli: RunCLI, library_file: Path, tmp_path: Path
) -> None:
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE)
    run_cli("add", "1605.08386", check=True)
    before = tmp_path / "before.json"
    result = run_cli("open", KEY_OF_1605, "--pdf", env=viewer_env(before))
    assert result.returncode == 0, result.stderr
    assert viewer_args(before) == [f"{services.base}/pdf/1605.08386"]
    run_cli("fetch-pdf", KEY_OF_1605, check=True)
    after = tmp_path / "after.json"
    run_cli("open", KEY_OF_1605, "--pdf", env=viewer_env(after), check=True)
    assert viewer_args(after) == [str(library_file.parent / "papers" / f"{KEY_OF_1605}.pdf")]


def test_remove_leaves_the_pdf_and_undo_brings_the_paper_back_with_it(
    services: FakeServices, run_cli: RunCLI, library_file: Path
) -> None:
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE)
    run_cli("add", "1605.08386", "--pdf", check=True)
    target = library_file.parent / "papers" / f"{KEY_OF_1605}.pdf"
    run_cli("remove", KEY_OF_1605, "--yes", check=True)
    assert target.is_file()  # left where it is
    run_cli("undo", check=True)
    assert _paper(run_cli, KEY_OF_1605)["pdf"] == f"papers/{KEY_OF_1605}.pdf"
    assert f"({target.stat().st_size} B)" in run_cli("show", KEY_OF_1605, check=True).stdout


def test_undo_of_fetch_pdf_forgets_the_file_but_keeps_it_on_disk(
    services: FakeServices, run_cli: RunCLI, library_file: Path
) -> None:
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE)
    run_cli("add", "1605.08386", check=True)
    run_cli("fetch-pdf", KEY_OF_1605, check=True)
    assert run_cli("undo", check=True).stdout.startswith(f"undid fetch-pdf {KEY_OF_1605}")
    assert _paper(run_cli, KEY_OF_1605)["pdf"] is None
    assert (library_file.parent / "papers" / f"{KEY_OF_1605}.pdf").is_file()


def test_a_rekey_by_edit_keeps_the_pdf(
    services: FakeServices, run_cli: RunCLI, library_file: Path, tmp_path: Path
) -> None:
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE)
    run_cli("add", "1605.08386", "--pdf", check=True)
    editor = Path(__file__).resolve().parents[1] / "entry_editor.py"
    env = {
        "EDITOR": shlex.join([sys.executable, str(editor)]),
        "VISUAL": "",
        "ENTRY_EDITS": json.dumps([{"replace": [[f"{{{KEY_OF_1605},", "{heatbath,"]]}]),
        "ENTRY_STATE": str(tmp_path / "editor"),
    }
    run_cli("edit", KEY_OF_1605, env=env, check=True)
    paper = _paper(run_cli, "heatbath")
    assert paper["pdf"] == f"papers/{KEY_OF_1605}.pdf"
    assert (library_file.parent / paper["pdf"]).is_file()
    shown = f"papers/{KEY_OF_1605}.pdf ({len(tiny_pdf())} B)"
    assert shown in run_cli("show", "heatbath", check=True).stdout


def test_a_pdf_server_that_never_answers_times_out_and_keeps_nothing(
    services: FakeServices, run_cli: RunCLI, library_file: Path, tmp_path: Path
) -> None:
    run_cli("add", "1605.08386", check=True)
    services.routes["/pdf/1605.08386"] = Reply(tiny_pdf(), headers=PDF_TYPE, delay=3)
    config = tmp_path / "config.toml"
    config.write_text("[network]\ntimeout = 0.3\n", encoding="utf-8")
    result = run_cli("fetch-pdf", KEY_OF_1605, env={"READLIST_CONFIG": str(config)})
    assert result.returncode == 1
    assert "did not answer within 0.3 s for the PDF of stanley2016heatbath" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert _leftovers(library_file) == []
    assert _paper(run_cli, KEY_OF_1605)["pdf"] is None
