"""The write services' audit API: the chain verified as `wirkung audit verify` does it, the
latest signed checkpoints, for auditors only (the agreements service on PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import psycopg
import pytest

from services.agreements.main import create_app
from services.agreements.settings import AgreementsSettings
from shared.audit.checkpoint import (
    Checkpoint,
    new_private_key_text,
    private_key,
    public_key,
    public_key_text,
)
from shared.auth import Role, mint_token
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_database,
    new_topics,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass
class Chained:
    http: httpx.AsyncClient
    database_url: str
    public_key: str
    auditor: dict[str, str]

    async def status(self, **params: Any) -> dict[str, Any]:
        response = await self.http.get("/audit/chain", params=params, headers=self.auditor)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def signed_up_to(self, position: int) -> dict[str, Any]:
        """The status once a checkpoint covers `position` (the chainer runs on its own)."""
        async def signed() -> dict[str, Any] | None:
            answer = await self.status()
            latest = answer["checkpoints"][:1]
            return answer if latest and latest[0]["position"] >= position else None

        return await eventually(signed, within=30)


@asynccontextmanager
async def chained_service(infrastructure: Infrastructure, tokens: Tokens, secret: str,
                          providers: int = 3) -> AsyncIterator[Chained]:
    """The agreements service signing a checkpoint every half second, with a few events."""
    key = new_private_key_text()
    database_url = await new_database(infrastructure)
    settings = settings_for(AgreementsSettings, database_url=database_url,
                            infrastructure=infrastructure,
                            topic_prefix=(await new_topics(infrastructure)).prefix,
                            secret=secret, audit_key=key, audit_checkpoint_seconds=0.5)
    async with serving(create_app(settings)) as http:
        for number in range(providers):
            created = await http.post("/providers", headers=bearer(tokens.contract_manager),
                                      json={"name": f"Träger {number}", "legal_form": "e.V.",
                                            "fields_of_action": ["jugend"]})
            assert created.status_code == 201, created.text
        yield Chained(http, database_url, public_key_text(private_key(key)),
                      bearer(tokens.auditor))


@pytest.fixture(scope="module")
async def chained(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[Chained]:
    async with chained_service(infrastructure, tokens, secret) as running:
        yield running


async def test_an_auditor_reads_an_intact_chain_and_its_signed_checkpoints(
        chained: Chained) -> None:
    await chained.signed_up_to(3)
    started = await chained.http.post("/audit/chain/verification", params={"wait": 20},
                                      headers=chained.auditor)
    answer = started.json()

    assert started.status_code == 202, started.text
    verification = answer["verification"]
    assert (verification["intact"], verification["events"], verification["chained"]) == (
        True, 3, 3)
    assert verification["kept"] >= 1
    assert verification["checkpoints_valid"] >= 1
    assert verification["findings"] == []
    assert answer["service"] == "agreements"
    assert answer["public_key"] == chained.public_key
    latest = answer["checkpoints"][0]
    assert Checkpoint("agreements", latest["position"], bytes.fromhex(latest["chain_hash"]),
                      datetime.fromisoformat(latest["signed_at"]),
                      bytes.fromhex(latest["signature"])).is_signed_by(
        public_key(chained.public_key))


async def test_the_chain_is_verified_once_and_kept_until_asked_again(chained: Chained) -> None:
    first = await chained.status(wait=20)
    again = await chained.status()

    assert first["verification"] is not None
    assert again["verification"]["finished_at"] == first["verification"]["finished_at"]
    assert again["running_since"] is None


@pytest.mark.parametrize("role", [Role.CONTRACT_MANAGER, Role.PROVIDER, Role.CASEWORKER])
async def test_only_auditors_read_the_chain(chained: Chained, secret: str, role: Role) -> None:
    token = mint_token(secret, role=role, subject="someone", team="asd-nord",
                       provider_id="6f1c0a52-3c1e-4d8e-9a57-2f0f6b8f1a10")

    read = await chained.http.get("/audit/chain", headers=bearer(token))
    started = await chained.http.post("/audit/chain/verification", headers=bearer(token))

    assert (read.status_code, started.status_code) == (403, 403)


async def test_an_edited_event_makes_the_chain_broken_at_its_position(
        infrastructure: Infrastructure, tokens: Tokens, secret: str) -> None:
    async with chained_service(infrastructure, tokens, secret) as service:
        await service.signed_up_to(3)  # chained and signed before the edit
        with psycopg.connect(service.database_url, autocommit=True) as connection:
            connection.execute(
                """UPDATE agreements_events
                   SET state = convert_to(replace(convert_from(state, 'UTF8'), 'Träger 1',
                                                  'Träger X'), 'UTF8')
                   WHERE notification_id = 2""")

        answer = (await service.http.post("/audit/chain/verification", params={"wait": 20},
                                          headers=service.auditor)).json()

    assert answer["verification"]["intact"] is False
    assert answer["verification"]["findings"][0]["position"] == 2
    assert answer["verification"]["findings"][0]["problem"] == "event edited"
