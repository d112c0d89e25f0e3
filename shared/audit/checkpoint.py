"""Signed checkpoints: (service, position, chain hash, time), signed with Ed25519.

A municipality prints the public keys, and from time to time a checkpoint, in
its committee minutes; whoever runs the database cannot sign a new chain.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


@dataclass(frozen=True)
class Checkpoint:
    service: str
    position: int
    chain_hash: bytes
    signed_at: datetime
    signature: bytes = b""

    def message(self) -> bytes:
        """The bytes that are signed: canonical JSON of everything but the signature."""
        return json.dumps({"service": self.service, "position": self.position,
                           "chain_hash": self.chain_hash.hex(),
                           "signed_at": self.signed_at.isoformat()},
                          sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: Ed25519PrivateKey) -> Checkpoint:
        return Checkpoint(self.service, self.position, self.chain_hash, self.signed_at,
                          key.sign(self.message()))

    def is_signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(self.signature, self.message())
        except InvalidSignature:
            return False
        return True


def private_key(text: str) -> Ed25519PrivateKey:
    """A signing key from its base64 text (32 raw bytes), as the settings hold it."""
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def new_private_key_text() -> str:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                                     NoEncryption())
    return base64.b64encode(raw).decode()


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()
