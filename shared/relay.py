"""The outbox relay: from a service's notification log to its Kafka topic.

It follows the event store's notification log in order, publishes each event
as a CloudEvent keyed by its aggregate id, waits until the broker has
acknowledged the whole batch, and only then records its position in the
service's own database. A crash between the acknowledgement and the record
republishes the batch on restart (duplicates, which every consumer skips),
but never leaves a gap. Writers of the event store serialise on a table lock,
so notification ids become visible in order and none is skipped.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from prometheus_client import Counter, Gauge
from psycopg_pool import ConnectionPool

from shared.contracts.base import IntegrationEvent
from shared.envelope import Envelope, Headers
from shared.eventstore import stored_correlation_id

_log = logging.getLogger("wirkung.relay")
IN_FLIGHT = 4  # batches sent and not yet acknowledged, at most

EVENTS_RELAYED = Counter("wirkung_relay_events_total", "Events published by the relay.", ["topic"])
RELAY_POSITION = Gauge(
    "wirkung_relay_position", "Last notification id acknowledged and recorded.", ["topic"]
)
RELAY_ERRORS = Counter("wirkung_relay_errors_total", "Failed relay rounds.", ["topic"])

Translate = Callable[[Any], IntegrationEvent | None]


class RelayPositions(Protocol):
    """Per topic: the last notification id acknowledged, and how many messages that made."""

    def get(self, topic: str) -> int: ...
    def published(self, topic: str) -> int: ...
    def record(self, topic: str, notification_id: int, published: int) -> None: ...
    def reset(self, topic: str) -> None: ...


class MemoryRelayPositions:
    def __init__(self) -> None:
        self._positions: dict[str, tuple[int, int]] = {}

    def get(self, topic: str) -> int:
        return self._positions.get(topic, (0, 0))[0]

    def published(self, topic: str) -> int:
        return self._positions.get(topic, (0, 0))[1]

    def record(self, topic: str, notification_id: int, published: int) -> None:
        self._positions[topic] = (notification_id, self.published(topic) + published)

    def reset(self, topic: str) -> None:
        self._positions.pop(topic, None)


class PostgresRelayPositions:
    """Positions in the service's own database (table `relay_positions`, made by
    `shared.store_migrations`)."""

    def __init__(self, conninfo: str) -> None:
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=2, open=True,
                                   check=ConnectionPool.check_connection)

    def get(self, topic: str) -> int:
        with self.pool.connection() as connection:
            row = connection.execute("SELECT notification_id FROM relay_positions "
                                     "WHERE topic = %s", (topic,)).fetchone()
        return int(row[0]) if row else 0

    def published(self, topic: str) -> int:
        with self.pool.connection() as connection:
            row = connection.execute("SELECT published FROM relay_positions "
                                     "WHERE topic = %s", (topic,)).fetchone()
        return int(row[0]) if row else 0

    def record(self, topic: str, notification_id: int, published: int) -> None:
        with self.pool.connection() as connection:
            connection.execute(
                """INSERT INTO relay_positions (topic, notification_id, published)
                   VALUES (%s, %s, %s) ON CONFLICT (topic) DO UPDATE
                   SET notification_id = EXCLUDED.notification_id,
                       published = relay_positions.published + EXCLUDED.published,
                       recorded_at = now()""",
                (topic, notification_id, published))

    def reset(self, topic: str) -> None:
        with self.pool.connection() as connection:
            connection.execute("DELETE FROM relay_positions WHERE topic = %s", (topic,))

    def close(self) -> None:
        self.pool.close()


class Publisher(Protocol):
    """Sends one message; the returned awaitable completes on the broker's ack."""

    async def __call__(self, key: bytes, value: bytes, headers: Headers) -> Awaitable[Any]: ...


class OutboxRelay:
    """Publishes a notification log to one topic, at least once and in order."""

    def __init__(self, *, recorder: ApplicationRecorder, mapper: Mapper[Any],
                 positions: RelayPositions, translate: Translate, topic: str,
                 publish: Publisher, batch_size: int = 500, poll_interval: float = 1.0,
                 topic_ends: Callable[[], Awaitable[dict[int, int]]] | None = None,
                 check_interval: float = 10.0) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.positions = positions
        self.topic_ends = topic_ends
        self.check_interval = check_interval
        self.translate = translate
        self.topic = topic
        self.publish = publish
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.wakeup = asyncio.Event()
        # Per partition, the highest offset the broker acknowledged to this relay. An
        # acknowledgement at or below it means the partition started over: the broker
        # lost what it held (and new messages took the old offsets).
        self.acknowledged: dict[int, int] = {}
        self.partition_restarted = False

    async def position(self) -> int:
        return await asyncio.to_thread(self.positions.get, self.topic)

    async def republish_if_topic_lost_events(self) -> bool:
        """Start over when the topic lost messages that were published to it.

        The event store is the source of truth and Kafka only distributes it: a
        topic that was deleted and created again, or a broker that lost its
        data (the development broker keeps nothing across restarts), is rebuilt
        from the store. Retention never empties a topic this way: its end
        offsets stay. Three signs, any one enough:
        - the topic is empty although messages were published to it;
        - a partition ends at or below an offset the broker acknowledged to this relay;
        - an acknowledgement came at or below an earlier one (`partition_restarted`):
          the partition started over and new messages took the old offsets.
        """
        reason = await self._lost_events()
        if reason is None:
            return False
        _log.warning("topic %s lost events (%s); republishing from the event store",
                     self.topic, reason, extra={"topic": self.topic})
        await asyncio.to_thread(self.positions.reset, self.topic)
        self.partition_restarted = False
        self.acknowledged.clear()
        return True

    async def _lost_events(self) -> str | None:
        """Why the topic is known to have lost events, or None."""
        if self.partition_restarted:
            return "a partition started over at an offset acknowledged before"
        if self.topic_ends is None:
            return None
        ends = await self.topic_ends()
        shorter = sorted(p for p, offset in self.acknowledged.items()
                         if ends.get(p, 0) <= offset)
        if shorter:
            return f"partitions {shorter} end below offsets the broker acknowledged"
        published = await asyncio.to_thread(self.positions.published, self.topic)
        if published > 0 and sum(ends.values()) == 0:
            return f"empty although {published} messages were published to it"
        return None

    def envelope(self, notification: Notification) -> Envelope | None:
        """The CloudEvent of one stored event, or None for an internal event."""
        domain_event: Any = self.mapper.to_domain_event(notification)
        contract = self.translate(domain_event)
        if contract is None:
            return None
        return Envelope(
            type=contract.ce_type(),
            source=contract.ce_source(),
            subject=str(notification.originator_id),
            time=domain_event.timestamp,
            data={},
            body=contract.model_dump_json().encode(),
            aggregate_version=notification.originator_version,
            correlation_id=stored_correlation_id(notification.state),
        )

    async def relay_batch(self) -> int:
        """Publish the next batch after the recorded position; the number relayed."""
        return await self.catch_up(max_batches=1)

    async def catch_up(self, max_batches: int | None = None) -> int:
        """Publish batch after batch until the log is exhausted; the number relayed.

        While the broker acknowledges the batches in flight (up to `IN_FLIGHT`),
        the next is read and sent; a batch's position is recorded only once it
        and all before it are acked.
        """
        after = await self.position()
        in_flight: collections.deque[tuple[int, int, asyncio.Future[Any]]] = collections.deque()
        relayed = batches = 0
        try:
            while max_batches is None or batches < max_batches:
                notifications: Sequence[Notification] = await asyncio.to_thread(
                    self.recorder.select_notifications, after, self.batch_size,
                    inclusive_of_start=False)
                if not notifications:
                    break
                batches += 1
                acks = [await self.publish(*envelope.to_kafka()) for envelope in
                        map(self.envelope, notifications) if envelope is not None]
                after = notifications[-1].id
                in_flight.append((after, len(acks), asyncio.ensure_future(asyncio.gather(*acks))))
                relayed += len(notifications)
                while len(in_flight) > IN_FLIGHT:
                    await self._acknowledged(*in_flight.popleft())
                if len(notifications) < self.batch_size:
                    break
            while in_flight:
                await self._acknowledged(*in_flight.popleft())
        finally:
            for _, _, pending in in_flight:
                pending.cancel()
        return relayed

    async def _acknowledged(self, last: int, count: int, acks: asyncio.Future[Any]) -> None:
        self._watch_offsets(await acks)
        await asyncio.to_thread(self.positions.record, self.topic, last, count)
        EVENTS_RELAYED.labels(self.topic).inc(count)
        RELAY_POSITION.labels(self.topic).set(last)

    def _watch_offsets(self, acknowledgements: Sequence[Any]) -> None:
        """Note whether a partition started over (see `acknowledged`)."""
        for acknowledgement in acknowledgements:
            partition = getattr(acknowledgement, "partition", None)
            offset = getattr(acknowledgement, "offset", None)
            if not isinstance(partition, int) or not isinstance(offset, int) or offset < 0:
                continue  # a publisher that does not say where the message went
            if offset <= self.acknowledged.get(partition, -1):
                self.partition_restarted = True
            self.acknowledged[partition] = offset

    async def run(self) -> None:
        """Relay until cancelled; wakes on `wakeup` or every `poll_interval`.

        Now and then, and after every failure, it checks that the topic still
        holds what was published (see `republish_if_topic_lost_events`).
        """
        backoff = self.poll_interval
        checked_at = -float("inf")
        while True:
            try:
                if self.partition_restarted or \
                        time.monotonic() - checked_at >= self.check_interval:
                    await self.republish_if_topic_lost_events()
                    checked_at = time.monotonic()
                self.wakeup.clear()  # what is written from now on wakes the next round
                await self.catch_up()
                backoff = self.poll_interval
            except asyncio.CancelledError:
                raise
            except Exception:
                checked_at = -float("inf")
                RELAY_ERRORS.labels(self.topic).inc()
                _log.exception("relay round failed; retrying", extra={"topic": self.topic})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), self.poll_interval)


async def listen_for_new_events(database_url: str, channel: str,
                                wakeup: asyncio.Event) -> None:
    """Set `wakeup` whenever PostgreSQL notifies `channel` (the event store's)."""
    import asyncpg

    while True:
        try:
            connection = await asyncpg.connect(database_url)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(2.0)
            continue
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _, lost=lost: lost.set())
        try:
            await connection.add_listener(channel, lambda *_: wakeup.set())
            wakeup.set()
            await lost.wait()
        finally:
            await connection.close()
