"""PostgreSQL restarted under a service: 503 with Retry-After, never 500; nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.cases.main import create_app
from services.cases.settings import CasesSettings
from shared.embedded import EmbeddedPostgres
from shared.embedded.process import free_port
from shared.topics import Topics
from tests.support import Infrastructure, Tokens, bearer, eventually, serving, settings_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

A_CASE = {"client_pseudonym": "p-restart", "field_of_action": "jugend", "target_groups": [],
          "district": "Nordstadt", "team": "asd-nord", "legal_basis": "SGB VIII §27",
          "age_band": "14-17"}


async def test_a_restarted_database_answers_503_then_records_each_command_once(
        infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens,
        tmp_path: Path) -> None:
    postgres = EmbeddedPostgres(tmp_path / "data", free_port(), fsync=False)
    await asyncio.to_thread(postgres.start)
    try:
        await asyncio.to_thread(postgres.create_database, "cases")
        settings = settings_for(CasesSettings, database_url=postgres.url("cases"),
                                infrastructure=infrastructure, topic_prefix=topics.prefix,
                                secret=secret)
        app = create_app(settings)
        async with serving(app) as client:
            def post(key: str) -> Any:
                return client.post("/cases", json=A_CASE, headers={
                    **bearer(tokens.caseworker), "Idempotency-Key": key})

            assert (await post("before")).status_code == 201
            await asyncio.to_thread(postgres.stop)

            during = [await post(f"during-{n}") for n in range(3)]
            assert {r.status_code for r in during} == {503}
            assert all(r.headers["retry-after"] == "5" for r in during)
            assert all(r.headers["content-type"] == "application/problem+json"
                       for r in during)
            assert (await client.get("/ready")).status_code == 503

            await asyncio.to_thread(postgres.start)

            async def recorded() -> httpx.Response | None:
                response: httpx.Response = await post("during-0")
                return response if response.status_code == 201 else None

            first = await eventually(recorded, within=60, interval=1.0)
            again = await post("during-0")
            assert again.json()["id"] == first.json()["id"]
            events = app.state.application.recorder.max_notification_id()
            assert events == 2  # "before" and "during-0", each once
    finally:
        await asyncio.to_thread(postgres.stop)
