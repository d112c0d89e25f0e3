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
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from eventsourcing.persistence import (
    ApplicationRecorder,
    Mapper,
    Notification,
    Tracking,
    TrackingRecorder,
)
from prometheus_client import Counter, Gauge

from shared.contracts.base import IntegrationEvent
from shared.envelope import Envelope, Headers
from shared.eventstore import stored_correlation_id

_log = logging.getLogger("wirkung.relay")

EVENTS_RELAYED = Counter("wirkung_relay_events_total", "Events published by the relay.", ["topic"])
RELAY_POSITION = Gauge(
    "wirkung_relay_position", "Last notification id acknowledged and recorded.", ["topic"]
)
RELAY_ERRORS = Counter("wirkung_relay_errors_total", "Failed relay rounds.", ["topic"])

Translate = Callable[[Any], IntegrationEvent | None]


class Publisher(Protocol):
    """Sends one message; the returned awaitable completes on the broker's ack."""

    async def __call__(self, key: bytes, value: bytes, headers: Headers) -> Awaitable[Any]: ...


class OutboxRelay:
    """Publishes a notification log to one topic, at least once and in order."""

    def __init__(self, *, recorder: ApplicationRecorder, mapper: Mapper[Any],
                 tracking: TrackingRecorder, translate: Translate, topic: str,
                 publish: Publisher, batch_size: int = 500, poll_interval: float = 1.0) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.tracking = tracking
        self.translate = translate
        self.topic = topic
        self.publish = publish
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.wakeup = asyncio.Event()

    async def position(self) -> int:
        return await asyncio.to_thread(self.tracking.max_tracking_id, self.topic) or 0

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
            data=contract.model_dump(mode="json"),
            aggregate_version=notification.originator_version,
            correlation_id=stored_correlation_id(notification.state),
        )

    async def relay_batch(self) -> int:
        """Publish the next batch after the recorded position; the number relayed."""
        start = await self.position()
        notifications: Sequence[Notification] = await asyncio.to_thread(
            self.recorder.select_notifications, start, self.batch_size,
            inclusive_of_start=False,
        )
        if not notifications:
            return 0
        acks = []
        for notification in notifications:
            envelope = self.envelope(notification)
            if envelope is not None:
                acks.append(await self.publish(*envelope.to_kafka()))
        await asyncio.gather(*acks)
        last = notifications[-1].id
        await asyncio.to_thread(self.tracking.insert_tracking, Tracking(self.topic, last))
        EVENTS_RELAYED.labels(self.topic).inc(len(acks))
        RELAY_POSITION.labels(self.topic).set(last)
        return len(notifications)

    async def run(self) -> None:
        """Relay until cancelled; wakes on `wakeup` or every `poll_interval`."""
        backoff = self.poll_interval
        while True:
            try:
                relayed = await self.relay_batch()
                backoff = self.poll_interval
            except asyncio.CancelledError:
                raise
            except Exception:
                RELAY_ERRORS.labels(self.topic).inc()
                _log.exception("relay round failed; retrying", extra={"topic": self.topic})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if relayed < self.batch_size:
                self.wakeup.clear()
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
