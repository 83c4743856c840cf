"""Exporters: pure functions turning papers into BibTeX, CSL-JSON or Markdown text."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from readlist.exporters._common import Citable, Layout
from readlist.exporters.bibtex import bibtex_entry, bibtex_layout, to_bibtex
from readlist.exporters.csl_json import csl_json_layout, to_csl_json
from readlist.exporters.markdown import markdown_layout, to_markdown
from readlist.models import Paper

#: The names ``export`` accepts, as the CLI offers them.
FORMATS = ("bibtex", "csl-json", "markdown")


_LAYOUTS: dict[str, Callable[..., Layout]] = {
    "bibtex": bibtex_layout,
    "csl-json": csl_json_layout,
    "markdown": markdown_layout,
}

__all__ = [
    "FORMATS",
    "Citable",
    "Layout",
    "bibtex_entry",
    "export",
    "export_chunks",
    "export_layout",
    "to_bibtex",
    "to_csl_json",
    "to_markdown",
]


def export(
    papers: Sequence[Paper], format: str, *, ascii: bool = False, dialect: str = "bibtex"
) -> str:
    r"""``papers`` as text in ``format`` (one of :data:`FORMATS`).

    ``ascii``: BibTeX gets LaTeX accent macros instead of UTF-8, CSL-JSON
    ``\uXXXX`` escapes, Markdown an ASCII transliteration.

    ``dialect`` (BibTeX only): how aliases are written, see :func:`to_bibtex`.

    Raises ``ValueError`` for an unknown format or dialect.
    """
    return "".join(export_chunks(papers, format, ascii=ascii, dialect=dialect))


def export_chunks(
    papers: Sequence[Paper], format: str, *, ascii: bool = False, dialect: str = "bibtex"
) -> Iterator[str]:
    """:func:`export`'s text in pieces (an entry at a time), to write without holding it all.

    Raises ``ValueError`` for an unknown format, before any piece is made.
    """
    return export_layout(papers, format, ascii=ascii, dialect=dialect).chunks(papers)


def export_layout(
    papers: Sequence[Citable], format: str, *, ascii: bool = False, dialect: str = "bibtex"
) -> Layout:
    """How :func:`export` puts ``papers`` together in ``format`` (see :class:`Layout`).

    Raises ``ValueError`` for an unknown format or dialect.
    """
    try:
        layout = _LAYOUTS[format]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown export format {format!r} (choose from {choices})") from None
    if format == "bibtex":
        return layout(papers, ascii=ascii, dialect=dialect)
    return layout(papers, ascii=ascii)
