"""Personal data of clients, encrypted apart from the events (crypto-shredding).

Each client has a key of its own (AES-256-GCM). The ciphertext and the key
live in two tables of the cases database, never in an event, never on Kafka.
Erasing a client deletes its key and ciphertext: whatever copy of the
ciphertext remains anywhere is unreadable. Keep the `client_keys` table out
of long-term backups (or back it up separately, with a retention shorter than
the erasure deadline), so that a restored backup cannot revive an erased key.

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
from typing import Any, Protocol
from uuid import UUID

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

from services.cases.blind_index import blind_index
from services.cases.locks import CLIENT_CHANGE, advisory_lock


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
    def store(self, client_id: UUID, data: PersonalData) -> None: ...
    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None: ...
    def read(self, client_id: UUID) -> PersonalData: ...
    def erase(self, client_id: UUID) -> None: ...
    def replace(self, client_id: UUID, data: PersonalData) -> None: ...
    def find(self, name: str, birth_date: date) -> list[UUID]: ...
    def changing(self, client_id: UUID) -> AbstractContextManager[None]: ...


def _encrypt(client_id: UUID, data: PersonalData) -> tuple[bytes, bytes]:
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    return key, nonce + AESGCM(key).encrypt(nonce, data.to_json(), client_id.bytes)


def _decrypt(client_id: UUID, key: bytes, sealed: bytes) -> PersonalData:
    nonce, ciphertext = sealed[:12], sealed[12:]
    return PersonalData.from_json(AESGCM(key).decrypt(nonce, ciphertext, client_id.bytes))


class MemoryVault:
    """For tests on the in-memory event store."""

    def __init__(self, index_key: bytes | None = None) -> None:
        self._keys: dict[UUID, bytes] = {}
        self._sealed: dict[UUID, bytes] = {}
        self._entries: dict[UUID, bytes] = {}
        self._index_key = index_key or secrets.token_bytes(32)
        self._locks: defaultdict[UUID, threading.Lock] = defaultdict(threading.Lock)

    def store(self, client_id: UUID, data: PersonalData) -> None:
        self._keys[client_id], self._sealed[client_id] = _encrypt(client_id, data)
        self._entries[client_id] = blind_index(self._index_key, data.name, data.birth_date)

    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None:
        for client_id, data in items:
            self.store(client_id, data)

    def read(self, client_id: UUID) -> PersonalData:
        if client_id not in self._keys:
            raise PersonalDataErased(client_id)
        return _decrypt(client_id, self._keys[client_id], self._sealed[client_id])

    def erase(self, client_id: UUID) -> None:
        self._keys.pop(client_id, None)
        self._sealed.pop(client_id, None)
        self._entries.pop(client_id, None)

    def replace(self, client_id: UUID, data: PersonalData) -> None:
        if client_id not in self._keys:
            raise PersonalDataErased(client_id)
        self.store(client_id, data)

    def find(self, name: str, birth_date: date) -> list[UUID]:
        entry = blind_index(self._index_key, name, birth_date)
        return [client_id for client_id, found in self._entries.items() if found == entry]

    @contextmanager
    def changing(self, client_id: UUID) -> Iterator[None]:
        with self._locks[client_id]:
            yield


class PostgresVault:
    """Keys, ciphertexts and blind index entries in three tables of the cases database."""

    def __init__(self, pool: ConnectionPool, index_key: bytes) -> None:
        self.pool = pool
        self._index_key = index_key
        with self.pool.connection() as connection:
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('wirkung_vault'))")
            connection.execute("""CREATE TABLE IF NOT EXISTS client_keys (
                                      client_id uuid PRIMARY KEY, key bytea NOT NULL)""")
            connection.execute("""CREATE TABLE IF NOT EXISTS client_personal_data (
                                      client_id uuid PRIMARY KEY, sealed bytea NOT NULL)""")
            connection.execute("""CREATE TABLE IF NOT EXISTS client_lookup (
                                      client_id uuid PRIMARY KEY, entry bytea NOT NULL)""")
            connection.execute(
                "CREATE INDEX IF NOT EXISTS client_lookup_entry ON client_lookup (entry)")
            self._index_the_unindexed(connection)

    def _index_the_unindexed(self, connection: psycopg.Connection[Any]) -> None:
        """Entries for clients stored before the index existed (each decrypted once, here)."""
        rows = connection.execute(
            """SELECT k.client_id, k.key, d.sealed FROM client_keys k
               JOIN client_personal_data d USING (client_id)
               LEFT JOIN client_lookup l USING (client_id) WHERE l.client_id IS NULL""").fetchall()
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany("INSERT INTO client_lookup VALUES (%s, %s)", [
                    (client_id, self._entry(_decrypt(client_id, bytes(key), bytes(sealed))))
                    for client_id, key, sealed in rows])

    def store(self, client_id: UUID, data: PersonalData) -> None:
        self.store_many([(client_id, data)])

    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None:
        sealed = [(client_id, *_encrypt(client_id, data)) for client_id, data in items]
        with self.pool.connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            cursor.executemany("INSERT INTO client_keys VALUES (%s, %s)",
                               [(client_id, key) for client_id, key, _ in sealed])
            cursor.executemany("INSERT INTO client_personal_data VALUES (%s, %s)",
                               [(client_id, box) for client_id, _, box in sealed])
            cursor.executemany("INSERT INTO client_lookup VALUES (%s, %s)",
                               [(client_id, self._entry(data)) for client_id, data in items])

    def replace(self, client_id: UUID, data: PersonalData) -> None:
        """New data under a new key; never for an erased client (that stays erased)."""
        key, box = _encrypt(client_id, data)
        with self.pool.connection() as connection, connection.transaction():
            replaced = connection.execute("UPDATE client_keys SET key = %s WHERE client_id = %s",
                                          (key, client_id)).rowcount
            if replaced == 0:
                raise PersonalDataErased(client_id)
            connection.execute("UPDATE client_personal_data SET sealed = %s WHERE client_id = %s",
                               (box, client_id))
            connection.execute(
                """INSERT INTO client_lookup VALUES (%s, %s)
                   ON CONFLICT (client_id) DO UPDATE SET entry = EXCLUDED.entry""",
                (client_id, self._entry(data)))

    def find(self, name: str, birth_date: date) -> list[UUID]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT client_id FROM client_lookup WHERE entry = %s ORDER BY client_id",
                (blind_index(self._index_key, name, birth_date),)).fetchall()
        return [row[0] for row in rows]

    @contextmanager
    def changing(self, client_id: UUID) -> Iterator[None]:
        """One change of a client's personal data at a time, across instances of the service."""
        with advisory_lock(self.pool, str(client_id), CLIENT_CHANGE):
            yield

    def _entry(self, data: PersonalData) -> bytes:
        return blind_index(self._index_key, data.name, data.birth_date)

    def read(self, client_id: UUID) -> PersonalData:
        with self.pool.connection() as connection:
            row = connection.execute(
                """SELECT k.key, d.sealed FROM client_keys k
                   JOIN client_personal_data d USING (client_id) WHERE client_id = %s""",
                (client_id,)).fetchone()
        if row is None:
            raise PersonalDataErased(client_id)
        return _decrypt(client_id, bytes(row[0]), bytes(row[1]))

    def erase(self, client_id: UUID) -> None:
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("DELETE FROM client_keys WHERE client_id = %s", (client_id,))
            connection.execute("DELETE FROM client_personal_data WHERE client_id = %s",
                               (client_id,))
            connection.execute("DELETE FROM client_lookup WHERE client_id = %s", (client_id,))
        try:
            with self.pool.connection() as connection:
                connection.autocommit = True
                try:
                    # Dead rows would still hold the key bytes on disk until vacuumed.
                    connection.execute("VACUUM client_keys")
                    connection.execute("VACUUM client_personal_data")
                    connection.execute("VACUUM client_lookup")
                finally:
                    connection.autocommit = False
        except psycopg.Error:
            pass
