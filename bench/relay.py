"""Benchmark 2: the outbox relay against a raw aiokafka producer of the same messages.

    python bench/relay.py [--events 20000]

Records the events (provider registrations, through the agreements
application), then lets the agreements service (`wirkung serve agreements`)
take them in: its relay, read model and audit chain. Then starts it again with
a fresh topic prefix: its relay publishes every stored event once more, to the
new and empty topic (as after a lost topic), while nothing else in the service
has work (read, decode, translate to the contract, encode, send, wait for the
acks, record the position). Timed from outside: from the first message's
produce time on the topic to the moment the relay recorded its position at the
last event (`relay_positions.recorded_at`). A raw aiokafka producer then sends
the same messages (read back from that topic) to another fresh topic on the
same broker. Last line: ratio = relay / raw (goal >= 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.cityyear import view_position
from bench.common import figure, machine, servers, serving
from services.agreements.application import PURPOSE, Agreements
from shared.auth import Role, new_secret
from shared.embedded.stack import StackAddresses, create_topics
from shared.eventstore import event_store_environment
from shared.principals import Caller, Principal
from shared.topics import Topics

Message = tuple[bytes, bytes, Any]  # key, value, headers


def record(database_url: str, count: int) -> None:
    """`count` provider registrations, through the application's command (8 threads)."""
    store = Agreements(env=event_store_environment(database_url))
    manager = Caller(Principal(subject="bench", role=Role.CONTRACT_MANAGER), PURPOSE)

    def register(n: int) -> None:
        store.register_provider(name=f"Träger {n}", legal_form="e.V.",
                                fields_of_action=["jugend", "soziales"], contact="",
                                caller=manager, occurred_on=date(2026, 1, 1))

    try:
        with ThreadPoolExecutor(8) as threads:
            list(threads.map(register, range(count)))
    finally:
        store.close()


async def raw_produce(bootstrap: str, topic: str, messages: list[Message]) -> float:
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


async def relayed(database_url: str, topic: str, last: int, *,
                  everything: bool = False) -> float:
    """Wait until the relay has recorded `last` for `topic` (and, with `everything`, the
    read model and the audit chain have followed too); when it recorded it (seconds)."""
    connection = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            row = await connection.fetchrow(
                "SELECT notification_id, extract(epoch FROM recorded_at)::float8 "
                "FROM relay_positions WHERE topic = $1", topic)
            if row is not None and row[0] >= last and (not everything or (
                    await view_position(connection) >= last and await connection.fetchval(
                        "SELECT coalesce(max(position), 0) FROM audit_chain") >= last)):
                return float(row[1])
            await asyncio.sleep(0.01)
    finally:
        await connection.close()
    raise TimeoutError(f"the agreements service did not relay {last} events to {topic}")


async def messages_on(bootstrap: str, topic: str, count: int) -> list[tuple[Message, float]]:
    """The first `count` messages on `topic`, each with its produce time (seconds)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[tuple[Message, float]] = []
        while len(found) < count:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                found.extend(((record.key or b"", record.value or b"", list(record.headers)),
                              record.timestamp / 1000) for record in records)
        return found
    finally:
        await consumer.stop()


def agreements_environment(addresses: StackAddresses, prefix: str) -> Mapping[str, str]:
    return {"WIRKUNG_AGREEMENTS_DATABASE_URL": addresses.database_urls["agreements"],
            "KAFKA_BOOTSTRAP_SERVERS": addresses.bootstrap_servers,
            "WIRKUNG_TOPIC_PREFIX": prefix, "WIRKUNG_AUTH_SECRET": new_secret(),
            "WIRKUNG_LOG_LEVEL": "WARNING"}


async def main(addresses: StackAddresses, events: int, home: Path) -> None:
    database_url = addresses.database_urls["agreements"]
    run = uuid.uuid4().hex[:8]
    taken_in, republished = Topics(f"bench-{run}-in"), Topics(f"bench-{run}-relay")
    raw_topic = f"bench-{run}-raw"
    await create_topics(addresses.bootstrap_servers,
                        [*taken_in.all(), *republished.all(), raw_topic], 3)
    await asyncio.to_thread(record, database_url, events)
    last = await _last_notification(database_url)
    log = home / "agreements.log"
    with serving("agreements", agreements_environment(addresses, taken_in.prefix), log):
        await relayed(database_url, taken_in.agreements, last, everything=True)
    with serving("agreements", agreements_environment(addresses, republished.prefix), log):
        finished = await relayed(database_url, republished.agreements, last)
    messages = await messages_on(addresses.bootstrap_servers, republished.agreements, events)
    relay = events / (finished - min(produced for _, produced in messages))
    raw = await raw_produce(addresses.bootstrap_servers, raw_topic,
                            [message for message, _ in messages])
    figure("machine", machine())
    figure("events", str(events))
    figure("raw_produce_events_per_s", raw)
    figure("relay_events_per_s", relay)
    figure("ratio", relay / raw)


async def _last_notification(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return int(await connection.fetchval(
            "SELECT coalesce(max(notification_id), 0) FROM agreements_events"))
    finally:
        await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    arguments = parser.parse_args()
    with servers() as running, tempfile.TemporaryDirectory(prefix="bench-relay-") as logs:
        asyncio.run(main(running, arguments.events, Path(logs)))
