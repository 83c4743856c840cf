"""One list of name particles, shared by the listing importer and the name splitter."""

from __future__ import annotations

import pytest

from readlist.bib import names
from readlist.bib.names import PARTICLES, split_name
from readlist.importers import listing


def test_the_listing_importer_uses_the_one_particle_list() -> None:
    # The listing's name test moved beside the one list, into readlist.bib.names.
    is_name_piece = vars(listing)["is_name_piece"]  # imported there, not re-exported
    assert is_name_piece is names.is_name_piece
    assert all(is_name_piece(particle) for particle in PARTICLES)


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Jean des Esseintes", "Jean", "des Esseintes"),  # only the listing knew "des"
        ("Ana do Carmo", "Ana", "do Carmo"),
        ("Fatima bint Ahmed", "Fatima", "bint Ahmed"),
        ("Jan van den Berg", "Jan", "van den Berg"),
        ("Guido Van Rossum", "Guido Van", "Rossum"),  # capitalised: not a particle, as in BibTeX
    ],
)
def test_particles_stay_with_the_family_name(name: str, given: str, family: str) -> None:
    parts = split_name(name)
    assert (parts.given, parts.family) == (given, family)
