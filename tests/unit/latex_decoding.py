"""A pylatexenc decoder that reads back what the BibTeX exporter writes (shared by tests)."""

from __future__ import annotations

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

#: The text macros the exporter uses for LaTeX specials, as they print.
EXPORT_MACROS = (
    ("textbraceleft", "{"),
    ("textbraceright", "}"),
    ("textasciicircum", "^"),
    ("textasciitilde", "~"),
    ("textbackslash", "\\"),
    ("textless", "<"),
    ("textgreater", ">"),
    ("textbar", "|"),
)


def latex_decoder(name: str, *extra: tuple[str, str]) -> LatexNodes2Text:
    """A decoder knowing the export macros (and ``extra`` ones); math kept verbatim."""
    context = get_default_latex_context_db()
    context.add_context_category(
        name,
        prepend=True,
        macros=[MacroTextSpec(macro, text) for macro, text in (*EXPORT_MACROS, *extra)],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)
