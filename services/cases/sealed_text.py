"""Free text a caseworker writes about a person, sealed with the client's own key.

A sealed text is `sealed:v1:` and base64 of a nonce and the AES-256-GCM
ciphertext, bound to the client's id: it is what the event store holds in
place of an assessment, a goal, a note or a reason. Blank text is left as it
is (there is nothing in it to protect, and the rules that a text be written
out still see it). Once the client's key is destroyed, every text of the
client reads as `ERASED_TEXT`.
"""

from __future__ import annotations

import base64
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.cases.personal_data import SECURE, Randomness

SEALED = "sealed:v1:"
ERASED_TEXT = "[gelöscht]"
# What an auditor reads in place of a caseworker's text: auditors see clients only as
# pseudonyms, and the notes are about the person.
WITHHELD_TEXT = "[nicht für die Prüfung]"


def withheld(text: str) -> str:
    """The text as an auditor reads it: the marker (blank text as it is)."""
    return text if not text.strip() else WITHHELD_TEXT
_NONCE = 12
_CONTEXT = b"wirkung/case-text/"


def is_sealed(text: str) -> bool:
    return text.startswith(SEALED)


def seal(key: bytes, client_id: UUID, text: str, *, randomness: Randomness = SECURE) -> str:
    """The text sealed under the client's key (blank text and sealed text as they are)."""
    if not text.strip() or is_sealed(text):
        return text
    nonce = randomness.nonce()
    box = nonce + AESGCM(key).encrypt(nonce, text.encode(), _CONTEXT + client_id.bytes)
    return SEALED + base64.b64encode(box).decode()


def unseal(key: bytes | None, client_id: UUID, text: str, *, erased: bool = False) -> str:
    """The text as written; `ERASED_TEXT` once the key is gone.

    Text stored before sealing began is plain and reads as it is, until the
    client is erased.
    """
    if not text.strip():
        return text
    if erased:
        return ERASED_TEXT
    if not is_sealed(text):
        return text
    if key is None:
        raise ValueError(f"a sealed text of client {client_id} without the client's key")
    box = base64.b64decode(text[len(SEALED):])
    return AESGCM(key).decrypt(box[:_NONCE], box[_NONCE:], _CONTEXT + client_id.bytes).decode()
