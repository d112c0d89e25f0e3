"""A running cases service for integration tests, and a feed of agreement events for it.

The agreements side is driven by publishing the agreement contracts as
CloudEvents straight onto the agreements topic, as the agreements service's
relay would.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from services.cases.main import create_app
from services.cases.settings import CasesSettings
from shared.clock import FixedClock
from shared.contracts import (
    ImpactGoalTerm,
    IntegrationEvent,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementSigned,
    ServiceAgreementTerminated,
)
from shared.envelope import Envelope
from shared.topics import Topics
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit, ReportingFrequency
from tests.support import (
    Infrastructure,
    KafkaTestPublisher,
    bearer,
    eventually,
    new_database,
    new_topics,
    serving,
    settings_for,
)

TERM_START, TERM_END = date(2026, 1, 1), date(2026, 12, 31)
A_GOAL: dict[str, Any] = {"title": "Regelmäßiger Schulbesuch", "baseline": -1, "levels": {
    "-2": "fehlt mehr als drei Tage pro Woche", "-1": "fehlt zwei bis drei Tage pro Woche",
    "0": "fehlt höchstens einen Tag pro Woche", "1": "fehlt höchstens einen Tag im Monat",
    "2": "fehlt nie unentschuldigt"}}


@dataclass
class CasesSystem:
    """The cases service in-process, on its own database and topics."""

    http: httpx.AsyncClient
    app: FastAPI
    topics: Topics
    database_url: str
    infrastructure: Infrastructure

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(self.database_url)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def post(self, path: str, token: str, body: dict[str, Any],
                   **headers: str) -> httpx.Response:
        return await self.http.post(path, json=body, headers={**bearer(token), **headers})

    async def get(self, path: str, token: str, **headers: str) -> httpx.Response:
        return await self.http.get(path, headers={**bearer(token), **headers})

    async def new_client(self, token: str, **changes: Any) -> dict[str, Any]:
        # Many tests register the same person: each as a new one, past the duplicate check.
        body = {"name": "Erika Mustermann", "birth_date": "2009-05-17",
                "address": "Hauptstraße 1, 12345 Musterstadt", "register_anyway": True,
                **changes}
        response = await self.post("/clients", token, body)
        assert response.status_code == 201, response.text
        client: dict[str, Any] = response.json()
        return client

    async def new_case(self, token: str, client_id: str | None = None,
                       **changes: Any) -> dict[str, Any]:
        client_id = client_id or (await self.new_client(token))["id"]
        body = {"client_id": client_id, "field_of_action": "jugend",
                "target_groups": ["Familien"], "district": "Nordstadt",
                "legal_basis": "SGB VIII §27", "occurred_on": "2026-02-02", **changes}
        response = await self.post("/cases", token, body)
        assert response.status_code == 201, response.text
        case: dict[str, Any] = response.json()
        return case


@asynccontextmanager
async def cases_system(infrastructure: Infrastructure, secret: str, *,
                       topics: Topics | None = None, database_url: str | None = None,
                       replica_group: str | None = None, today: date | None = None,
                       **more: Any) -> AsyncIterator[CasesSystem]:
    """The service on a database and topics of its own; `today` fixes its clock, `more`
    settings go to the service (an audit key, another key-encryption key)."""
    topics = topics or await new_topics(infrastructure)
    database_url = database_url or await new_database(infrastructure)
    settings = settings_for(CasesSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret,
                            replica_group=replica_group or f"replica-{uuid.uuid4().hex[:8]}",
                            **more)
    app = create_app(settings, clock=FixedClock(today) if today else None)
    async with serving(app) as http:
        yield CasesSystem(http=http, app=app, topics=topics, database_url=database_url,
                          infrastructure=infrastructure)


@dataclass
class AgreementFeed:
    """Publishes agreement contracts as the agreements service would, versions counted."""

    publish: KafkaTestPublisher
    versions: dict[uuid.UUID, int] = field(default_factory=dict)
    last_position: tuple[int, int] = (0, 0)  # partition and offset of the last message sent

    async def send(self, agreement_id: uuid.UUID, contract: IntegrationEvent,
                   *, version: int | None = None) -> int:
        version = version or self.versions.get(agreement_id, 0) + 1
        self.versions[agreement_id] = max(version, self.versions.get(agreement_id, 0))
        envelope = Envelope(type=contract.ce_type(), source=contract.ce_source(),
                            subject=str(agreement_id), time=datetime.now(UTC),
                            data=contract.model_dump(mode="json"), aggregate_version=version)
        metadata: Any = await (await self.publish(*envelope.to_kafka()))
        self.last_position = (metadata.partition, metadata.offset)
        return version

    async def signed_agreement(self, *, field_of_action: str = "jugend", capacity: int = 1,
                               unit: str = "hour", **terms: Any) -> uuid.UUID:
        agreement_id = uuid.uuid4()
        await self.send(agreement_id, drafted(agreement_id, field_of_action=field_of_action,
                                              capacity=capacity, unit=unit, **terms))
        await self.signed_after_draft(agreement_id)
        return agreement_id

    async def signed_after_draft(self, agreement_id: uuid.UUID) -> None:
        await self.send(agreement_id, ServiceAgreementSigned(
            agreement_id=agreement_id, occurred_on=date(2025, 12, 15), actor="cm-1"))

    async def amend(self, agreement_id: uuid.UUID, *, capacity: int) -> None:
        await self.send(agreement_id, ServiceAgreementAmended(
            agreement_id=agreement_id, effective_date=date(2026, 2, 1), reason="Mehrbedarf",
            capacity=capacity, occurred_on=date(2026, 2, 1), actor="cm-1"))

    async def terminate(self, agreement_id: uuid.UUID, *, on: date) -> None:
        await self.send(agreement_id, ServiceAgreementTerminated(
            agreement_id=agreement_id, termination_date=on, reason="Träger insolvent",
            occurred_on=on, actor="cm-1"))


def drafted(agreement_id: uuid.UUID, *, field_of_action: str = "jugend", capacity: int = 1,
            unit: str = "hour", provider_id: uuid.UUID | None = None,
            title: str = "Ambulante Hilfen",
            districts: tuple[str, ...] = ("Nordstadt",)) -> ServiceAgreementDrafted:
    return ServiceAgreementDrafted(
        agreement_id=agreement_id, provider_id=provider_id or uuid.uuid4(), title=title,
        budget_product_code="3.6.3.01", field_of_action=FieldOfAction(field_of_action),
        target_groups=["Familien"], districts=list(districts), term_start=TERM_START,
        term_end=TERM_END, annual_budget_cents=24_000_000, pricing_unit=PricingUnit(unit),
        unit_price_cents=6500, capacity=capacity,
        impact_goals=[ImpactGoalTerm(text="Zwei Drittel enden planmäßig",
                                     indicator_id="planned_closure_rate",
                                     comparison=Comparison.AT_LEAST, target_value="0.66")],
        reporting_frequency=ReportingFrequency.QUARTERLY, reporting_due_days=30,
        occurred_on=date(2025, 12, 1), actor="cm-1")


@asynccontextmanager
async def agreement_feed(system: CasesSystem) -> AsyncIterator[AgreementFeed]:
    async with KafkaTestPublisher(system.infrastructure.bootstrap_servers,
                                  system.topics.agreements) as publish:
        yield AgreementFeed(publish)


async def consumed(system: CasesSystem, position: tuple[int, int]) -> None:
    """Wait until the replica's consumer has got past a message (applied or skipped)."""
    partition, offset = position

    async def past() -> bool:
        rows = await system.fetch("SELECT last_offset FROM input_positions WHERE topic = $1 "
                                  "AND partition = $2", system.topics.agreements, partition)
        return bool(rows) and rows[0]["last_offset"] >= offset

    await eventually(past, within=30)


async def replicated(system: CasesSystem, agreement_id: uuid.UUID, version: int) -> None:
    """Wait until the replica has applied the agreement's events up to `version`."""

    async def applied() -> bool:
        rows = await system.fetch("SELECT version FROM applied_versions "
                                  "WHERE aggregate_id = $1", str(agreement_id))
        return bool(rows) and rows[0]["version"] >= version

    await eventually(applied, within=30)


async def replicated_agreement(system: CasesSystem, feed: AgreementFeed,
                               **terms: Any) -> uuid.UUID:
    """A signed agreement sent on the topic, once the replica has taken it in."""
    agreement_id = await feed.signed_agreement(**terms)
    await replicated(system, agreement_id, feed.versions[agreement_id])
    return agreement_id
