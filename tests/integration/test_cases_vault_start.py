"""Instances of the cases service starting at once bring the vault's earlier clients up to
date once: each indexed once, and every start succeeds."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from services.cases.key_wrapping import KeyEncryptionKey, Keyring, new_key_encryption_key_text
from services.cases.migrations import prepare_database
from services.cases.personal_data import PersonalData
from services.cases.postgres_vault import PostgresVault

pytestmark = [pytest.mark.integration]

INDEX_KEY = b"k" * 32
KEYRING = Keyring(KeyEncryptionKey.from_text(new_key_encryption_key_text()))
CLIENTS = 300
STARTS = 3


def open_vault(database_url: str, together: threading.Barrier) -> int:
    """A vault opened as a starting instance opens it; the clients it finds by one name."""
    pool = ConnectionPool(database_url, min_size=1, max_size=1, open=True)
    try:
        together.wait()
        vault = PostgresVault(pool, INDEX_KEY, KEYRING)
        return len(vault.find("Erika Früh", date(1971, 4, 9)))
    finally:
        pool.close()


def test_vaults_opening_at_once_index_each_earlier_client_once(database_url: str) -> None:
    prepare_database(database_url)
    pool = ConnectionPool(database_url, min_size=1, max_size=1, open=True)
    try:
        PostgresVault(pool, INDEX_KEY, KEYRING).store_many([
            (uuid.uuid4(), PersonalData(name="Erika Früh", birth_date=date(1971, 4, 9),
                                        address=f"Zwiebelgasse {number}"))
            for number in range(CLIENTS)])
    finally:
        pool.close()
    with psycopg.connect(database_url) as connection:  # as stored before the index existed
        connection.execute("DELETE FROM client_lookup")

    together = threading.Barrier(STARTS)
    with ThreadPoolExecutor(STARTS) as starts:
        found = list(starts.map(lambda _: open_vault(database_url, together), range(STARTS)))

    assert found == [CLIENTS] * STARTS
    with psycopg.connect(database_url) as connection:
        entries = connection.execute("SELECT count(*) FROM client_lookup").fetchone()
    assert entries == (CLIENTS,)
