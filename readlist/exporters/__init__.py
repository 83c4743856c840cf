"""Exporters: pure functions turning papers into BibTeX, CSL-JSON or Markdown text."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from readlist.exporters.bibtex import bibtex_entry, iter_bibtex, to_bibtex
from readlist.exporters.csl_json import to_csl_json
from readlist.exporters.markdown import iter_markdown, to_markdown
from readlist.models import Paper

#: The names ``export`` accepts, as the CLI offers them.
FORMATS = ("bibtex", "csl-json", "markdown")


def _csl_json_chunks(papers: Sequence[Paper], *, ascii: bool = False) -> Iterator[str]:
    yield to_csl_json(papers, ascii=ascii)  # one JSON array: small next to the papers


_EXPORTERS: dict[str, Callable[..., Iterator[str]]] = {
    "bibtex": iter_bibtex,
    "csl-json": _csl_json_chunks,
    "markdown": iter_markdown,
}

__all__ = [
    "FORMATS",
    "bibtex_entry",
    "export",
    "export_chunks",
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
    try:
        exporter = _EXPORTERS[format]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown export format {format!r} (choose from {choices})") from None
    if format == "bibtex":
        return iter_bibtex(papers, ascii=ascii, dialect=dialect)
    return exporter(papers, ascii=ascii)
