"""Envelope encryption of the clients' keys under a key-encryption key (KEK).

Each client's own key (the data key) is stored wrapped: AES-256-GCM under the
KEK, bound to the client's id, with the KEK's id beside it. The KEK comes from
the environment, never from the database, so a dump of the database alone
opens nothing. A new KEK re-wraps the data keys; the events and the sealed
data stay as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12
_WRAP_CONTEXT = b"wirkung/client-key/"


class UnknownKeyEncryptionKey(LookupError):
    """A data key is wrapped under a KEK this keyring does not hold."""


@dataclass(frozen=True)
class KeyEncryptionKey:
    """A KEK and its id (derived from the key, so it needs no configuration of its own)."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != 32:
            raise ValueError("a key-encryption key has 32 bytes (base64 of them in the "
                             "environment)")

    @property
    def id(self) -> str:
        return hashlib.sha256(b"wirkung-kek-id/" + self.secret).hexdigest()[:16]

    @classmethod
    def from_text(cls, text: str) -> KeyEncryptionKey:
        """From its base64 text, as `new_key_encryption_key_text` writes it."""
        try:
            secret = base64.b64decode(text.strip(), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("a key-encryption key is base64 of 32 random bytes") from error
        return cls(secret)

    def wrap(self, client_id: UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + AESGCM(self.secret).encrypt(nonce, data_key, _context(client_id))

    def unwrap(self, client_id: UUID, wrapped: bytes) -> bytes:
        return AESGCM(self.secret).decrypt(wrapped[:_NONCE], wrapped[_NONCE:],
                                           _context(client_id))


def new_key_encryption_key_text() -> str:
    """A new random KEK as base64 text, for the environment."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Keyring:
    """The KEK that wraps new keys, and the earlier ones still accepted for unwrapping."""

    current: KeyEncryptionKey
    previous: tuple[KeyEncryptionKey, ...] = ()

    @property
    def by_id(self) -> Mapping[str, KeyEncryptionKey]:
        return {kek.id: kek for kek in (*self.previous, self.current)}

    def wrap(self, client_id: UUID, data_key: bytes) -> tuple[bytes, str]:
        """The wrapped data key and the id of the KEK that wrapped it."""
        return self.current.wrap(client_id, data_key), self.current.id

    def unwrap(self, client_id: UUID, wrapped: bytes, kek_id: str) -> bytes:
        kek = self.by_id.get(kek_id)
        if kek is None:
            raise UnknownKeyEncryptionKey(
                f"a client key is wrapped under key-encryption key {kek_id}, which is not "
                "configured (set it as the previous key-encryption key)")
        return kek.unwrap(client_id, wrapped)


def _context(client_id: UUID) -> bytes:
    return _WRAP_CONTEXT + client_id.bytes
