"""Plain text to BibTeX field values: escaping, inline math, case protection, ASCII.

Text from the library is plain text, except that a ``$…$`` pair that looks like
math (see :func:`split_math`) is kept as LaTeX math. Everything else is escaped
so LaTeX prints it literally. With ``ascii=True`` non-ASCII characters become
LaTeX accent macros that work with pdfLaTeX's default (OT1) and T1 encodings, or
an ASCII transliteration when there is no such macro.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from anyascii import anyascii

from readlist.bib.bibtex_values import braces_balanced
from readlist.bib.latex import latex_to_text
from readlist.exporters.latex_math import is_valid_math, macro_names
from readlist.text import one_line

# -- plain text ---------------------------------------------------------------

#: How each LaTeX special character is written outside math. The named ones are
#: braced so BibTeX treats them as one "special character" (safe from case
#: changes and purify$) and so no brace appears unbalanced to BibTeX, which
#: counts ``\{`` as a brace. ``<``, ``>`` and ``|`` print as other glyphs in OT1.
SPECIALS: dict[str, str] = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "<": r"{\textless}",
    ">": r"{\textgreater}",
    "|": r"{\textbar}",
}
_SPECIAL_RE = re.compile("[" + re.escape("".join(SPECIALS)) + "]")


def _escape_specials(text: str) -> str:
    """``text`` with every LaTeX special replaced by its macro.

    A regex with a dict lookup: ``str.translate`` with multi-character values is
    ~15x slower on non-ASCII text (measured: 79 µs vs 5 µs per abstract).
    """
    return _SPECIAL_RE.sub(lambda m: SPECIALS[m.group()], text)


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def normalize(text: str) -> str:
    """``text`` on one line: controls removed, whitespace runs as one space, NFC."""
    text = " ".join(text.split())
    if not text.isprintable():  # escape sequences, controls, bidi overrides
        text = one_line(text)
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# -- ASCII mode ---------------------------------------------------------------

# Macros that pylatexenc's encoder may produce and that pdfLaTeX accepts in text
# with both the default OT1 and the T1 font encoding, without extra packages
# (checked character by character with pdflatex; tests/unit/test_tex_compile.py
# re-checks every character of the common Unicode blocks). ``_ASCII_MATH_MACROS``
# are the ones allowed inside ``\ensuremath{…}``. Any other output falls back to
# an anyascii transliteration.
_ASCII_TEXT_MACROS = macro_names(
    "! \" ' , - . ; = ^ ` ~ AE H IJ L O OE ae c enskip ensuremath fbox hspace i ij"
    " l mathbin nolinebreak o oe quad r ss textacutedbl textasciiacute"
    " textasciibreve textasciicaron textasciicircum textasciidieresis"
    " textasciimacron textasciitilde textasteriskcentered textbigcircle"
    " textbrokenbar textbullet textcelsius textcent textcircledP"
    " textcolonmonetary textcompwordmark textcopyright textcurrency textdagger"
    " textdaggerdbl textdegree textdiscount textdiv textdong textdownarrow"
    " textellipsis textemdash textendash textestimated texteuro textexclamdown"
    " textflorin textfractionsolidus textinterrobang textleftarrow textlira"
    " textlnot textmho textmu textmusicalnote textnaira textnumero textonehalf"
    " textonequarter textonesuperior textopenbullet textordfeminine"
    " textordmasculine textparagraph textperiodcentered textpertenthousand"
    " textperthousand textpeso textquestiondown textquotedblleft"
    " textquotedblright textquoteleft textquoteright textrecipe"
    " textreferencemark textregistered textrightarrow textsection"
    " textservicemark textsterling textsuperscript textthreequarters"
    " textthreesuperior texttimes texttrademark texttwosuperior textuparrow"
    " textwon textyen u v"
)
_ASCII_MATH_MACROS = macro_names(
    "Delta Downarrow Gamma Lambda Leftarrow Leftrightarrow Longleftarrow"
    " Longleftrightarrow Longrightarrow Omega Phi Pi Psi Rightarrow Sigma Theta"
    " Uparrow Updownarrow Upsilon Vert Xi acute aleph alpha angle approx asymp"
    " beta bigcap bigcirc bigcup bigtriangledown bigtriangleup bigvee bigwedge"
    " bowtie bullet cap cdot cdots chi circ cong coprod cup dashv ddot ddots"
    " delta diamond dot doteq ell epsilon equiv eta exists forall frown gamma"
    " geq gg hbar hookleftarrow hookrightarrow in infty int iota kappa kern"
    " lambda lceil leftharpoondown leftharpoonup leftrightarrow leq"
    " lfloor ll lmoustache longleftarrow longleftrightarrow longmapsto"
    " longrightarrow mapsto mathchar mid mp mu nabla nearrow neq ni not notin nu"
    " nwarrow odot oint omega ominus oplus oslash otimes parallel partial perp"
    " phi pi pm prec preceq prod propto psi rceil rfloor rho"
    " rightharpoondown rightharpoonup rightleftharpoons rmoustache searrow"
    " sigma sim simeq smile sqcap sqcup sqrt sqsubseteq sqsupseteq star subset"
    " subseteq succ succeq sum supset supseteq swarrow tau theta times top"
    " triangleleft triangleright updownarrow uplus upsilon varepsilon varphi"
    " varpi varrho varsigma vartheta vdash vdots vee wedge wp wr xi zeta"
)
_MACRO_RE = re.compile(r"\\([a-zA-Z]+|.)")
_ENSUREMATH = "\\ensuremath{"


def _macros_allowed(latex: str) -> bool:
    r"""Whether every macro in ``latex`` is in the allow-lists (math ones in ``\ensuremath``)."""
    text_part: list[str] = []
    pos = 0
    while (start := latex.find(_ENSUREMATH, pos)) >= 0:
        text_part.append(latex[pos:start])
        depth, end = 1, start + len(_ENSUREMATH)
        while end < len(latex) and depth:
            depth += {"{": 1, "}": -1}.get(latex[end], 0)
            end += 1
        if depth:
            return False
        body = latex[start + len(_ENSUREMATH) : end - 1]
        if any(name not in _ASCII_MATH_MACROS for name in _MACRO_RE.findall(body)):
            return False
        pos = end
    text_part.append(latex[pos:])
    return all(name in _ASCII_TEXT_MACROS for name in _MACRO_RE.findall("".join(text_part)))


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder  # only needed in ASCII mode

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


# Characters whose LaTeX form Biber decodes into Unicode that pdfLaTeX has no
# glyph for (found by tests/unit/test_tex_compile.py): they are transliterated
# instead, as is all of Latin Extended Additional (U+1E00–U+1EFF, e.g. "ạ").
_BIBER_UNSAFE = frozenset("ǸǹȞȟȦȧȨȩȮȯ")
# An accent over a dotless i: Biber decodes it to "ı" + a combining accent that
# pdfLaTeX cannot typeset, while an accent over "i" gives the precomposed letter
# (and LaTeX drops the dot itself).
_ACCENTED_DOTLESS_I = re.compile(r"\\([`'^\"~=.uvH])(?:\{\\i\}|\\i(?![a-zA-Z]))")
# Combining accents and the LaTeX accent macros that put them on a letter.
_ACCENT_MACROS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
    "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H",
    "\u030c": "v", "\u0327": "c", "\u0323": "d", "\u0331": "b",
}  # fmt: skip


def _decodes_to(latex: str, char: str) -> bool:
    # The import's own decoder: what is written for a character must read back as it.
    return unicodedata.normalize("NFC", latex_to_text(latex)) == char


def _accent_form(char: str) -> str | None:
    r"""``{\"u}``-style form of an ASCII letter with one accent, from Unicode decomposition."""
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) != 2 or not (decomposed[0].isascii() and decomposed[0].isalpha()):
        return None
    accent = _ACCENT_MACROS.get(decomposed[1])
    if accent is None:
        return None
    return f"{{\\{accent}{{{decomposed[0]}}}}}"


@lru_cache(maxsize=4096)
def latex_char(char: str) -> str | None:
    r"""The LaTeX macro form of a non-ASCII character, or ``None`` if it has no safe one.

    pylatexenc's form when it only uses macros that work in OT1 and T1 and
    decodes back to ``char`` (its table has errors, ``ű`` as ``\'u``), else
    the accent macro from the Unicode decomposition, else ``None``.
    """
    if char in _BIBER_UNSAFE or "\u1e00" <= char <= "\u1eff":
        return None
    latex = str(_encoder().unicode_to_latex(char))
    if latex != char and latex.isascii() and _macros_allowed(latex):
        latex = _ACCENTED_DOTLESS_I.sub(r"\\\1i", latex)
        if _decodes_to(latex, char):
            return latex
    latex_or_none = _accent_form(char)
    if latex_or_none is not None and _decodes_to(latex_or_none, char):
        return _ACCENTED_DOTLESS_I.sub(r"\\\1i", latex_or_none)
    return None


@lru_cache(maxsize=4096)
def _transliterate(char: str) -> str:
    """``char`` itself when it has a LaTeX form, else its ASCII transliteration."""
    return char if latex_char(char) is not None else anyascii(char)


def _transliterate_match(match: re.Match[str]) -> str:
    return _transliterate(match.group())


@lru_cache(maxsize=4096)
def _char_to_latex(char: str) -> str:
    latex = latex_char(char)
    if latex is not None:
        return latex
    return _escape_specials(anyascii(char))


def _latex_char_match(match: re.Match[str]) -> str:
    return _char_to_latex(match.group())


def transliterate_unmapped(text: str) -> str:
    """``text`` with every non-ASCII character that has no LaTeX form transliterated."""
    return _NON_ASCII_RE.sub(_transliterate_match, text)


def to_latex_chars(latex: str) -> str:
    """``latex`` with its remaining non-ASCII characters as LaTeX macros."""
    return _NON_ASCII_RE.sub(_latex_char_match, latex)


# -- inline math --------------------------------------------------------------

# Pandoc's rule for $…$ math: the opening $ has a non-space right after it, the
# closing $ a non-space right before it and no digit right after it, so
# "costs $5 and $6" is not math.
_MATH_SPAN = re.compile(r"\$(?=[^\s$])([^$]*?[^\s$\\])\$(?!\d)|\$([^\s$])\$(?!\d)")


def split_math(text: str, *, ascii: bool = False) -> list[tuple[bool, str]]:
    """``text`` as ``(is_math, piece)`` runs; math pieces are the bodies without ``$``.

    A ``$…$`` pair is math when it follows pandoc's rule (no space inside the
    dollars, no digit after the closing one) and :func:`is_valid_math` accepts
    its body. In ASCII mode math must also be ASCII (its characters could not be
    converted inside math). Everything else is text, dollars included.
    """
    if "$" not in text:
        return [(False, text)]
    runs: list[tuple[bool, str]] = []
    plain_start = 0
    search_from = 0
    while (match := _MATH_SPAN.search(text, search_from)) is not None:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        if (ascii and not body.isascii()) or not is_valid_math(body):
            search_from = match.start() + 1
            continue
        if match.start() > plain_start:
            runs.append((False, text[plain_start : match.start()]))
        runs.append((True, body))
        plain_start = search_from = match.end()
    if plain_start < len(text):
        runs.append((False, text[plain_start:]))
    return runs


# -- field values -------------------------------------------------------------

# A word: letters and digits, possibly joined by hyphens or apostrophes.
_WORD_RE = re.compile(r"([^\W_]+(?:['’-][^\W_]+)*)")


@lru_cache(maxsize=16384)
def needs_case_protection(word: str) -> bool:
    """Whether BibTeX must not lowercase ``word`` in a title.

    True for words with a capital after the first letter (``RLHF``, ``NeRF``,
    ``3D``, ``K-Means``), a capitalised word with a digit (``Llama2``), a lone
    capital other than the article ``A`` (``I``), and a compound with a
    one-letter capital part (``X-ray``). The whole hyphenated word is braced.
    """
    if len(word) == 1:
        return word.isupper() and word != "A"
    if "-" in word or "'" in word or "’" in word:
        return any(_part_needs_protection(part) for part in _WORD_JOINERS.split(word) if part)
    return _part_needs_protection(word)


_WORD_JOINERS = re.compile(r"['’-]")


def _part_needs_protection(part: str) -> bool:
    rest = part[1:]
    if not rest:
        return part.isupper()
    if not rest.islower() and rest != rest.lower():
        return True  # a capital after the first letter
    return part[0].isupper() and not part.isalpha() and any(char.isdigit() for char in part)


def escape_text(text: str, *, ascii: bool = False) -> str:
    """Plain ``text`` (no math) escaped for LaTeX; non-ASCII converted if ``ascii``."""
    latex = _escape_specials(text)
    return to_latex_chars(latex) if ascii and not latex.isascii() else latex


def _brace_word(match: re.Match[str]) -> str:
    word = match.group()
    return f"{{{word}}}" if needs_case_protection(word) else word


def _protect_words(text: str, *, ascii: bool) -> str:
    # Escaping first is safe: words hold no specials, and the escapes' own
    # macro names (textbackslash, …) are lowercase words that stay unbraced.
    latex = _WORD_RE.sub(_brace_word, _escape_specials(text))
    return to_latex_chars(latex) if ascii and not latex.isascii() else latex


def latex_value(text: str, *, ascii: bool = False, protect_case: bool = False) -> str:
    """A plain-text field as a BibTeX value body (without the outer braces).

    Whitespace is normalised (:func:`normalize`); inline math is kept, braced so
    BibTeX never changes its case; LaTeX specials are escaped elsewhere. With
    ``protect_case`` (titles) words BibTeX styles must not lowercase are braced.
    """
    text = normalize(text)
    if ascii and not text.isascii():
        text = transliterate_unmapped(text)
    if "$" not in text:
        return _protect_words(text, ascii=ascii) if protect_case else escape_text(text, ascii=ascii)
    out: list[str] = []
    for is_math, piece in split_math(text, ascii=ascii):
        if is_math:
            out.append(f"{{${piece}$}}")
        elif protect_case:
            out.append(_protect_words(piece, ascii=ascii))
        else:
            out.append(escape_text(piece, ascii=ascii))
    return "".join(out)


def raw_value(value: str, *, ascii: bool = False) -> str:
    """A field that is already LaTeX (from an imported .bib), made safe to write back.

    Kept as is when its braces balance, else escaped as plain text; in ASCII
    mode its non-ASCII characters are converted.
    """
    value = normalize(value)
    if not braces_balanced(value):
        return latex_value(value, ascii=ascii)
    if ascii and not value.isascii():
        value = to_latex_chars(transliterate_unmapped(value))
    return value


# Characters percent-encoded in URLs: those that would unbalance BibTeX braces,
# end a quoted field or break \url; in ASCII mode also every non-ASCII one.
_URL_ESCAPES = {ord(char): f"%{ord(char):02X}" for char in ' {}\\"<>'}
_URL_ASCII_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


def url_value(url: str, *, ascii: bool = False) -> str:
    """``url`` with spaces, braces, backslashes, quotes (and non-ASCII if ``ascii``) encoded."""
    url = one_line(url).strip().translate(_URL_ESCAPES)
    if ascii and not url.isascii():
        url = quote(url, safe=_URL_ASCII_SAFE)
    return url
