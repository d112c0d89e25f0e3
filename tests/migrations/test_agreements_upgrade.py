"""The agreements service starts on a database made by the first code that had its
tables, and upgrades it without losing a row."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

from services.agreements.main import create_app
from services.agreements.migrations import MIGRATIONS
from services.agreements.settings import AgreementsSettings
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

# Run by the old code: its view's statements make the tables, then rows go in.
OLD_DATABASE = """
import sys

import psycopg

from services.agreements.views import AgreementsView

with psycopg.connect(sys.argv[1]) as connection:
    for statement in AgreementsView.create_statements:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO provider_summaries VALUES (%s, 'Alter Träger e.V.', 'e.V.', "
        "'{jugend}', true, '2026-01-05', 1)", (sys.argv[2],))
    connection.execute(
        "INSERT INTO report_summaries VALUES (%s, %s, %s, '2026-Q1', '2026-01-01', "
        "'2026-03-31', '2026-04-30', 'submitted', false, 1, '2026-04-02', 3)",
        (sys.argv[3], sys.argv[4], sys.argv[2]))
"""


async def test_a_database_of_the_first_agreements_code_upgrades_without_losing_a_row(
        infrastructure: Infrastructure, tokens: Tokens, secret: str, tmp_path: Path) -> None:
    old = export(first_commit_with("services/agreements/views.py"), tmp_path)
    database_url = await new_database(infrastructure)
    provider, report, agreement = (str(uuid.uuid4()) for _ in range(3))
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", OLD_DATABASE, database_url, provider, report,
                         agreement], check=True, env={"PYTHONPATH": str(old)}, cwd=old)
    assert version(database_url, "agreements") == 0

    topics = await new_topics(infrastructure)
    settings = settings_for(AgreementsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)
    async with serving(create_app(settings)) as client:
        listed = (await client.get("/providers", headers=bearer(tokens.contract_manager)))
        registered = await client.post("/providers", headers=bearer(tokens.contract_manager),
                                       json={"name": "Neuer Träger", "legal_form": "e.V.",
                                             "fields_of_action": ["jugend"]})
        # Lists wait until the view has applied every stored event.
        after = (await client.get("/providers", headers=bearer(tokens.contract_manager)))

    assert listed.status_code == 200, listed.text
    assert [(item["provider_id"], item["name"]) for item in listed.json()["items"]] == [
        (provider, "Alter Träger e.V.")]
    assert registered.status_code == 201, registered.text
    assert sorted(item["name"] for item in after.json()["items"]) == [
        "Alter Träger e.V.", "Neuer Träger"]
    assert version(database_url, "agreements") == latest(MIGRATIONS)
    with psycopg.connect(database_url) as connection:
        reports = connection.execute("SELECT report_id::text, agreement_id::text, status, "
                                     "revision, rejection_reason FROM report_summaries"
                                     ).fetchall()
    assert reports == [(report, agreement, "submitted", 1, "")]
