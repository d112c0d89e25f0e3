"""The clients' keys in the cases database only wrapped by the key-encryption key (KEK): keys
from before the KEK are wrapped at start, a rotation re-wraps every key without touching an
event, an interrupted rotation runs again, and a vault under a KEK that opens no key stops."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from services.cases.application import (
    Cases,
    CasesParts,
    PersonalDataGone,
    PseudonymousClient,
    RegisteredClient,
)
from services.cases.domain import Case
from services.cases.key_wrapping import (
    KeyEncryptionKey,
    Keyring,
    UnknownKeyEncryptionKey,
    new_key_encryption_key_text,
)
from services.cases.migrations import prepare_database
from services.cases.personal_data import PersonalData
from services.cases.postgres_vault import PostgresVault, rotate_key_encryption_key
from services.cases.sealed_text import ERASED_TEXT
from shared.access_log import MemoryAccessLog
from shared.embedded.postgres import _binaries
from shared.eventstore import event_store_environment
from tests.cases.fakes import FakeAgreements, FakeIndex
from tests.cases.test_application import DAY, DPO, NORD
from tests.support import Infrastructure
from wirkung.stores import event_store

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
INDEX_KEY = b"k" * 32
OLD, NEW = (KeyEncryptionKey.from_text(new_key_encryption_key_text()) for _ in range(2))
SUMMARY = "Alkoholabhängigkeit der Mutter"
ERIKA = PersonalData(name="Erika Quastenflosser", birth_date=date(1971, 4, 9),
                     address="Zwiebelgasse 3")


@contextmanager
def cases_on(url: str, keyring: Keyring) -> Iterator[Cases]:
    """The cases application on the database's event store and vault (fakes for the rest)."""
    prepare_database(url)
    pool = ConnectionPool(url, min_size=1, max_size=4, open=True)
    try:
        vault = PostgresVault(pool, INDEX_KEY, keyring)
    except BaseException:
        pool.close()
        raise
    cases = Cases(env=event_store_environment(url), parts=CasesParts(
        vault=vault, access_log=MemoryAccessLog(), agreements=FakeAgreements(),
        index=FakeIndex(), closers=[pool.close]))
    try:
        yield cases
    finally:
        cases.close()


@dataclass(frozen=True)
class Recorded:
    client_id: UUID
    case_id: UUID
    erased_id: UUID
    pseudonymous_case_id: UUID


def record(url: str, keyring: Keyring) -> Recorded:
    """A registered client with an assessed case, an erased one, and a case of a client known
    only by pseudonym, each with its key."""
    with cases_on(url, keyring) as cases:
        client_id, erased_id = (cases.register_client(
            personal_data=ERIKA, gender_category=None, caller=NORD, occurred_on=DAY,
            register_anyway=True).id for _ in range(2))
        case_ids = [cases.open_case(client=client, field_of_action="gesundheit",
                                    target_groups=[], district="Nord", legal_basis="SGB V §20",
                                    caller=NORD, occurred_on=DAY).id
                    for client in (RegisteredClient(client_id), RegisteredClient(erased_id),
                                   PseudonymousClient("p-extern-7", "27-44"))]
        for case_id in case_ids:
            cases.assess(case_id, summary=SUMMARY, caller=NORD, occurred_on=DAY)
        cases.erase_personal_data(erased_id, caller=DPO, occurred_on=DAY)
    return Recorded(client_id, case_ids[0], erased_id, case_ids[2])


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def keys(url: str) -> dict[UUID, tuple[bytes | None, str | None]]:
    return {client_id: (None if key is None else bytes(key), kek_id)
            for client_id, key, kek_id in rows(url, "SELECT client_id, key, kek_id "
                                                    "FROM client_keys")}


def events(url: str) -> list[tuple[Any, ...]]:
    return rows(url, "SELECT notification_id, originator_id, originator_version, topic, state "
                     "FROM cases_events ORDER BY notification_id")


def reads_everything(url: str, keyring: Keyring, recorded: Recorded) -> None:
    with cases_on(url, keyring) as cases:
        assert cases.parts.vault.read(recorded.client_id) == ERIKA
        for case_id in (recorded.case_id, recorded.pseudonymous_case_id):
            assert cases.details(cases.repository.get(case_id)).assessment_summary == SUMMARY


def dump(infrastructure: Infrastructure, url: str) -> bytes:
    name = urlsplit(url).path.lstrip("/")
    if infrastructure.postgres is not None:
        return infrastructure.postgres.pg_dump(name).encode()
    return subprocess.run([str(_binaries() / "pg_dump"), url], capture_output=True,
                          check=True).stdout


def test_each_key_is_stored_wrapped_beside_its_keks_id_and_the_erased_one_not_at_all(
        infrastructure: Infrastructure, database_url: str) -> None:
    recorded = record(database_url, Keyring(OLD))

    stored = keys(database_url)
    backup = dump(infrastructure, database_url)

    assert stored[recorded.erased_id] == (None, None)
    live = {client_id: value for client_id, value in stored.items() if value[0] is not None}
    assert len(live) == 2
    assert {kek_id for _, kek_id in live.values()} == {OLD.id}
    for client_id, (wrapped, _) in live.items():
        assert wrapped is not None
        assert wrapped.hex().encode() in backup
        assert OLD.unwrap(client_id, wrapped).hex().encode() not in backup
    assert SUMMARY.encode() not in backup
    assert b"Quastenflosser" not in backup


def test_keys_stored_before_the_kek_are_wrapped_when_the_vault_starts(
        database_url: str) -> None:
    recorded = record(database_url, Keyring(OLD))
    with psycopg.connect(database_url) as connection:  # as an earlier release stored them
        for client_id, (wrapped, kek_id) in keys(database_url).items():
            if wrapped is not None and kek_id is not None:
                connection.execute("UPDATE client_keys SET key = %s, kek_id = NULL "
                                   "WHERE client_id = %s",
                                   (OLD.unwrap(client_id, wrapped), client_id))

    reads_everything(database_url, Keyring(NEW), recorded)

    assert {kek_id for wrapped, kek_id in keys(database_url).values()
            if wrapped is not None} == {NEW.id}


def test_a_client_erased_before_the_vault_kept_erased_keys_stays_erased(
        database_url: str) -> None:
    with cases_on(database_url, Keyring(OLD)) as cases:
        client_id = cases.register_client(personal_data=ERIKA, gender_category=None,
                                          caller=NORD, occurred_on=DAY).id
        pseudonym = cases.client_aggregate(client_id).pseudonym  # type: ignore[union-attr]
        cases.erase_personal_data(client_id, caller=DPO, occurred_on=DAY)
    earlier = event_store("cases", database_url)  # a case as an earlier release stored it
    case = Case(client_pseudonym=pseudonym, field_of_action="jugend", target_groups=[],
                district="Nord", team="asd-nord", legal_basis="SGB VIII §27", age_band="45-64",
                actor="cw-1", occurred_on=DAY)
    case.assess(summary=SUMMARY, actor="cw-1", occurred_on=DAY)
    earlier.save(case)
    earlier.close()
    with psycopg.connect(database_url) as connection:  # and erased a key: its row deleted
        connection.execute("DELETE FROM client_keys")

    with cases_on(database_url, Keyring(OLD)) as cases:
        shown = cases.details(cases.repository.get(case.id)).assessment_summary
        with pytest.raises(PersonalDataGone):
            cases.assess(case.id, summary="nach der Löschung", caller=NORD, occurred_on=DAY)

    assert shown == ERASED_TEXT
    assert keys(database_url) == {}  # no key made anew for the erased person


class Interrupted(Exception):
    pass


@dataclass(frozen=True)
class FailingAfter(Keyring):
    """A keyring whose wrapping fails after a number of keys, like a rotation cut short."""

    budget: list[int] | None = None

    def wrap(self, client_id: UUID, data_key: bytes) -> tuple[bytes, str]:
        assert self.budget is not None
        if not self.budget[0]:
            raise Interrupted
        self.budget[0] -= 1
        return super().wrap(client_id, data_key)


def test_a_rotation_rewraps_every_key_without_an_event_and_reruns_after_an_interruption(
        database_url: str) -> None:
    recorded = record(database_url, Keyring(OLD))
    before = events(database_url)

    with pytest.raises(Interrupted):
        rotate_key_encryption_key(database_url, FailingAfter(NEW, (OLD,), [1]), batch_size=1)
    halfway = sorted(kek_id or "" for wrapped, kek_id in keys(database_url).values()
                     if wrapped is not None)
    rewrapped = rotate_key_encryption_key(database_url, Keyring(NEW, (OLD,)))
    again = rotate_key_encryption_key(database_url, Keyring(NEW, (OLD,)))

    assert halfway == sorted([OLD.id, NEW.id])
    assert (rewrapped, again) == (1, 0)
    assert events(database_url) == before
    assert keys(database_url)[recorded.erased_id] == (None, None)
    reads_everything(database_url, Keyring(NEW), recorded)
    with pytest.raises(RuntimeError, match=NEW.id), cases_on(database_url, Keyring(OLD)):
        pass


def test_a_rotation_without_the_kek_a_key_is_wrapped_with_stops_and_names_it(
        database_url: str) -> None:
    record(database_url, Keyring(OLD))

    with pytest.raises(UnknownKeyEncryptionKey, match=OLD.id):
        rotate_key_encryption_key(database_url, Keyring(NEW))


def test_the_command_rotates_with_the_old_and_new_kek_from_the_environment(
        database_url: str) -> None:
    recorded = record(database_url, Keyring(OLD))
    new_text = new_key_encryption_key_text()
    environment = {"PATH": "/usr/bin:/bin", "WIRKUNG_CASES_DATABASE_URL": database_url,
                   "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": new_text,
                   "WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY": _text(OLD)}

    rotated = subprocess.run([sys.executable, "-m", "wirkung", "cases",
                              "rotate-key-encryption-key"], capture_output=True, text=True,
                             env=environment, cwd=ROOT, timeout=120, check=False)
    missing = subprocess.run([sys.executable, "-m", "wirkung", "cases",
                              "rotate-key-encryption-key"], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin",
                                  "WIRKUNG_CASES_DATABASE_URL": database_url},
                             cwd=ROOT, timeout=120, check=False)

    assert rotated.returncode == 0, rotated.stderr
    new = KeyEncryptionKey.from_text(new_text)
    assert f"re-wrapped 2 client key(s) under key-encryption key {new.id}" in rotated.stdout
    reads_everything(database_url, Keyring(new), recorded)
    assert missing.returncode == 2
    assert "WIRKUNG_CASES_KEY_ENCRYPTION_KEY" in missing.stderr


def _text(kek: KeyEncryptionKey) -> str:
    import base64

    return base64.urlsafe_b64encode(kek.secret).decode()
