"""Personal data of clients, encrypted apart from the events (crypto-shredding).

Each client has a key of its own (AES-256-GCM). It seals the person's name,
birth date and address, kept in a table beside the key, and every free text a
caseworker writes about the person, kept sealed in the events
(`sealed_text`). Keys are stored wrapped by a key-encryption key from the
environment (`key_wrapping`), never in an event, never on Kafka. Erasing a
client destroys its key and deletes its sealed data: whatever copy of a
ciphertext remains anywhere, backups included, is unreadable. The erased key's
row stays as a marker (without the key), so no new key is ever made for the
person.

A backup holds the wrapped keys of its day: with the KEK of that day, it would
open a client erased since. So an erasure reaches old backups only once the KEK
they were made under is rotated away and destroyed, or when `client_keys` is
kept out of long-term backups (or backed up apart, kept shorter than the
erasure deadline).

Beside them, each client's blind index entry (see `blind_index`) finds the
person by name and birth date without decrypting anyone; it is written and
erased with the ciphertext.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.cases.blind_index import blind_index


@dataclass(frozen=True)
class PersonalData:
    """What identifies a person; only ever stored encrypted."""

    name: str
    birth_date: date
    address: str
    gender: str | None = None

    def to_json(self) -> bytes:
        return json.dumps({**asdict(self), "birth_date": self.birth_date.isoformat()}).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> PersonalData:
        data = json.loads(raw)
        return cls(name=data["name"], birth_date=date.fromisoformat(data["birth_date"]),
                   address=data["address"], gender=data.get("gender"))


class PersonalDataErased(LookupError):
    """The client's key was destroyed; the data can never be read again."""


class Vault(Protocol):
    """Where the clients' keys and sealed personal data are kept."""

    def key_to_seal(self, client_id: UUID) -> bytes:
        """The client's key, made now if it has none; PersonalDataErased once erased."""
        ...

    def key_to_open(self, client_id: UUID) -> bytes | None:
        """The client's key, None if it never had one; PersonalDataErased once erased."""
        ...

    def keys_to_open(self, client_ids: Sequence[UUID]) -> dict[UUID, bytes]:
        """The keys of those of the clients that have one (in one go, for a bulk save)."""
        ...

    def store(self, client_id: UUID, data: PersonalData) -> None: ...
    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None: ...

    def make_keys(self, client_ids: Sequence[UUID]) -> None:
        """Keys for new clients whose personal data is kept elsewhere (an import's)."""
        ...

    def read(self, client_id: UUID) -> PersonalData: ...
    def erase(self, client_id: UUID) -> None: ...
    def replace(self, client_id: UUID, data: PersonalData) -> None: ...
    def find(self, name: str, birth_date: date) -> list[UUID]: ...
    def changing(self, client_id: UUID) -> AbstractContextManager[None]: ...


class Randomness:
    """Where new client keys and nonces come from: the operating system's generator.

    Only the simulation passes another (drawn from its seed, so that a seed stores the same
    bytes: `wirkung simulate`); its keys are as secret as its seed.
    """

    def key(self) -> bytes:
        """A new client key (AES-256)."""
        return AESGCM.generate_key(bit_length=256)

    def nonce(self) -> bytes:
        """A new nonce for AES-GCM (12 bytes)."""
        return os.urandom(12)


SECURE = Randomness()


def new_client_key(randomness: Randomness = SECURE) -> bytes:
    return randomness.key()


def encrypt(key: bytes, client_id: UUID, data: PersonalData, *,
            randomness: Randomness = SECURE) -> bytes:
    nonce = randomness.nonce()
    return nonce + AESGCM(key).encrypt(nonce, data.to_json(), client_id.bytes)


def decrypt(client_id: UUID, key: bytes, sealed: bytes) -> PersonalData:
    nonce, ciphertext = sealed[:12], sealed[12:]
    return PersonalData.from_json(AESGCM(key).decrypt(nonce, ciphertext, client_id.bytes))


class MemoryVault:
    """For tests on the in-memory event store (its keys are not wrapped)."""

    def __init__(self, index_key: bytes | None = None, *,
                 randomness: Randomness = SECURE) -> None:
        self._randomness = randomness
        self._keys: dict[UUID, bytes] = {}
        self._erased: set[UUID] = set()
        self._sealed: dict[UUID, bytes] = {}
        self._entries: dict[UUID, bytes] = {}
        self._index_key = index_key or secrets.token_bytes(32)
        self._locks: defaultdict[UUID, threading.Lock] = defaultdict(threading.Lock)

    def key_to_seal(self, client_id: UUID) -> bytes:
        key = self.key_to_open(client_id)
        if key is None:
            key = self._keys[client_id] = new_client_key(self._randomness)
        return key

    def key_to_open(self, client_id: UUID) -> bytes | None:
        if client_id in self._erased:
            raise PersonalDataErased(client_id)
        return self._keys.get(client_id)

    def keys_to_open(self, client_ids: Sequence[UUID]) -> dict[UUID, bytes]:
        return {client_id: self._keys[client_id] for client_id in client_ids
                if client_id in self._keys}

    def store(self, client_id: UUID, data: PersonalData) -> None:
        self._sealed[client_id] = encrypt(self.key_to_seal(client_id), client_id, data,
                                          randomness=self._randomness)
        self._entries[client_id] = blind_index(self._index_key, data.name, data.birth_date)

    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None:
        for client_id, data in items:
            self.store(client_id, data)

    def make_keys(self, client_ids: Sequence[UUID]) -> None:
        for client_id in client_ids:
            self.key_to_seal(client_id)

    def read(self, client_id: UUID) -> PersonalData:
        key = self.key_to_open(client_id)
        if key is None or client_id not in self._sealed:
            raise PersonalDataErased(client_id)
        return decrypt(client_id, key, self._sealed[client_id])

    def erase(self, client_id: UUID) -> None:
        self._keys.pop(client_id, None)
        self._erased.add(client_id)
        self._sealed.pop(client_id, None)
        self._entries.pop(client_id, None)

    def replace(self, client_id: UUID, data: PersonalData) -> None:
        if client_id not in self._sealed:
            raise PersonalDataErased(client_id)
        self.store(client_id, data)

    def find(self, name: str, birth_date: date) -> list[UUID]:
        entry = blind_index(self._index_key, name, birth_date)
        return [client_id for client_id, found in self._entries.items() if found == entry]

    @contextmanager
    def changing(self, client_id: UUID) -> Iterator[None]:
        with self._locks[client_id]:
            yield
