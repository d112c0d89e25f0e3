"""The outbox relay on the real PostgreSQL and the real broker."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.agreements.application import PURPOSE, Agreements
from services.agreements.contracts import to_contract
from shared.embedded import EmbeddedBroker
from shared.embedded.process import free_port
from shared.embedded.stack import create_topics
from shared.envelope import Envelope
from shared.eventstore import event_store_environment
from shared.kafka import topic_ends
from shared.observability import correlation_id
from shared.principals import Caller, Principal, Role
from shared.relay import OutboxRelay, PostgresRelayPositions, RelayPositions
from shared.store_migrations import prepare_stores
from shared.topics import Topics
from tests.support import Infrastructure, KafkaTestPublisher, read_topic

pytestmark = pytest.mark.integration

MANAGER = Caller(Principal(subject="cm-1", role=Role.CONTRACT_MANAGER), PURPOSE)


class SimulatedCrash(Exception):
    """The relay process dies here."""


class CrashBeforeRecording:
    """Reads the real position, but 'dies' before it can record a new one."""

    def __init__(self, real: RelayPositions) -> None:
        self.real = real

    def get(self, topic: str) -> int:
        return self.real.get(topic)

    def published(self, topic: str) -> int:
        return self.real.published(topic)

    def record(self, topic: str, notification_id: int, published: int) -> None:
        raise SimulatedCrash

    def reset(self, topic: str) -> None:
        self.real.reset(topic)


def register(store: Agreements, count: int, offset: int = 0) -> list[str]:
    return [
        str(store.register_provider(name=f"Träger {offset + n}", legal_form="e.V.",
                                    fields_of_action=["jugend"], contact="", caller=MANAGER,
                                    occurred_on=date(2026, 1, 1)).id)
        for n in range(count)
    ]


def relay_for(store: Agreements, topic: str, publish: Any, positions: RelayPositions,
              **options: Any) -> OutboxRelay:
    return OutboxRelay(recorder=store.recorder, mapper=store.mapper, positions=positions,
                       translate=to_contract, topic=topic, publish=publish, batch_size=100,
                       **options)


async def test_the_relay_publishes_each_event_keyed_by_its_aggregate(
        database_url: str, topics: Topics, infrastructure: Infrastructure) -> None:
    store = Agreements(env=event_store_environment(database_url))
    token = correlation_id.set("req-relay-1")
    try:
        ids = register(store, 7)
    finally:
        correlation_id.reset(token)

    async with KafkaTestPublisher(infrastructure.bootstrap_servers, topics.agreements) as pub:
        prepare_stores(database_url)
        positions = PostgresRelayPositions(database_url)
        assert await relay_for(store, topics.agreements, pub, positions).relay_batch() == 7

    records = await read_topic(infrastructure.bootstrap_servers, topics.agreements, expected=7)
    envelopes = [Envelope.from_kafka(r.headers, r.value) for r in records]
    assert sorted(e.subject for e in envelopes) == sorted(ids)
    assert all(r.key == r_env.subject.encode() for r, r_env in zip(records, envelopes,
                                                                     strict=True))
    assert {e.type for e in envelopes} == {"de.wirkung.agreements.ProviderRegistered.v1"}
    assert {e.correlation_id for e in envelopes} == {"req-relay-1"}
    store.close()


async def test_a_relay_killed_after_the_ack_republishes_but_never_skips(
        database_url: str, topics: Topics, infrastructure: Infrastructure) -> None:
    store = Agreements(env=event_store_environment(database_url))
    first = register(store, 5)
    prepare_stores(database_url)
    positions = PostgresRelayPositions(database_url)
    async with KafkaTestPublisher(infrastructure.bootstrap_servers, topics.agreements) as pub:
        crashing = relay_for(store, topics.agreements, pub, CrashBeforeRecording(positions))
        with pytest.raises(SimulatedCrash):
            await crashing.relay_batch()

        restarted = relay_for(store, topics.agreements, pub, positions)
        assert await restarted.relay_batch() == 5
        later = register(store, 3, offset=5)
        assert await restarted.relay_batch() == 3
        assert await restarted.relay_batch() == 0

    records = await read_topic(infrastructure.bootstrap_servers, topics.agreements, expected=13)
    published = Counter(Envelope.from_kafka(r.headers, r.value).subject for r in records)
    assert set(published) == set(first + later)  # nothing skipped
    assert all(published[aggregate] == 2 for aggregate in first)  # duplicates, not gaps
    assert all(published[aggregate] == 1 for aggregate in later)
    assert await restarted.position() == store.recorder.max_notification_id()
    store.close()


async def test_a_recreated_topic_is_rebuilt_from_the_event_store(
        database_url: str, topics: Topics, infrastructure: Infrastructure) -> None:
    store = Agreements(env=event_store_environment(database_url))
    ids = register(store, 4)
    prepare_stores(database_url)
    positions = PostgresRelayPositions(database_url)
    # The store says all four were published, but the topic is new and empty.
    positions.record(topics.agreements, store.recorder.max_notification_id() or 0, 4)
    ends = topic_ends(infrastructure.bootstrap_servers, topics.agreements)

    async with KafkaTestPublisher(infrastructure.bootstrap_servers, topics.agreements) as pub:
        relay = relay_for(store, topics.agreements, pub, positions, topic_ends=ends)
        assert await relay.republish_if_topic_lost_events()
        assert await relay.relay_batch() == 4
        assert not await relay.republish_if_topic_lost_events()  # all there again

    records = await read_topic(infrastructure.bootstrap_servers, topics.agreements, expected=4)
    assert sorted(r.key.decode() for r in records if r.key) == sorted(ids)
    store.close()


@dataclass
class OwnBroker:
    """A broker of the test's own (restarted at will), the store and the relay's parts."""

    broker: EmbeddedBroker
    store: Agreements
    positions: PostgresRelayPositions
    ends: Any

    async def restart_empty(self, topic: str) -> None:
        await asyncio.to_thread(self.broker.stop)  # the development broker keeps nothing
        await asyncio.to_thread(self.broker.start)
        await create_topics(self.broker.bootstrap_servers, [topic])


@asynccontextmanager
async def own_broker(database_url: str, topic: str, tmp_path: Path) -> AsyncIterator[OwnBroker]:
    broker = EmbeddedBroker(free_port(), tmp_path / "broker.log")
    await asyncio.to_thread(broker.start)
    store = Agreements(env=event_store_environment(database_url))
    prepare_stores(database_url)
    try:
        await create_topics(broker.bootstrap_servers, [topic])
        yield OwnBroker(broker, store, PostgresRelayPositions(database_url),
                        topic_ends(broker.bootstrap_servers, topic))
    finally:
        store.close()
        await asyncio.to_thread(broker.stop)


async def test_a_broker_that_lost_its_messages_and_took_new_ones_is_rebuilt_in_full(
        database_url: str, topics: Topics, tmp_path: Path) -> None:
    """The broker restarts empty and the relay's next messages land before any check sees
    the topic empty: the acknowledged offsets start over, and that is enough to rebuild."""
    async with own_broker(database_url, topics.agreements, tmp_path) as own:
        servers = own.broker.bootstrap_servers
        before = register(own.store, 3)
        async with KafkaTestPublisher(servers, topics.agreements) as pub:
            relay = relay_for(own.store, topics.agreements, pub, own.positions,
                              topic_ends=own.ends)
            assert await relay.catch_up() == 3
        await own.restart_empty(topics.agreements)
        after = register(own.store, 2, offset=3)
        async with KafkaTestPublisher(servers, topics.agreements) as pub:
            relay.publish = pub
            assert await relay.catch_up() == 2  # the topic is not empty now
            assert await relay.republish_if_topic_lost_events()
            assert await relay.catch_up() == 5
            assert not await relay.republish_if_topic_lost_events()

        records = await read_topic(servers, topics.agreements, expected=7)
        assert {r.key.decode() for r in records if r.key} == set(before + after)


async def test_a_partition_that_ends_below_what_the_broker_acknowledged_is_rebuilt(
        database_url: str, topics: Topics, tmp_path: Path) -> None:
    """The broker restarts empty and another writer's message lands first: the topic is
    not empty, and no acknowledgement of the relay's has started over, but a partition
    ends at or below an offset the broker acknowledged to the relay before."""
    async with own_broker(database_url, topics.agreements, tmp_path) as own:
        servers = own.broker.bootstrap_servers
        before = register(own.store, 4)
        async with KafkaTestPublisher(servers, topics.agreements) as pub:
            relay = relay_for(own.store, topics.agreements, pub, own.positions,
                              topic_ends=own.ends)
            assert await relay.catch_up() == 4
            assert not await relay.republish_if_topic_lost_events()  # all there
        await own.restart_empty(topics.agreements)
        async with KafkaTestPublisher(servers, topics.agreements) as other:
            await (await other(b"someone-else", b"{}", []))
        assert not relay.partition_restarted
        assert sum((await own.ends()).values()) == 1

        assert await relay.republish_if_topic_lost_events()
        async with KafkaTestPublisher(servers, topics.agreements) as pub:
            relay.publish = pub
            assert await relay.catch_up() == 4
            assert not await relay.republish_if_topic_lost_events()

        records = await read_topic(servers, topics.agreements, expected=5)
        assert {r.key.decode() for r in records if r.key} == set(before) | {"someone-else"}
