"""Exports of a LaTeX project's citations, the export registry, and the keep-updated hook."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readlist.errors import LibraryError, ReadlistError
from readlist.importers import parse_text
from readlist.kept_exports import cited_papers, exports_holding, stable_order
from readlist.latex_project import Citations
from readlist.models import Paper, Status
from readlist.paths import exports_path
from readlist.services import open_library
from readlist.store import Library
from readlist.store.exports import ExportRegistry, KeptExport

BIB = r"""
@string{acm = "ACM"}
@inproceedings{child, author = {Ann Author}, title = {A {Child} Paper}, crossref = {proc},
  year = 2001}
@inproceedings{other, author = {Bob Writer}, title = {Other}, crossref = {proc}, year = 2001}
@proceedings{proc, title = {The Proceedings}, year = 2001, publisher = acm, crossref = {series}}
@book{series, title = {The Series}, year = 2000}
@article{alone, author = {Cy Solo}, title = {Alone}, journal = {J}, year = 1999}
@article{Zed, author = {Zoe Last}, title = {Last One}, journal = {J}, year = 1999}
"""


def papers() -> list[Paper]:
    return parse_text(BIB, source_name="refs.bib").papers


def keys(selected: list[Paper]) -> list[str]:
    return [paper.key for paper in selected]


def test_cited_papers_bring_their_crossref_parents_transitively_after_them() -> None:
    selection = cited_papers(papers(), Citations(keys=["child", "nowhere", "alone"]))
    assert keys(selection.papers) == ["alone", "child", "proc", "series"]
    assert selection.missing == ["nowhere"]


def test_nocite_star_selects_everything_with_parents_after_every_child() -> None:
    selection = cited_papers(papers(), Citations(everything=True))
    assert keys(selection.papers) == ["alone", "child", "other", "Zed", "proc", "series"]
    assert selection.missing == []


def test_stable_order_does_not_depend_on_the_order_given() -> None:
    given = papers()
    assert keys(stable_order(given)) == keys(stable_order(list(reversed(given))))


def test_a_key_cited_in_another_case_is_found() -> None:
    assert keys(cited_papers(papers(), Citations(keys=["ALONE"])).papers) == ["alone"]


def test_the_registry_adds_replaces_lists_and_removes(tmp_path: Path) -> None:
    library = tmp_path / "library.json"
    registry = ExportRegistry(library)
    assert registry.exports() == []
    first = KeptExport(path=str(tmp_path / "a.bib"), format="bibtex", query="tag:x")
    second = KeptExport(path=str(tmp_path / "b.bib"), format="bibtex", tex=str(tmp_path / "m.tex"))
    assert registry.add(first)
    assert registry.add(second)
    assert not registry.add(KeptExport(path=first.path, format="csl-json"))
    assert [kept.format for kept in ExportRegistry(library).exports()] == ["csl-json", "bibtex"]
    assert registry.path == exports_path(library) == tmp_path / "library.exports.json"
    assert registry.remove("2") == second
    with pytest.raises(ReadlistError, match="no kept export number 3"):
        registry.remove("3")
    with pytest.raises(ReadlistError, match="no kept export writes"):
        registry.remove(str(tmp_path / "b.bib"))
    assert registry.remove(first.path).path == first.path
    assert registry.exports() == []


def test_a_damaged_registry_is_one_clear_error(tmp_path: Path) -> None:
    registry = ExportRegistry(tmp_path / "library.json")
    for damaged in (b"{not json", b"[]", b'{"exports": [{"path": 3}]}'):
        registry.path.write_bytes(damaged)
        with pytest.raises(LibraryError, match=r"export registry .* is damaged"):
            registry.exports()


def kept_library(tmp_path: Path, warnings: list[str]) -> tuple[Library, Path]:
    """A library opened as the CLI and TUI open it, with the BIB papers and one kept export."""
    library = open_library(tmp_path / "library.json", warn=warnings.append)
    library.import_papers(papers())
    (tmp_path / "main.tex").write_text("\\cite{child}\n", encoding="utf-8")
    target = tmp_path / "refs.bib"
    kept = KeptExport(path=str(target), format="bibtex", tex=str(tmp_path / "main.tex"))
    ExportRegistry(library.path).add(kept)
    return library, target


def stamp(path: Path) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_ino, found.st_mtime_ns


def test_a_change_to_a_paper_in_a_kept_export_rewrites_it_and_others_leave_it(
    tmp_path: Path,
) -> None:
    warnings: list[str] = []
    library, target = kept_library(tmp_path, warnings)
    library.add_tags(["child"], ["first"])  # writes the file: it did not exist
    text = target.read_text("utf-8")
    assert "keywords = {first}" in text
    assert text.index("@inproceedings{child,") < text.index("@proceedings{proc,")
    before = stamp(target)
    library.set_status(["child"], Status.READ)  # not in a BibTeX export
    library.add_tags(["alone", "Zed"], ["elsewhere"])  # papers not cited
    library.set_note("child", "my own note")
    assert stamp(target) == before
    library.add_tags(["proc"], ["parent"])  # a crossref parent is in it
    assert stamp(target) != before
    assert "keywords = {parent}" in target.read_text("utf-8")
    assert warnings == []


def test_a_removed_paper_leaves_the_export_and_a_newly_cited_one_joins(tmp_path: Path) -> None:
    warnings: list[str] = []
    library, target = kept_library(tmp_path, warnings)
    (tmp_path / "main.tex").write_text("\\cite{child,alone}\n", encoding="utf-8")
    library.add_tags(["Zed"], ["unrelated"])  # the citations changed: the export follows
    assert "@article{alone," in target.read_text("utf-8")
    library.remove(["alone"])
    assert "@article{alone," not in target.read_text("utf-8")
    assert warnings == []


def test_a_failed_rewrite_is_a_warning_and_the_change_is_saved(tmp_path: Path) -> None:
    warnings: list[str] = []
    library, target = kept_library(tmp_path, warnings)
    ExportRegistry(library.path).add(
        KeptExport(path=str(tmp_path / "gone" / "x.bib"), format="bibtex", query="")
    )
    library.add_tags(["child"], ["saved"])
    assert Library(library.path).tags_of("child") == ["saved"]
    assert "keywords = {saved}" in target.read_text("utf-8")  # the other export still follows
    assert len(warnings) == 1
    assert warnings[0].startswith(f"export {tmp_path / 'gone' / 'x.bib'} was not updated: ")
    assert "\n" not in warnings[0]


def test_a_damaged_registry_warns_and_the_change_is_saved(tmp_path: Path) -> None:
    warnings: list[str] = []
    library, _ = kept_library(tmp_path, warnings)
    exports_path(library.path).write_text("{", encoding="utf-8")
    library.add_tags(["child"], ["saved"])
    assert Library(library.path).tags_of("child") == ["saved"]
    assert len(warnings) == 1 and "is damaged" in warnings[0]


def test_exports_holding_a_paper_are_read_from_the_files(tmp_path: Path) -> None:
    warnings: list[str] = []
    library, target = kept_library(tmp_path, warnings)
    notes = tmp_path / "list.md"
    ExportRegistry(library.path).add(KeptExport(path=str(notes), format="markdown"))
    csl = tmp_path / "all.json"
    ExportRegistry(library.path).add(KeptExport(path=str(csl), format="csl-json", query="last"))
    library.add_tags(["child", "Zed"], ["t"])  # writes the three files
    child, zed = library.get("child"), library.get("Zed")
    assert exports_holding(library.path, child) == [str(target)]  # the list names no keys
    assert exports_holding(library.path, zed) == [str(csl)]
    assert exports_holding(library.path, library.get("alone")) == []
    ExportRegistry(library.path).remove(str(target))
    assert exports_holding(library.path, child) == []
    assert warnings == []
