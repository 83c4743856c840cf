"""Importing again through the real ``readlist`` command: lossless merges, and --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

LISTING = (
    "CLJun 13, 2023Code\n"
    "SqueezeLLM: Dense-and-Sparse QuantizationSehoon Kim, Coleman Hooper, Amir Gholami et al."
    " · berkeley, ucsf\n"
    "Our code is available at https://github.com/SqueezeAILab/SqueezeLLM.\n"
)
POOR_MISC = """@misc{kim2023squeezellm,
  title = {SqueezeLLM: Dense-and-Sparse Quantization},
  author = {Kim, Sehoon and Hooper, Coleman and Gholami, Amir},
  year = {2023},
  eprint = {2306.07629},
  archivePrefix = {arXiv},
  url = {https://arxiv.org/abs/2306.07629},
}
"""


def show(run_cli, key: str) -> dict[str, object]:
    shown: dict[str, object] = json.loads(run_cli("show", key, "--json", check=True).stdout)
    return shown


def test_a_poorer_misc_after_a_listing_erases_nothing(run_cli, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    misc = tmp_path / "squeeze.bib"
    misc.write_text(POOR_MISC, encoding="utf-8")
    run_cli("import", str(listing), check=True)
    before = show(run_cli, "kim2023squeezellm")
    result = run_cli("import", str(misc), check=True)
    assert "added 0, updated 1, unchanged 0" in result.stdout
    after = show(run_cli, "kim2023squeezellm")
    for name in ("abstract", "affiliations", "published", "authors", "authors_truncated"):
        assert after[name] == before[name], name
    assert after["published"] == "2023-06-13" and after["authors_truncated"] is True
    assert after["has_code"] is True
    assert after["links"] == [
        {"url": "https://github.com/SqueezeAILab/SqueezeLLM", "kind": "code"},
        {"url": "https://arxiv.org/abs/2306.07629", "kind": "other"},
    ]
    source = after["source"]
    assert isinstance(source, dict) and source["fields"]["eprint"] == "2306.07629"
    # Nothing lost, so doctor has no orphaned abstract to delete.
    doctor = run_cli("doctor")
    assert "orphan" not in doctor.stdout + doctor.stderr
    again = run_cli("import", str(misc), check=True)
    assert "added 0, updated 0, unchanged 1" in again.stdout


def test_byte_identical_file_under_another_name_is_unchanged(run_cli, tmp_path: Path) -> None:
    first = tmp_path / "refs.bib"
    first.write_text(POOR_MISC, encoding="utf-8")
    renamed = tmp_path / "refs-copy.bib"
    renamed.write_bytes(first.read_bytes())
    run_cli("import", str(first), check=True)
    result = run_cli("import", str(renamed), check=True)
    assert "refs-copy.bib (bibtex): added 0, updated 0, unchanged 1" in result.stdout


def test_dry_run_lists_additions_and_merges_and_writes_nothing(
    run_cli, tmp_path: Path, library_file: Path
) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    misc = tmp_path / "more.bib"
    misc.write_text(
        POOR_MISC + "@article{other, title = {Another Paper}, author = {Lee, Ann}, year = 2020}\n",
        encoding="utf-8",
    )
    dry_first = run_cli("import", "--dry-run", str(listing), check=True)
    assert "add kim2023squeezellm: SqueezeLLM: Dense-and-Sparse Quantization" in dry_first.stdout
    assert not library_file.parent.exists() or not any(library_file.parent.iterdir())
    run_cli("import", str(listing), check=True)
    files = {path: path.read_bytes() for path in library_file.parent.iterdir()}
    result = run_cli("import", "--dry-run", str(misc), check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "more.bib (bibtex): added 1, updated 1, unchanged 0, 0 warnings (dry run)"
    assert lines[1] == (
        "  merge into kim2023squeezellm (links, source): SqueezeLLM: Dense-and-Sparse Quantization"
    )
    assert lines[2] == "  add other: Another Paper"
    assert lines[-1] == "dry run: nothing was written"
    assert {path: path.read_bytes() for path in library_file.parent.iterdir()} == files
    as_json = json.loads(run_cli("import", "--dry-run", "--json", str(misc), check=True).stdout)
    assert as_json["dry_run"] is True and as_json["updated"] == ["kim2023squeezellm"]
    assert as_json["steps"][1] == {
        "action": "added",
        "key": "other",
        "title": "Another Paper",
        "fields": [],
    }
    assert [p["key"] for p in json.loads(run_cli("list", "--json").stdout)] == ["kim2023squeezellm"]


def test_two_files_with_one_paper_import_it_once(run_cli, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(LISTING, encoding="utf-8")
    misc = tmp_path / "squeeze.bib"
    misc.write_text(POOR_MISC, encoding="utf-8")
    result = run_cli("import", "--dry-run", str(listing), str(misc), check=True)
    assert "squeeze.bib (bibtex): added 0, updated 1, unchanged 0" in result.stdout
    assert "  merge into kim2023squeezellm (links, source): SqueezeLLM" in result.stdout
    assert "total: added 1, updated 0, unchanged 0" in result.stdout
    run_cli("import", str(listing), str(misc), check=True)
    papers = json.loads(run_cli("list", "--json", check=True).stdout)
    assert len(papers) == 1 and len(papers[0]["links"]) == 2
