"""The blind index finds a person by name and birth date however the name is written."""

from __future__ import annotations

import secrets
from datetime import date

import pytest

from services.cases.blind_index import blind_index, normalised_name

KEY = secrets.token_bytes(32)
BORN = date(1970, 1, 2)


@pytest.mark.parametrize("written", ["Müller", "Mueller", "MÜLLER ", "  müller", "Mu\u0308ller",
                                     "ｍüｌｌｅｒ"])
def test_spellings_of_a_name_meet(written: str) -> None:
    assert normalised_name(written) == "mueller"
    assert blind_index(KEY, written, BORN) == blind_index(KEY, "Müller", BORN)


def test_sharp_s_whitespace_and_case_are_folded() -> None:
    assert normalised_name("Jürgen  GROẞE\tStraße") == "juergen grosse strasse"
    assert normalised_name("Öztürk Ärmel") == "oeztuerk aermel"


def test_another_birth_date_another_name_or_another_key_gives_another_entry() -> None:
    entry = blind_index(KEY, "Erika Mustermann", BORN)

    assert blind_index(KEY, "Erika Mustermann", date(1970, 1, 3)) != entry
    assert blind_index(KEY, "Erika Musterfrau", BORN) != entry
    assert blind_index(secrets.token_bytes(32), "Erika Mustermann", BORN) != entry
    assert len(entry) == 32
    assert b"mustermann" not in entry.lower()


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        blind_index(b"kurz", "Erika", BORN)
