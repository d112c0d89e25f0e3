"""Benchmark 2: the outbox relay against a raw aiokafka producer of the same messages.

    python bench/relay.py [--events 20000]

Both publish the same pre-recorded events (provider registrations) to fresh
topics on the same broker in the same run; the relay reads them from the event
store, translates them to CloudEvents and waits for the broker's acks per batch,
as in the service. Last line: ratio = relay / raw (goal >= 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import date
from typing import Any

from aiokafka import AIOKafkaProducer

from bench.common import figure, machine, servers
from services.agreements.application import Agreements
from services.agreements.contracts import to_contract
from services.agreements.domain import Provider
from shared.embedded.stack import StackAddresses, create_topics
from shared.eventstore import event_store_environment
from shared.kafka import kafka_router, relay_publisher
from shared.relay import MemoryRelayPositions, OutboxRelay
from shared.settings import ServiceSettings


def record(store: Agreements, count: int) -> None:
    for start in range(0, count, 1000):
        store.save(*(Provider(name=f"Träger {n}", legal_form="e.V.",
                              fields_of_action=["jugend", "soziales"], contact="",
                              actor="bench", occurred_on=date(2026, 1, 1))
                     for n in range(start, min(start + 1000, count))))


async def raw_produce(bootstrap: str, topic: str,
                      messages: list[tuple[bytes, bytes, Any]]) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    try:
        for offset in range(0, len(messages), 500):
            futures = [await producer.send(topic, value, key=key, headers=headers)
                       for key, value, headers in messages[offset:offset + 500]]
            await asyncio.gather(*futures)
    finally:
        elapsed = time.perf_counter() - started
        await producer.stop()
    return len(messages) / elapsed


async def relay_all(store: Agreements, bootstrap: str, topic: str, count: int) -> float:
    router = kafka_router(ServiceSettings(kafka_bootstrap_servers=bootstrap))
    publish = relay_publisher(router, topic, "bench")
    await router.broker.start()
    relay = OutboxRelay(recorder=store.recorder, mapper=store.mapper,
                        positions=MemoryRelayPositions(), translate=to_contract, topic=topic,
                        publish=publish, batch_size=500)
    started = time.perf_counter()
    relayed = 0
    try:
        while relayed < count:
            relayed += await relay.catch_up()
    finally:
        elapsed = time.perf_counter() - started
        await router.broker.stop()
    return relayed / elapsed


async def main(addresses: StackAddresses, events: int) -> None:
    store = Agreements(env=event_store_environment(addresses.database_urls["agreements"]))
    record(store, events)
    relay = OutboxRelay(recorder=store.recorder, mapper=store.mapper,
                        positions=MemoryRelayPositions(), translate=to_contract,
                        topic="unused", publish=None)  # type: ignore[arg-type]
    messages = [envelope.to_kafka() for envelope in (
        relay.envelope(n) for n in store.recorder.select_notifications(0, events))
        if envelope is not None]
    raw_topic, relay_topic = (f"bench-{uuid.uuid4().hex[:8]}-{k}" for k in ("raw", "relay"))
    await create_topics(addresses.bootstrap_servers, [raw_topic, relay_topic], 3)
    figure("machine", machine())
    figure("events", str(events))
    raw = await raw_produce(addresses.bootstrap_servers, raw_topic, messages)
    figure("raw_produce_events_per_s", raw)
    relayed = await relay_all(store, addresses.bootstrap_servers, relay_topic, events)
    figure("relay_events_per_s", relayed)
    store.close()
    figure("ratio", relayed / raw)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    with servers() as running:
        asyncio.run(main(running, parser.parse_args().events))
