"""BibTeX person names: an ``author`` field split into names, one name in display order."""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from readlist.bib.latex import latex_to_text
from readlist.text import one_line

#: A backslash and the character it escapes, a brace, or `` and `` between names
#: (any case, any run of BibTeX's whitespace around it). The `` and `` starts only at
#: the first blank of a run: tried from every blank, a long run would cost O(n²).
_NAME_TOKEN = re.compile(r"\\(?s:.)?|[{}]|(?<![ \t\n\r])[ \t\n\r]++[aA][nN][dD][ \t\n\r]++")


def split_names(raw: str) -> list[str]:
    """The names in an ``author`` field: bibtexparser's ``split_multiple_persons_names``.

    Its character-by-character loop is the slow part of reading authors; this gives
    the same result with one regex scan. An `` and `` separates only outside braces,
    and not when a ``}`` follows it. A backslash outside braces (rare) is left to
    bibtexparser, whose handling of it is subtle.
    """
    names = raw.strip(" \t\n\r")
    if not names:
        return []
    parts: list[str] = []
    start = depth = 0
    for token in _NAME_TOKEN.finditer(names):
        text = token.group()
        if text[0] == "\\":
            if depth == 0:
                return split_multiple_persons_names(raw)
        elif text == "{":
            depth += 1
        elif text == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and names[token.end()] != "}":
            parts.append(names[start : token.start()])
            start = token.end()
    parts.append(names[start:])
    return parts


@lru_cache(maxsize=1 << 16)  # a bibliography names the same people again and again
def display_name(name: str) -> str:
    r"""One BibTeX name (``M{\"u}ller, Zo{\"e}``) in display order as text (``Zoë Müller``)."""
    parts = parse_single_name_into_parts(name, strict=False)
    words = [*parts.first, *parts.von, *parts.last, *parts.jr]
    display = one_line(latex_to_text(" ".join(words)))
    # A name that is all macro (``\Thanh``, defined in the file's preamble) decodes to
    # nothing; its macro names are the best reading of it.
    return display or one_line(" ".join(re.findall(r"[^\W\d_]+", name)))
