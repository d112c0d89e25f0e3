"""One event end to end: HTTP command -> event store -> relay -> Kafka -> metrics.

All three services run in this process on the real PostgreSQL (a database
each) and the real broker (topics of their own).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from confluent_kafka import Consumer, TopicPartition

from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.cases.main import create_app as cases_app
from services.cases.settings import CasesSettings
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from services.metrics.verification import FIGURES
from shared.topics import Topics
from tests.metrics.support import as_readers_see
from tests.support import (
    Infrastructure,
    Tokens,
    bearer,
    eventually,
    new_topics,
    serving,
    settings_on_own_database,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass
class System:
    agreements: httpx.AsyncClient
    cases: httpx.AsyncClient
    metrics: httpx.AsyncClient
    topics: Topics


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure, secret: str) -> AsyncIterator[System]:
    topics = await new_topics(infrastructure)

    async def settings(kind: type[Any], **extra: Any) -> Any:
        return await settings_on_own_database(kind, infrastructure=infrastructure,
                                              topics=topics, secret=secret, **extra)

    async with AsyncExitStack() as stack:
        yield System(
            agreements=await stack.enter_async_context(serving(agreements_app(
                await settings(AgreementsSettings)))),
            cases=await stack.enter_async_context(serving(cases_app(
                await settings(CasesSettings)))),
            metrics=await stack.enter_async_context(serving(metrics_app(await settings(
                MetricsSettings, consumer_group=f"metrics-{uuid.uuid4().hex[:8]}")))),
            topics=topics,
        )


def a_case(field: str) -> dict[str, Any]:
    return {"client_pseudonym": f"p-{uuid.uuid4().hex[:8]}", "field_of_action": field,
            "target_groups": ["Familien"], "district": "Nordstadt", "team": "asd-nord",
            "legal_basis": "SGB VIII §27", "age_band": "14-17"}


async def active_cases(system: System, tokens: Tokens) -> dict[str, Any]:
    response = await system.metrics.get("/indicators/active_cases?by=field_of_action",
                                        headers=bearer(tokens.auditor))
    assert response.status_code == 200, response.text
    return {cell["field_of_action"]: cell for cell in response.json()["cells"]}


async def test_opened_cases_reach_the_indicator_and_prometheus(system: System,
                                                                tokens: Tokens) -> None:
    provider = await system.agreements.post(
        "/providers", headers=bearer(tokens.contract_manager),
        json={"name": "Jugendhilfe Nord e.V.", "legal_form": "e.V.",
              "fields_of_action": ["jugend"]})
    assert provider.status_code == 201, provider.text
    cases = [a_case(field) for field in ["jugend"] * 5 + ["wohnen"]]
    for case in cases:
        opened = await system.cases.post("/cases", json=case,
                                         headers=bearer(tokens.caseworker))
        assert opened.status_code == 201, opened.text

    async def five_jugend_cases() -> dict[str, Any] | None:
        cells = await active_cases(system, tokens)
        return cells if cells.get("jugend", {}).get("value") == 5.0 else None

    cells = await eventually(five_jugend_cases, within=45)
    assert cells["jugend"]["persons"] == 5
    assert cells["wohnen"]["suppressed"] is True  # one person: withheld
    assert cells["wohnen"]["value"] is None
    # The gauge shows what every reader but the auditor sees: perturbed (the ptable as oracle).
    shown = as_readers_see({name: cells["jugend"][name] for name in FIGURES},
                           [case["client_pseudonym"] for case in cases[:5]], "active_cases", 5)
    gauge = f'wirkung_indicator_active_cases{{field_of_action="jugend"}} {shown["value"]}'

    async def gauged() -> str | None:
        # The gauges are refreshed on their own schedule, a little after the facts.
        text = (await system.metrics.get("/metrics")).text
        return text if gauge in text else None

    exposition = await eventually(gauged, within=30)
    assert 'field_of_action="wohnen"' not in exposition.split("wirkung_indicator_active")[-1]


async def test_a_case_of_another_team_reads_as_not_found(system: System,
                                                          tokens: Tokens) -> None:
    opened = await system.cases.post("/cases", json=a_case("bildung"),
                                     headers=bearer(tokens.caseworker))
    case_id = opened.json()["id"]

    own = await system.cases.get(f"/cases/{case_id}", headers=bearer(tokens.caseworker))
    other = await system.cases.get(f"/cases/{case_id}", headers=bearer(tokens.other_caseworker))

    assert own.status_code == 200
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"


async def test_a_caseworker_cannot_open_a_case_for_another_team(system: System,
                                                                tokens: Tokens) -> None:
    response = await system.cases.post("/cases", json={**a_case("jugend"), "team": "asd-sued"},
                                       headers=bearer(tokens.caseworker))

    assert response.status_code == 403


async def test_every_message_is_a_valid_cloudevent_for_an_independent_client(
        system: System, tokens: Tokens, infrastructure: Infrastructure) -> None:
    # Make sure both topics have something, then read them with librdkafka.
    await system.agreements.post("/providers", headers=bearer(tokens.contract_manager),
                                 json={"name": "Träger X", "legal_form": "gGmbH",
                                       "fields_of_action": ["arbeit"]})
    await system.cases.post("/cases", json=a_case("arbeit"), headers=bearer(tokens.caseworker))

    async def both_topics_have_events() -> bool:
        cells = await active_cases(system, tokens)
        return sum(c["numerator"] or 0 for c in cells.values()) >= 5 and bool(cells)

    await eventually(both_topics_have_events, within=45)
    for topic, source in ((system.topics.agreements, "/wirkung/agreements"),
                          (system.topics.cases, "/wirkung/cases")):
        messages = read_with_confluent_kafka(infrastructure.bootstrap_servers, topic)
        assert messages, topic
        for message in messages:
            headers = {name: value for name, value in message.headers() or []}
            event = from_binary_event(KafkaMessage(headers=headers, key=message.key(),
                                                   value=message.value()))
            assert event.get_specversion() == "1.0"
            assert event.get_id() == headers["ce_id"].decode()
            assert event.get_source() == source == headers["ce_source"].decode()
            assert event.get_type() == headers["ce_type"].decode()
            assert event.get_type().startswith(f"de.wirkung.{source.rsplit('/', 1)[1]}.")
            assert event.get_subject() == headers["ce_subject"].decode()
            assert event.get_subject() == message.key().decode()
            time = event.get_time()
            assert time is not None
            assert time == datetime.fromisoformat(headers["ce_time"].decode())
            assert event.get_extension("aggregateversion") == "1"
            assert event.get_datacontenttype() == "application/json"
            assert isinstance(event.get_data(), dict)


def read_with_confluent_kafka(bootstrap_servers: str, topic: str) -> list[Any]:
    """Every message of `topic`, partitions assigned by hand (no group join)."""
    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": "ce-check",
                         "enable.auto.commit": False, "log_level": 3})
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = list(metadata.topics[topic].partitions)
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in partitions}
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        messages: list[Any] = []
        wanted = sum(ends.values())
        for _ in range(200):
            if len(messages) >= wanted:
                break
            message = consumer.poll(0.1)
            if message is not None and message.error() is None:
                messages.append(message)
        assert len(messages) == wanted
        return messages
    finally:
        consumer.close()


async def test_every_service_is_ready_and_documents_http_and_kafka(system: System) -> None:
    for client, path, channel in ((system.agreements, "/providers", "agreements.events"),
                                  (system.cases, "/cases", "cases.events"),
                                  (system.metrics, "/indicators/{indicator_id}", "metrics.dlq")):
        assert (await client.get("/health")).status_code == 200
        ready = await client.get("/ready")
        assert ready.json() == {"status": "ready",
                                "checks": {"database": True, "broker": True}}
        assert path in (await client.get("/openapi.json")).json()["paths"]
        channels = (await client.get("/asyncapi.json")).json()["channels"]
        assert any(channel in name for name in channels), channels
