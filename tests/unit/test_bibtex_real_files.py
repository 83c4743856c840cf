"""Bibliographies other people wrote, through import → store → export, as BibTeX prints them.

For each file in ``data/real_bib`` (see its README): every titled entry's key is
exported, BibTeX prints every title the same (``"t" change.case$``), every
author has the same ``{vv }{ll}`` parts, and citing every original key finds no
entry missing that the original had, titled or not. The figures are in ``docs/export.md``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from readlist.exporters import to_bibtex
from readlist.importers import decode_text, parse_text
from tests.unit.bibtex_probe import Printed, bibtex_print, cited_keys
from tests.unit.test_bibtex_roundtrip import HEADER, generated_entry, stored

pytestmark = pytest.mark.tex

REAL = Path(__file__).parent / "data" / "real_bib"
FILES = sorted(path.name for path in REAL.glob("*.bib"))


def require_bibtex() -> None:
    if shutil.which("bibtex") is None:
        message = "TeX toolchain not installed: bibtex not on PATH"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must install it: see .ci/run)")
        pytest.skip(message)


def round_trip(text: str, name: str) -> tuple[Printed, Printed, list[str]]:
    """BibTeX's view of ``text`` and of its export, and the import's warnings."""
    result = parse_text(text, source_name=name)
    exported = to_bibtex(stored(result.papers))
    cited = cited_keys(text)
    before = bibtex_print(text, cited=cited)
    after = bibtex_print(exported, cited=cited)
    return before, after, result.warnings


def test_the_real_files_are_there() -> None:
    assert FILES == [
        "biber-bibtex-aliases.bib",
        "biber-crossrefs.bib",
        "biber-dateformats.bib",
        "biber-names.bib",
        "biber-related.bib",
        "biber-sets.bib",
        "biblatex-examples.bib",
        "bibtexparser-example.bib",
        "jabref-origin.bib",
        "jbtest.bib",
        "oberdiek-bundle.bib",
        "serif.bib",
        "texnique.bib",
        "type.bib",
        "xampl.bib",
    ]


@pytest.mark.parametrize("name", FILES)
def test_a_real_bibliography_prints_the_same_after_a_round_trip(name: str) -> None:
    require_bibtex()
    text, _ = decode_text((REAL / name).read_bytes())  # jbtest.bib is Latin-1
    before, after, _ = round_trip(text, name)
    assert before.titles, "the probe printed nothing: is bibtex working?"
    titled = [key for key, title in before.titles.items() if title]
    assert [key for key in titled if key not in after.titles] == []
    assert {key: after.titles[key] for key in titled} == {key: before.titles[key] for key in titled}
    # Every entry's names, titled or not (biber's names.bib has no title at all).
    assert {key: after.names.get(key) for key in before.names} == before.names
    # Entries without a title (``@set``, a whole journal) are kept too: citing every
    # key of the original finds every one in the export.
    assert after.missing - before.missing == set()
    untitled = [key for key, title in before.titles.items() if not title]
    assert [key for key in untitled if after.titles.get(key) != ""] == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_entry())
def test_generated_entries_print_the_same_after_a_round_trip(entry: str) -> None:
    require_bibtex()
    before, after, _ = round_trip(HEADER + entry, "g.bib")
    assert before.titles and after.titles == before.titles
    assert after.names == before.names
