"""The metrics service sends what it cannot apply to its dead-letter topic and goes on."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.topics import Topics
from tests.metrics.history import fixed_history
from tests.support import (
    Infrastructure,
    eventually,
    new_database,
    read_topic,
    serving,
    settings_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_malformed_and_an_unknown_message_go_to_the_dlq_and_later_events_apply(
        infrastructure: Infrastructure, topics: Topics) -> None:
    database_url = await new_database(infrastructure)
    cases = [e for kind, e in fixed_history().in_recorded_order() if kind == "cases"][:5]
    _, value, headers = cases[0].to_kafka()
    unknown = [(n, b"de.wirkung.cases.CaseTeleported.v1" if n == "ce_type" else v)
               for n, v in headers]
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topics.cases, b"{not json", key=b"k1", headers=headers,
                                     partition=0)
        await producer.send_and_wait(topics.cases, value, key=b"k2", headers=unknown,
                                     partition=0)
        for envelope in cases:
            key, body, event_headers = envelope.to_kafka()
            await producer.send_and_wait(topics.cases, body, key=key, headers=event_headers,
                                         partition=0)
    finally:
        await producer.stop()
    settings = settings_for(MetricsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret="s" * 40, consumer_group=f"m-{uuid.uuid4().hex[:6]}")

    async with serving(create_app(settings)):
        dead = await read_topic(infrastructure.bootstrap_servers, topics.metrics_dlq,
                                expected=2, within=45)
        connection = await asyncpg.connect(database_url)
        try:
            async def all_applied() -> bool:
                applied = await connection.fetchval(
                    "SELECT coalesce(sum(version), 0) FROM facts.applied_versions")
                return int(applied) >= len(cases)
            await eventually(all_applied, within=45)
        finally:
            await connection.close()

    by_error = {dict(record.headers)["dlq_error_class"]: record for record in dead}
    assert set(by_error) == {b"EnvelopeError", b"UnknownEventType"}
    malformed = dict(by_error[b"EnvelopeError"].headers)
    assert by_error[b"EnvelopeError"].value == b"{not json"
    assert malformed["ce_type"] == dict(headers)["ce_type"]  # the original headers travel
    assert (malformed["dlq_origin_topic"], malformed["dlq_origin_partition"],
            malformed["dlq_origin_offset"]) == (topics.cases.encode(), b"0", b"0")
    assert dict(by_error[b"UnknownEventType"].headers)["dlq_origin_offset"] == b"1"

