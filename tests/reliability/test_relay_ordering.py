"""A transaction held open while later ones wait: the relay never skips the late event.

eventsourcing serialises writers of the event store on a table lock, so a
notification id becomes visible only after every smaller one. Here a raw SQL
transaction inserts an event and holds its lock; the application's next save
waits; the relay, meanwhile, must neither see a gap nor skip anything.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import date

import psycopg
import pytest

from services.agreements.application import PURPOSE, Agreements
from services.agreements.contracts import to_contract
from shared.envelope import Envelope
from shared.eventstore import event_store_environment
from shared.principals import Caller, Principal, Role
from shared.relay import OutboxRelay, PostgresRelayPositions
from shared.store_migrations import prepare_stores
from shared.topics import Topics
from tests.support import Infrastructure, KafkaTestPublisher, read_topic

pytestmark = pytest.mark.integration

MANAGER = Caller(Principal(subject="cm-1", role=Role.CONTRACT_MANAGER), PURPOSE)


async def test_a_late_committing_event_is_relayed_in_order_and_not_skipped(
        database_url: str, topics: Topics, infrastructure: Infrastructure) -> None:
    store = Agreements(env=event_store_environment(database_url))
    first = store.register_provider(name="Erster", legal_form="e.V.",
                                    fields_of_action=["jugend"], contact="", caller=MANAGER,
                                    occurred_on=date(2026, 1, 1))
    template = store.recorder.select_notifications(0, 1)[0]
    held = psycopg.connect(database_url)
    late_id = uuid.uuid4()
    held.execute("LOCK TABLE agreements_events IN EXCLUSIVE MODE")
    held.execute("INSERT INTO agreements_events (originator_id, originator_version, topic, "
                 "state) VALUES (%s, 1, %s, %s)", (late_id, template.topic, template.state))
    saved: list[str] = []
    later = threading.Thread(target=lambda: saved.append(str(store.register_provider(
        name="Später", legal_form="e.V.", fields_of_action=["jugend"], contact="",
        caller=MANAGER, occurred_on=date(2026, 1, 2)).id)))
    later.start()
    prepare_stores(database_url)
    positions = PostgresRelayPositions(database_url)
    async with KafkaTestPublisher(infrastructure.bootstrap_servers, topics.agreements) as pub:
        relay = OutboxRelay(recorder=store.recorder, mapper=store.mapper, positions=positions,
                            translate=to_contract, topic=topics.agreements, publish=pub)
        assert await relay.relay_batch() == 1  # only the first; the rest is not visible
        await asyncio.sleep(0.5)
        assert saved == []  # the later writer waits for the lock

        held.commit()
        held.close()
        await asyncio.to_thread(later.join, 10)
        assert await relay.relay_batch() == 2

    records = await read_topic(infrastructure.bootstrap_servers, topics.agreements, expected=3)
    subjects = [Envelope.from_kafka(r.headers, r.value).subject for r in records]
    assert sorted(subjects) == sorted([str(first.id), str(late_id), saved[0]])
    assert await relay.position() == store.recorder.max_notification_id()
    store.close()
