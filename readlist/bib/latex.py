"""The one LaTeX decoder: BibTeX values to Unicode, common cases fast, the rest through pylatexenc.

Importers decode with :func:`latex_to_text`; the CSL-JSON exporter decodes the
imported fields it passes on with it, and the BibTeX exporter checks with it that
the LaTeX it writes for a character reads back as that character.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text


@lru_cache(maxsize=1)
def decoder() -> LatexNodes2Text:
    """The pylatexenc decoder, made on first use (most values never need it)."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)


_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_HREF_MACRO = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_LATEX_ESCAPE = re.compile(r"\\([_%&#~$])")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")
_INLINE_MATH = re.compile(r"((?<!\\)\$(?:[^$\\{}]|\{[^$\\{}]*\}|\\[A-Za-z]+ ?|\\.)+\$)")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_SIMPLE_ESCAPE = re.compile(r"\\([_%&#$])")
#: Without any of these characters, decoding changes nothing but the Unicode normal form.
_MAYBE_LATEX = re.compile(r"[\\$~%{}\ue000\ue001\-`'!?]")
#: TeX's logos, which pylatexenc drops: ``Plots in {\LaTeX}`` must not read "Plots in".
_LOGOS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "AmS": "AMS",
    "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX", "MF": "METAFONT", "MP": "MetaPost",
    "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt", "eTeX": "e-TeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX",
    "SliTeX": "SliTeX", "PiCTeX": "PiCTeX", "BibLaTeX": "BibLaTeX", "METAFONT": "METAFONT",
}  # fmt: skip
#: A logo macro and the ``{}`` or one space that ends it (``Bib\TeX ing`` is "BibTeXing").
_LOGO = re.compile(
    r"\\(" + "|".join(sorted(_LOGOS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}| ?)"
)


def _needs_decoder(text: str) -> bool:
    """Whether ``text`` holds what only pylatexenc decodes right.

    That is commands, math, ties, comments and TeX's ligatures (double hyphen,
    double quotes, inverted marks). Substring tests rather than one regex with
    alternatives, which is ~20x slower on an abstract; one-character tests first,
    as they are the cheapest.
    """
    return (
        "\\" in text
        or "$" in text
        or "~" in text
        or "%" in text
        or ("-" in text and "--" in text)
        or ("'" in text and "''" in text)
        or ("`" in text and ("``" in text or "!`" in text or "?`" in text))
    )


def latex_to_text(value: str) -> str:
    r"""``value`` decoded from LaTeX to Unicode: ``{\"u}`` → ``ü``, ``--`` → ``–``.

    Math (``$V_1$``) is kept verbatim; ``\url{…}`` becomes the URL and
    ``\href{URL}{text}`` becomes ``text (URL)``, with URLs left untouched (a
    ``%`` in them is not a comment). If pylatexenc fails, braces and commands are
    simply dropped.
    """
    if _MAYBE_LATEX.search(value) is None:
        return unicodedata.normalize("NFC", value)  # what the steps below come to
    value = value.replace("\ue000", "").replace("\ue001", "")
    if "\\" in value:
        value = _LOGO.sub(lambda m: _LOGOS[m.group(1)], value)
    # In a .bib field a bare % nearly always means per cent, not a LaTeX comment.
    if "%" in value and value.count("%") != value.count("\\%"):
        value = _BARE_PERCENT.sub(r"\\%", value)
    fast = _fast_latex_to_text(value)
    if fast is not None:
        return fast
    urls: list[str] = []

    def protect(url: str) -> str:
        urls.append(_LATEX_ESCAPE.sub(r"\1", url.strip()))
        return f"\ue000{len(urls) - 1}\ue001"

    def href(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"{label} ({protect(url)})" if label.strip() else protect(url)

    value = _HREF_MACRO.sub(href, value)
    value = _URL_MACRO.sub(lambda m: protect(m.group(1)), value)
    try:
        text = decoder().latex_to_text(value)
    except Exception:  # pylatexenc can fail in many ways on malformed input
        text = _COMMAND.sub("", value).replace("{", "").replace("}", "")
    text = text.replace("\xa0", " ")
    return _PLACEHOLDER.sub(lambda m: urls[int(m.group(1))], text)


_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
_LETTERS = {
    "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_SYMBOL_ACCENT = re.compile(
    r"""\\(["'`^~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"""
)
_WORD_ACCENT = re.compile(r"\\([uvHckr])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))")
_LETTER_MACRO = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\s*)")


def _accented(match: re.Match[str]) -> str:
    letter = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return base + _ACCENTS[match.group(1)]


def _fast_latex_to_text(value: str) -> str | None:
    r"""Decode common LaTeX without pylatexenc (~100x slower); None if it cannot.

    Handles accents (``{\"u}``, ``\c{c}``), letter macros (``{\ss}``), escaped
    specials (``\&``), protective braces, and inline math kept verbatim.
    """
    # Each step is skipped when the character it looks for is absent: the same
    # result, far cheaper on long abstracts.
    pieces = _INLINE_MATH.split(value) if "$" in value else [value]
    for index in range(0, len(pieces), 2):  # odd pieces are math, kept verbatim
        text = pieces[index]
        if "\\" in text:
            unescaped = _SIMPLE_ESCAPE.sub("", text)
            # If every backslash escapes a special (``\%``), no accent can be there.
            if "\\" in unescaped:
                text = _SYMBOL_ACCENT.sub(_accented, text)
                text = _WORD_ACCENT.sub(_accented, text)
                text = _LETTER_MACRO.sub(lambda m: _LETTERS[m.group(1)], text)
                unescaped = _SIMPLE_ESCAPE.sub("", text)
            if _needs_decoder(unescaped):
                return None
            text = _SIMPLE_ESCAPE.sub(r"\1", text)
        elif _needs_decoder(text):
            return None
        pieces[index] = unicodedata.normalize("NFC", text.replace("{", "").replace("}", ""))
    return "".join(pieces)


def unescape_specials(text: str) -> str:
    r"""``text`` with LaTeX's escaped specials unescaped: ``10.1000/a\_b`` → ``10.1000/a_b``."""
    return _LATEX_ESCAPE.sub(r"\1", text)
