"""`Idempotency-Key` on the real PostgreSQL: a retry records nothing new."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from services.cases.main import create_app
from services.cases.settings import CasesSettings
from shared.store_migrations import prepare_stores
from shared.topics import Topics
from tests.support import Infrastructure, Tokens, bearer, serving, settings_for

pytestmark = pytest.mark.integration

A_CASE = {"client_pseudonym": "p-idem", "field_of_action": "jugend", "target_groups": [],
          "district": "Nordstadt", "team": "asd-nord", "legal_basis": "SGB VIII §27",
          "age_band": "14-17"}


@pytest.fixture
async def cases(infrastructure: Infrastructure, topics: Topics, secret: str,
                database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)
    app = create_app(settings)
    async with serving(app) as client:
        yield client, app


def stored_events(app: Any) -> int:
    return int(app.state.application.recorder.max_notification_id() or 0)


async def test_a_retried_command_returns_the_first_answer_and_records_nothing_new(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens) -> None:
    client, app = cases
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": str(uuid.uuid4())}

    first = await client.post("/cases", json=A_CASE, headers=headers)
    retry = await client.post("/cases", json=A_CASE, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert stored_events(app) == 1


async def test_the_same_key_for_another_request_is_refused(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens) -> None:
    client, app = cases
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": "key-1"}

    await client.post("/cases", json=A_CASE, headers=headers)
    other = await client.post("/cases", json={**A_CASE, "district": "Altstadt"},
                              headers=headers)

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert stored_events(app) == 1


async def test_concurrent_retries_record_the_command_once(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens) -> None:
    client, app = cases
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": "key-concurrent"}

    answers = await asyncio.gather(*(client.post("/cases", json=A_CASE, headers=headers)
                                     for _ in range(5)))

    assert {answer.status_code for answer in answers} <= {201, 409}
    assert len({answer.json()["id"] for answer in answers if answer.status_code == 201}) == 1
    assert stored_events(app) == 1


async def test_a_refused_command_is_not_recorded_and_keeps_its_answer(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens) -> None:
    client, app = cases
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": "key-refused"}
    other_team = {**A_CASE, "team": "asd-sued"}

    first = await client.post("/cases", json=other_team, headers=headers)
    retry = await client.post("/cases", json=other_team, headers=headers)

    assert first.status_code == retry.status_code == 403
    assert stored_events(app) == 0


async def test_keys_of_different_callers_do_not_collide(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens, secret: str) -> None:
    from shared.auth import Role, mint_token

    client, app = cases
    colleague = mint_token(secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-9")

    mine = await client.post("/cases", json=A_CASE,
                             headers={**bearer(tokens.caseworker), "Idempotency-Key": "k"})
    theirs = await client.post("/cases", json=A_CASE,
                               headers={**bearer(colleague), "Idempotency-Key": "k"})

    assert mine.json()["id"] != theirs.json()["id"]
    assert stored_events(app) == 2


async def test_a_retry_with_a_refreshed_token_of_the_same_person_gets_the_first_answer(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens, secret: str) -> None:
    from shared.auth import Role, mint_token

    client, app = cases
    # An OIDC client refreshes its token every few minutes: another token, the same person.
    refreshed = mint_token(secret, role=Role.CASEWORKER, team="asd-nord", subject="cw-1",
                           ttl_seconds=600)
    assert refreshed != tokens.caseworker

    first = await client.post("/cases", json=A_CASE,
                              headers={**bearer(tokens.caseworker), "Idempotency-Key": "k-r"})
    retry = await client.post("/cases", json=A_CASE,
                              headers={**bearer(refreshed), "Idempotency-Key": "k-r"})

    assert first.status_code == retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert stored_events(app) == 1


async def test_a_forged_token_naming_the_person_gets_no_stored_answer(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens) -> None:
    from shared.auth import Role, mint_token

    client, app = cases
    forged = mint_token("not-the-secret-" * 4, role=Role.CASEWORKER, team="asd-nord",
                        subject="cw-1")
    first = await client.post("/cases", json=A_CASE,
                              headers={**bearer(tokens.caseworker), "Idempotency-Key": "k-f"})
    replay = await client.post("/cases", json=A_CASE,
                               headers={**bearer(forged), "Idempotency-Key": "k-f"})

    assert first.status_code == 201
    assert replay.status_code == 401
    assert "idempotent-replayed" not in replay.headers
    assert first.json()["id"] not in replay.text
    assert stored_events(app) == 1


async def test_a_command_whose_answer_was_lost_after_its_save_is_not_run_again(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import idempotency

    client, app = cases
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": "key-answer-lost"}
    store_answer = idempotency.PostgresIdempotencyStore.complete

    async def database_gone(*_: Any) -> None:
        raise ConnectionResetError("the database went away before the answer was stored")

    # The events are committed, then the database goes away before the answer is stored.
    monkeypatch.setattr(idempotency.PostgresIdempotencyStore, "complete", database_gone)
    await client.post("/cases", json=A_CASE, headers=headers)
    monkeypatch.setattr(idempotency.PostgresIdempotencyStore, "complete", store_answer)
    # Long after (the pending claim is stale), the client retries.
    monkeypatch.setattr(idempotency, "STALE_CLAIM_SECONDS", 0.0)
    retry = await client.post("/cases", json=A_CASE, headers=headers)

    assert retry.status_code == 409
    assert retry.json()["title"] == "Command already applied"
    assert stored_events(app) == 1



async def test_the_stored_answer_keeps_no_personal_data_readable_and_still_replays(
        cases: tuple[httpx.AsyncClient, Any], tokens: Tokens, database_url: str) -> None:
    client, _ = cases
    case = (await client.post("/cases", json=A_CASE, headers=bearer(tokens.caseworker))).json()
    key = str(uuid.uuid4())
    headers = {**bearer(tokens.caseworker), "Idempotency-Key": key}
    note = {"summary": "Alkoholabhängigkeit der Mutter"}

    first = await client.post(f"/cases/{case['id']}/assessment", json=note, headers=headers)
    retry = await client.post(f"/cases/{case['id']}/assessment", json=note, headers=headers)
    connection = await asyncpg.connect(database_url)
    try:
        rows = [dict(row) for row in await connection.fetch("SELECT * FROM idempotency_keys")]
    finally:
        await connection.close()

    assert first.json()["assessment_summary"] == note["summary"]
    assert (retry.json(), retry.headers["idempotent-replayed"]) == (first.json(), "true")
    [row] = rows
    stored = repr(row).encode() + bytes(row["body"])
    assert b"Alkohol" not in stored
    assert key.encode() not in stored
    assert row["sealed"] is True


async def test_answers_stored_unsealed_by_an_earlier_release_are_gone_after_migrating(
        database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(  # as the earlier release made and filled the table
            """CREATE TABLE idempotency_keys (
                   scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,
                   status integer, headers jsonb, body bytea,
                   created_at timestamptz NOT NULL DEFAULT now(), saved_at timestamptz,
                   PRIMARY KEY (scope, key))""")
        await connection.execute(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, status, headers, body) "
            "VALUES ('s', 'k', 'f', 200, '[]', $1)", b'{"summary": "Alkohol"}')
        await asyncio.to_thread(prepare_stores, database_url)
        left = await connection.fetch("SELECT * FROM idempotency_keys")
    finally:
        await connection.close()

    assert left == []
