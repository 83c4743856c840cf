"""Exporters: pure functions turning papers into BibTeX, CSL-JSON or Markdown text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from readlist.exporters.bibtex import bibtex_entry, to_bibtex
from readlist.exporters.csl_json import to_csl_json
from readlist.exporters.markdown import to_markdown
from readlist.models import Paper

#: The names ``export`` accepts, as the CLI offers them.
FORMATS = ("bibtex", "csl-json", "markdown")

_EXPORTERS: dict[str, Callable[..., str]] = {
    "bibtex": to_bibtex,
    "csl-json": to_csl_json,
    "markdown": to_markdown,
}

__all__ = ["FORMATS", "bibtex_entry", "export", "to_bibtex", "to_csl_json", "to_markdown"]


def export(papers: Sequence[Paper], format: str, *, ascii: bool = False) -> str:
    r"""``papers`` as text in ``format`` (one of :data:`FORMATS`).

    ``ascii``: BibTeX gets LaTeX accent macros instead of UTF-8, CSL-JSON
    ``\uXXXX`` escapes, Markdown an ASCII transliteration.

    Raises ``ValueError`` for an unknown format.
    """
    try:
        exporter = _EXPORTERS[format]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown export format {format!r} (choose from {choices})") from None
    return exporter(papers, ascii=ascii)
