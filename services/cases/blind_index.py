"""A keyed blind index of a client's name and birth date: find a person without decrypting.

An entry is HMAC-SHA256 over the normalised name and the birth date, under a
key that lives outside the database (the environment). A copy of the database
alone reveals nothing and cannot be tested against guessed names and dates.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date

# Umlauts written out, as people and older registers write them; ß becomes "ss" by casefold.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
MIN_KEY_LENGTH = 32


def normalised_name(name: str) -> str:
    """The name as the index compares it: "MÜLLER ", "Müller" and "Mueller" alike."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.translate(_UMLAUTS).split())


def blind_index(key: bytes, name: str, birth_date: date) -> bytes:
    """The index entry of a person; the same person (as normalised) gives the same entry."""
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"a blind index key needs at least {MIN_KEY_LENGTH} bytes")
    message = f"{normalised_name(name)}\x1f{birth_date.isoformat()}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()
