"""Splitting personal names into given names, family name (with particles) and suffix."""

from __future__ import annotations

from dataclasses import dataclass

#: Lowercase words that belong to the family name when they precede it (``Jan van den
#: Berg``, ``Maria de la Cruz``); the one list, which the listing importer uses too.
PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "des", "di", "da", "das", "dos",
        "do", "du", "la", "le", "les", "lo", "ter", "ten", "bin", "binti", "bint", "ibn",
        "al", "el", "y", "e", "zu", "af", "av", "st.", "d'", "l'",
    }
)  # fmt: skip

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


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
    if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if len(words) == 1:
        return PersonName("", words[0], suffix)
    start = len(words) - 1
    # Particles are lowercase words right before the last word, after at least one given name.
    while start - 1 >= 1 and words[start - 1].lower() in PARTICLES and words[start - 1].islower():
        start -= 1
    return PersonName(" ".join(words[:start]), " ".join(words[start:]), suffix)
