"""Person names: the one particle and suffix lists, splitting a name, telling a name from words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Lowercase words that belong to the family name when they precede it (``Jan van den
#: Berg``, ``Maria de la Cruz``, ``Ana dos Santos``); the one list.
PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "des", "di", "da", "das", "dos",
        "do", "du", "la", "le", "les", "lo", "ter", "ten", "bin", "binti", "bint", "ibn",
        "al", "el", "y", "e", "zu", "af", "av", "st.", "d'", "l'",
    }
)  # fmt: skip

#: Name suffixes that may follow the family name, with or without a comma.
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})

# Family-name prefixes written with an inner capital: McCarthy, MacDonald, DeShawn, LeCun.
_CAMEL_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "Fitz", "Del")
# Lowercase prefixes joined by a hyphen: al-Rashid, el-Sayed.
_HYPHEN_PARTICLES = ("al-", "el-", "ul-", "bin-", "ibn-")
_APOSTROPHES = "'’ʼ"
_HYPHENS = "-‐‑"

# Token shapes: A = uppercase letter, a = lowercase letter (or combining mark),
# ' = apostrophe, - = hyphen, . = full stop, ? = anything else.
_SEGMENT = r"(?:[Aa]')?Aa+(?:'a+)*"
_NAME_WORD = re.compile(rf"{_SEGMENT}(?:-(?:{_SEGMENT}|a+))*")
_INITIAL = re.compile(r"A\.(?:-?A\.)*|A|Aa\.")
#: The suffixes in lowercase, for reading names written in any case.
LOWER_SUFFIXES = frozenset(suffix.lower() for suffix in SUFFIXES)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name in parts: ``given`` names, ``family`` name with its particles, ``suffix``."""

    given: str
    family: str
    suffix: str = ""

    @property
    def particle(self) -> str:
        """The lowercase particles that open the family name (``van den``), if any."""
        words = self.family.split()
        lead = []
        for word in words[:-1]:
            if word.lower() not in PARTICLES:
                break
            lead.append(word)
        return " ".join(lead)

    @property
    def family_core(self) -> str:
        """The family name without its leading particles (``Berg`` for ``van den Berg``)."""
        particle = self.particle
        return self.family[len(particle) :].strip() if particle else self.family


def split_name(full_name: str) -> PersonName:
    """Split a display-order name (``Jan van den Berg``, ``Martin Luther King Jr.``).

    The family name is the last word together with any lowercase particles
    right before it; a trailing ``Jr.``/``III`` is the suffix. A one-word name
    is all family name.
    """
    words = full_name.split()
    if not words:
        return PersonName("", "")
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in LOWER_SUFFIXES:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if len(words) == 1:
        return PersonName("", words[0], suffix)
    start = len(words) - 1
    # Particles are lowercase words right before the last word, after at least one given name.
    while start - 1 >= 1 and words[start - 1].lower() in PARTICLES and words[start - 1].islower():
        start -= 1
    return PersonName(" ".join(words[:start]), " ".join(words[start:]), suffix)


# -- telling a person's name from other words (the listing importer splits on it) --


def _char_shape(char: str) -> str:
    """The shape letter of one character (see the shape alphabet above)."""
    if char.isupper() or char.istitle():
        return "A"
    if char.islower() or unicodedata.category(char) in ("Mn", "Mc"):
        return "a"
    if char in _APOSTROPHES:
        return "'"
    if char in _HYPHENS:
        return "-"
    if char == ".":
        return "."
    return "?"


class _ShapeTable(dict[int, str]):
    """A ``str.translate`` table from code point to shape letter, filled as characters come."""

    #: Code points remembered at most, so hostile text cannot grow the table without end.
    LIMIT = 1 << 14

    def __missing__(self, code: int) -> str:
        shape = _char_shape(chr(code))
        if len(self) < self.LIMIT:
            self[code] = shape
        return shape


_SHAPES = _ShapeTable()
_HYPHEN_SPLIT = re.compile(f"[{_HYPHENS}]")


@lru_cache(maxsize=1 << 16)  # a token is shaped for both the name-word and the initial test
def _shape(token: str) -> str:
    """``token`` reduced to letter classes (see the shape alphabet above)."""
    shape = token.translate(_SHAPES)  # one C-level pass instead of a Python loop per character
    if "A" not in shape[1:]:
        return shape  # no inner capital: nothing for the prefix rule below to do
    # An inner capital after a known prefix does not start a new word: McCarthy.
    start = 0
    for segment in _HYPHEN_SPLIT.split(token):
        if segment.startswith(_CAMEL_PREFIXES):
            for prefix in _CAMEL_PREFIXES:
                end = start + len(prefix)
                if segment.startswith(prefix) and shape[end : end + 1] == "A":
                    if len(segment) > len(prefix) + 1:
                        shape = shape[:end] + "a" + shape[end + 1 :]
                    break
        start += len(segment) + 1
    return shape


@lru_cache(maxsize=1 << 16)  # names repeat across a listing; tokens are tried many times
def is_name_word(token: str) -> bool:
    """A capitalised name word: ``Smith``, ``Marie-Julie``, ``O'Brien``, ``McCarthy``."""
    for prefix in _HYPHEN_PARTICLES:
        if token.startswith(prefix) and len(token) > len(prefix):
            token = token[len(prefix) :]
            break
    return _NAME_WORD.fullmatch(_shape(token)) is not None


@lru_cache(maxsize=1 << 16)
def is_initial(token: str) -> bool:
    """An initial: ``J.``, ``J``, ``J.K.``, ``J.-P.``, ``Ch.``."""
    return _INITIAL.fullmatch(_shape(token)) is not None


def is_person_name(tokens: list[str]) -> bool:
    """Whether ``tokens`` read as one person's name in display order.

    2–5 given/family words or initials, lowercase particles allowed between
    them, the last one a capitalised family-name word, optionally followed by a
    suffix (``Jr.``, ``III``).
    """
    if len(tokens) > 2 and tokens[-1] in SUFFIXES and _is_core_name(tokens[:-1]):
        return True
    return _is_core_name(tokens)


def _is_core_name(core: list[str]) -> bool:
    """Whether ``core`` is a name without suffix: words, initials and particles."""
    if not 2 <= len(core) <= 8:
        return False
    if not (is_name_word(core[0]) or is_initial(core[0])) or not is_name_word(core[-1]):
        return False
    words = 2
    for token in core[1:-1]:
        if token in PARTICLES:
            continue
        if not (is_name_word(token) or is_initial(token)):
            return False
        words += 1
    return words <= 5


@lru_cache(maxsize=1 << 16)  # the same people come back paper after paper
def is_person_name_text(name: str) -> bool:
    """:func:`is_person_name` for the words of ``name``, which are joined by single spaces."""
    return is_person_name(name.split(" "))


@lru_cache(maxsize=1 << 16)
def is_name_piece(piece: str) -> bool:
    """Whether ``piece`` may stand in a name: a name word, initial, particle or suffix."""
    return is_name_word(piece) or is_initial(piece) or piece in PARTICLES or piece in SUFFIXES
