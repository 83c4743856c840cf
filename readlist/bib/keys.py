"""The characters readlist makes citation keys of: ASCII letters, digits and ``_:.+/-``.

Every BibTeX tool takes them, so a key made of them needs no checking. A key read
from a ``.bib`` may hold more (see :func:`readlist.keys.is_valid_key`).
"""

from __future__ import annotations

import re

from anyascii import anyascii

#: The characters of a made key, as a regular-expression character class body.
MADE_KEY_CHARACTERS = "A-Za-z0-9_:.+/-"

#: A whole key of made-key characters only.
MADE_KEY = re.compile(rf"[{MADE_KEY_CHARACTERS}]+")

_NOT_MADE_KEY = re.compile(rf"[^{MADE_KEY_CHARACTERS}]+")


def made_key(text: str) -> str:
    """``text`` transliterated to ASCII with every other character dropped (maybe empty)."""
    return _NOT_MADE_KEY.sub("", text if text.isascii() else anyascii(text))
