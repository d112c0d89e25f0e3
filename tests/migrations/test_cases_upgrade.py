"""The cases service starts on a database made by the first code that had its tables, and
upgrades it without losing a row."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

from services.cases.main import create_app
from services.cases.migrations import MIGRATIONS, OWNER
from services.cases.personal_data import PersonalData
from services.cases.postgres_vault import PostgresVault
from services.cases.replica.reader import PostgresAgreements
from services.cases.settings import CasesSettings
from shared.clock import FixedClock
from shared.migrations import latest, version
from tests.migrations.old_code import export, first_commit_with
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    new_database,
    new_topics,
    serving,
    settings_for,
)

INDEX_KEY = "i" * 32
ERIKA = PersonalData(name="Erika Alt", birth_date=date(1971, 4, 9), address="Zwiebelgasse 3")

# Run by the old code: its view's statements, its vault and its replica make the tables
# (as its service did on starting), the vault stores a client, then rows go in.
OLD_DATABASE = """
import sys
import uuid
from datetime import date

import psycopg
from psycopg_pool import ConnectionPool

from services.cases.personal_data import PersonalData, PostgresVault
from services.cases.replica.reader import PostgresAgreements
from services.cases.views import CasesView

url, client, case, service, agreement, provider = sys.argv[1:]
with psycopg.connect(url) as connection:
    for statement in CasesView.create_statements:
        connection.execute(statement)
pool = ConnectionPool(url, min_size=1, max_size=2, open=True)
PostgresVault(pool).store(uuid.UUID(client), PersonalData(
    name="Erika Alt", birth_date=date(1971, 4, 9), address="Zwiebelgasse 3"))
PostgresAgreements(pool)
pool.close()
with psycopg.connect(url) as connection:
    connection.execute(
        "INSERT INTO case_summaries VALUES (%s, 'p-alt', 'jugend', '{}', 'Nord', 'asd-nord', "
        "'SGB VIII §27', '18-26', false, 'open', '2026-01-05', NULL, NULL, 4)", (case,))
    connection.execute("INSERT INTO case_services VALUES (%s, %s, %s, '2026-02-01', NULL)",
                       (case, service, agreement))
    connection.execute(
        "INSERT INTO replica_agreements VALUES (%s, %s, 'jugend', '{Nord}', 'hour', 5, "
        "'2026-01-01', '2026-12-31', '2025-12-01', NULL, 3, now())", (agreement, provider))
    connection.execute("INSERT INTO replica_suspensions (agreement_id, since, until) "
                       "VALUES (%s, '2026-03-01', '2026-03-10')", (agreement,))
    connection.execute("INSERT INTO replica_dead_letters (key, value, headers) "
                       "VALUES ('k', 'kaputt', '[]')")
    connection.execute("INSERT INTO applied_versions (aggregate_id, version) VALUES (%s, 3)",
                       (agreement,))
    connection.execute("INSERT INTO input_positions VALUES ('agreements', 0, 17)")
"""


async def test_a_database_of_the_first_cases_code_upgrades_without_losing_a_row(
        infrastructure: Infrastructure, tokens: Tokens, secret: str, tmp_path: Path) -> None:
    old = export(first_commit_with("services/cases/views.py"), tmp_path)
    database_url = await new_database(infrastructure)
    client, case, service, agreement, provider = (uuid.uuid4() for _ in range(5))
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", OLD_DATABASE, database_url,
                         *map(str, (client, case, service, agreement, provider))],
        check=True, env={"PYTHONPATH": str(old)}, cwd=old)
    assert version(database_url, OWNER) == 0

    topics = await new_topics(infrastructure)
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, blind_index_key=INDEX_KEY)
    async with serving(create_app(settings, clock=FixedClock(date(2026, 6, 1)))) as http:
        listed = await http.get("/cases", headers=bearer(tokens.caseworker))
        occupancy = await http.get("/agreement-occupancy", headers=bearer(tokens.caseworker),
                                   params={"agreement_id": str(agreement)})

    assert version(database_url, OWNER) == latest(MIGRATIONS)
    assert listed.status_code == 200, listed.text
    assert [(item["id"], item["client_pseudonym"], item["status"], item["version"])
            for item in listed.json()["items"]] == [(str(case), "p-alt", "open", 4)]
    assert occupancy.status_code == 200, occupancy.text
    assert [(item["capacity"], item["places_taken"]) for item in occupancy.json()["items"]] == [
        (5, 1)]
    keyring = settings.keyring()
    pool = ConnectionPool(database_url, min_size=1, max_size=2, open=True)
    try:
        # The key stored as it was, before the KEK: wrapped by the service on starting,
        # and the client indexed for the search by name and birth date.
        vault = PostgresVault(pool, INDEX_KEY.encode(), keyring)
        assert vault.read(client) == ERIKA
        assert vault.find(ERIKA.name, ERIKA.birth_date) == [client]
        on_record = PostgresAgreements(pool).agreement(agreement)
    finally:
        pool.close()
    assert on_record is not None
    assert (on_record.capacity, on_record.suspensions) == (
        5, ((date(2026, 3, 1), date(2026, 3, 10)),))
    with psycopg.connect(database_url) as connection:
        kek_ids = connection.execute("SELECT kek_id FROM client_keys").fetchall()
        kept = connection.execute(
            "SELECT (SELECT count(*) FROM replica_dead_letters), "
            "(SELECT version FROM applied_versions), "
            "(SELECT last_offset FROM input_positions), "
            "(SELECT end_date IS NULL FROM case_services), "
            "(SELECT assessed_on IS NULL FROM case_summaries), "
            "(SELECT title IS NULL FROM replica_agreements)").fetchone()
    assert kek_ids == [(keyring.current.id,)]
    assert kept == (1, 3, 17, True, True, True)
