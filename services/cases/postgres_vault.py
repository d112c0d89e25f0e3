"""The vault in the cases database: wrapped keys, sealed personal data, blind index entries.

`client_keys` holds each client's key wrapped by the key-encryption key (KEK)
whose id stands beside it; an erased client's row keeps no key. Keys stored
before the KEK (unwrapped, without an id) are wrapped when the vault starts.
The tables are made by the service's migrations (`services.cases.migrations`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from services.cases.blind_index import blind_index
from services.cases.key_wrapping import Keyring
from services.cases.locks import CLIENT_CHANGE, advisory_lock
from services.cases.personal_data import (
    SECURE,
    PersonalData,
    PersonalDataErased,
    Randomness,
    decrypt,
    encrypt,
    new_client_key,
)

Connection = psycopg.Connection[Any]
_TABLES = ("client_keys", "client_personal_data", "client_lookup")


def vacuum(pool: ConnectionPool) -> None:
    """Dead rows would still hold old key bytes on disk until vacuumed."""
    try:
        with pool.connection() as connection:
            connection.autocommit = True
            try:
                for table in _TABLES:
                    connection.execute(f"VACUUM {table}")
            finally:
                connection.autocommit = False
    except psycopg.Error:
        pass


def open_key(keyring: Keyring, client_id: UUID, key: bytes, kek_id: str | None) -> bytes:
    """A client's key as stored: unwrapped by its KEK, or as it is if stored before the KEK."""
    if kek_id is None:
        return bytes(key)
    return keyring.unwrap(client_id, bytes(key), kek_id)


def rotate_key_encryption_key(database_url: str, keyring: Keyring, *,
                              batch_size: int = 500) -> int:
    """Re-wrap every client key under `keyring.current`; how many were re-wrapped.

    The keys move batch by batch, each batch committed, so an interrupted run
    leaves every key under the old KEK or the new one, and a second run picks
    up the rest. The events and the sealed data are not touched.
    """
    rewrapped = 0
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            with connection.transaction():
                rows = connection.execute(
                    """SELECT client_id, key, kek_id FROM client_keys
                       WHERE key IS NOT NULL AND kek_id IS DISTINCT FROM %s
                       ORDER BY client_id LIMIT %s FOR UPDATE""",
                    (keyring.current.id, batch_size)).fetchall()
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "UPDATE client_keys SET key = %s, kek_id = %s WHERE client_id = %s",
                        [(*keyring.wrap(client_id, open_key(keyring, client_id, key, kek_id)),
                          client_id) for client_id, key, kek_id in rows])
            rewrapped += len(rows)
            if len(rows) < batch_size:
                break
        for table in _TABLES:
            connection.execute(f"VACUUM {table}")
    return rewrapped


class PostgresVault:
    """Keys, ciphertexts and blind index entries in three tables of the cases database."""

    def __init__(self, pool: ConnectionPool, index_key: bytes, keyring: Keyring, *,
                 randomness: Randomness = SECURE) -> None:
        self.pool = pool
        self._index_key = index_key
        self._keyring = keyring
        self._randomness = randomness
        with self.pool.connection() as connection:
            # Instances starting at once wrap and index each earlier client once, in turn.
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('wirkung_vault'))")
            self._check_every_key_opens(connection)
            wrapped = self._wrap_the_unwrapped(connection)
            self._index_the_unindexed(connection)
        if wrapped:
            vacuum(self.pool)

    def _check_every_key_opens(self, connection: Connection) -> None:
        """Refuse to start under a KEK that cannot open the stored keys (a wrong setting)."""
        rows = connection.execute("SELECT DISTINCT kek_id FROM client_keys "
                                  "WHERE key IS NOT NULL AND kek_id IS NOT NULL").fetchall()
        unknown = sorted({row[0] for row in rows} - set(self._keyring.by_id))
        if unknown:
            raise RuntimeError(
                f"client keys are wrapped under key-encryption key(s) {', '.join(unknown)}, "
                "which are not configured: set the key-encryption key they were wrapped "
                "with (or as the previous one while rotating)")

    def _wrap_the_unwrapped(self, connection: Connection) -> int:
        """Wrap the keys stored before the KEK, under the current one."""
        rows = connection.execute("SELECT client_id, key FROM client_keys "
                                  "WHERE kek_id IS NULL AND key IS NOT NULL FOR UPDATE").fetchall()
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE client_keys SET key = %s, kek_id = %s WHERE client_id = %s",
                               [(*self._keyring.wrap(client_id, bytes(key)), client_id)
                                for client_id, key in rows])
        return len(rows)

    def _index_the_unindexed(self, connection: Connection) -> None:
        """Entries for clients stored before the index existed (each decrypted once, here)."""
        rows = connection.execute(
            """SELECT k.client_id, k.key, k.kek_id, d.sealed FROM client_keys k
               JOIN client_personal_data d USING (client_id)
               LEFT JOIN client_lookup l USING (client_id)
               WHERE l.client_id IS NULL AND k.key IS NOT NULL""").fetchall()
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany("INSERT INTO client_lookup VALUES (%s, %s)", [
                    (client_id, self._entry(decrypt(client_id, self._open(
                        client_id, key, kek_id), bytes(sealed))))
                    for client_id, key, kek_id, sealed in rows])

    def key_to_open(self, client_id: UUID) -> bytes | None:
        with self.pool.connection() as connection:
            row = connection.execute("SELECT key, kek_id FROM client_keys WHERE client_id = %s",
                                     (client_id,)).fetchone()
        if row is None:
            return None
        if row[0] is None:
            raise PersonalDataErased(client_id)
        return self._open(client_id, row[0], row[1])

    def keys_to_open(self, client_ids: Sequence[UUID]) -> dict[UUID, bytes]:
        with self.pool.connection() as connection:
            rows = connection.execute("SELECT client_id, key, kek_id FROM client_keys "
                                      "WHERE client_id = ANY(%s) AND key IS NOT NULL",
                                      (list(client_ids),)).fetchall()
        return {client_id: self._open(client_id, key, kek_id) for client_id, key, kek_id in rows}

    def key_to_seal(self, client_id: UUID) -> bytes:
        key = self.key_to_open(client_id)
        if key is not None:
            return key
        with self.pool.connection() as connection:
            # Two first texts at once: one key wins, both seal with it.
            connection.execute("INSERT INTO client_keys VALUES (%s, %s, %s) "
                               "ON CONFLICT (client_id) DO NOTHING",
                               (client_id, *self._keyring.wrap(
                                   client_id, new_client_key(self._randomness))))
        key = self.key_to_open(client_id)
        if key is None:
            raise PersonalDataErased(client_id)
        return key

    def store(self, client_id: UUID, data: PersonalData) -> None:
        self.store_many([(client_id, data)])

    def store_many(self, items: Sequence[tuple[UUID, PersonalData]]) -> None:
        keys = [(client_id, new_client_key(self._randomness)) for client_id, _ in items]
        with self.pool.connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            self._insert_keys(cursor, keys)
            cursor.executemany("INSERT INTO client_personal_data VALUES (%s, %s)",
                               [(client_id, encrypt(key, client_id, data,
                                                    randomness=self._randomness))
                                for (client_id, key), (_, data) in zip(keys, items,
                                                                       strict=True)])
            cursor.executemany("INSERT INTO client_lookup VALUES (%s, %s)",
                               [(client_id, self._entry(data)) for client_id, data in items])

    def make_keys(self, client_ids: Sequence[UUID]) -> None:
        with self.pool.connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            self._insert_keys(cursor, [(client_id, new_client_key(self._randomness))
                                       for client_id in client_ids])

    def _insert_keys(self, cursor: psycopg.Cursor[Any],
                     keys: Sequence[tuple[UUID, bytes]]) -> None:
        cursor.executemany("INSERT INTO client_keys VALUES (%s, %s, %s)",
                           [(client_id, *self._keyring.wrap(client_id, key))
                            for client_id, key in keys])

    def replace(self, client_id: UUID, data: PersonalData) -> None:
        """New data under the client's key (its texts stay readable); never for an erased
        client (that stays erased)."""
        with self.pool.connection() as connection, connection.transaction():
            row = connection.execute(
                """SELECT k.key, k.kek_id FROM client_keys k JOIN client_personal_data d
                   USING (client_id) WHERE client_id = %s AND k.key IS NOT NULL
                   FOR UPDATE""", (client_id,)).fetchone()
            if row is None:
                raise PersonalDataErased(client_id)
            key = self._open(client_id, row[0], row[1])
            connection.execute("UPDATE client_personal_data SET sealed = %s WHERE client_id = %s",
                               (encrypt(key, client_id, data, randomness=self._randomness),
                                client_id))
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

    def read(self, client_id: UUID) -> PersonalData:
        with self.pool.connection() as connection:
            row = connection.execute(
                """SELECT k.key, k.kek_id, d.sealed FROM client_keys k
                   JOIN client_personal_data d USING (client_id)
                   WHERE client_id = %s AND k.key IS NOT NULL""", (client_id,)).fetchone()
        if row is None:
            raise PersonalDataErased(client_id)
        return decrypt(client_id, self._open(client_id, row[0], row[1]), bytes(row[2]))

    def erase(self, client_id: UUID) -> None:
        """Destroy the key (its row stays, keyless, so that none is made again) and the data."""
        with self.pool.connection() as connection, connection.transaction():
            connection.execute("""INSERT INTO client_keys VALUES (%s, NULL, NULL)
                                  ON CONFLICT (client_id) DO UPDATE
                                  SET key = NULL, kek_id = NULL""", (client_id,))
            connection.execute("DELETE FROM client_personal_data WHERE client_id = %s",
                               (client_id,))
            connection.execute("DELETE FROM client_lookup WHERE client_id = %s", (client_id,))
        vacuum(self.pool)

    def _open(self, client_id: UUID, key: bytes, kek_id: str | None) -> bytes:
        return open_key(self._keyring, client_id, key, kek_id)

    def _entry(self, data: PersonalData) -> bytes:
        return blind_index(self._index_key, data.name, data.birth_date)
