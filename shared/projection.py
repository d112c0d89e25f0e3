"""The exactly-once batch consumer: event topics into PostgreSQL tables.

Used by the metrics service (facts) and by the cases service (its replica of
the agreements). Per batch, one PostgreSQL transaction writes the rows, the last version
applied per aggregate and the input position per partition; offsets are
committed to Kafka only after that commit. A redelivered event (version not
above the applied one) is skipped; an event whose predecessor is missing is
held back and retried, and its partition's offset is not committed past it.
A message that cannot be decoded or applied goes to the dead-letter topic with
its origin and error class, and the consumer goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata
from asyncpg.pool import PoolConnectionProxy
from prometheus_client import Counter, Gauge

from shared.envelope import Envelope, Headers

_log = logging.getLogger("wirkung.projection")

EVENTS_APPLIED = Counter("wirkung_projection_events_applied_total", "Events applied.",
                         ["consumer", "topic"])
DUPLICATES_SKIPPED = Counter("wirkung_projection_duplicates_skipped_total",
                             "Redelivered events skipped.", ["consumer", "topic"])
GAPS_HELD = Gauge("wirkung_projection_gaps_held", "Events held back waiting for a predecessor.",
                  ["consumer"])
DEAD_LETTERS = Counter("wirkung_projection_dead_letters_total", "Messages sent to the DLQ.",
                       ["consumer", "topic", "error_class"])
LAST_APPLIED = Gauge("wirkung_projection_last_applied_event_timestamp_seconds",
                     "Record time of the last applied event.", ["consumer"])
CONSUMER_LAG = Gauge("wirkung_projection_consumer_lag", "Messages not yet consumed.",
                     ["consumer", "topic", "partition"])

Connection = asyncpg.Connection | PoolConnectionProxy
DeadLetterSender = Callable[[bytes | None, bytes | None, Headers], Awaitable[Any]]
Parse = Callable[[Envelope], Any]  # the event's contract instance; raises if unusable
Project = Callable[[Connection, Envelope, Any], Awaitable[None]]

TRACKING_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS applied_versions (
        aggregate_id text PRIMARY KEY,
        version integer NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS input_positions (
        topic text NOT NULL,
        partition integer NOT NULL,
        last_offset bigint NOT NULL,
        PRIMARY KEY (topic, partition)
    )
    """,
)


@dataclass
class Pending:
    """A decoded message waiting to be applied."""

    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope
    event: Any


@dataclass
class BatchOutcome:
    applied: int = 0
    duplicates: int = 0
    held: int = 0
    dead: list[tuple[ConsumerRecord[bytes, bytes], BaseException]] = field(default_factory=list)


class ProjectionConsumer:
    """Consumes event topics in batches into tables; `parse` and `project` say how."""

    def __init__(self, *, name: str, pool: asyncpg.Pool, bootstrap_servers: str,
                 topics: Sequence[str], group_id: str, parse: Parse, project: Project,
                 dead_letter: DeadLetterSender, batch_size: int = 2000,
                 after_commit: Callable[[], Awaitable[None]] | None = None) -> None:
        self.name = name
        self.parse = parse
        self.project = project
        self.pool = pool
        self.bootstrap_servers = bootstrap_servers
        self.topics = list(topics)
        self.group_id = group_id
        self.dead_letter = dead_letter
        self.batch_size = batch_size
        self.after_commit = after_commit
        self.held: list[Pending] = []
        self.consumer: AIOKafkaConsumer | None = None

    async def run(self) -> None:
        """Consume until cancelled."""
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, group_id=self.group_id,
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_poll_records=self.batch_size, client_id=f"wirkung-{self.name}",
        )
        self.consumer.subscribe(self.topics, listener=_DropHeldOnRevoke(self))
        await self.consumer.start()
        try:
            while True:
                batches = await self.consumer.getmany(timeout_ms=500,
                                                      max_records=self.batch_size)
                records = [record for part in batches.values() for record in part]
                if records or self.held:
                    await self._process_until_done(records)
                await self._report_lag()
        finally:
            await self.consumer.stop()

    async def _process_until_done(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        backoff = 0.5
        while True:
            try:
                await self.process(records)
                return
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                    asyncpg.CannotConnectNowError):
                _log.warning("database unavailable; retrying the batch", exc_info=True)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    async def process(self, records: list[ConsumerRecord[bytes, bytes]]) -> BatchOutcome:
        """Apply one batch, send its dead letters, then commit its offsets."""
        pending, outcome = list(self.held), BatchOutcome()
        for record in records:
            try:
                envelope = Envelope.from_kafka(record.headers, record.value)
                pending.append(Pending(record, envelope, self.parse(envelope)))
            except Exception as error:
                outcome.dead.append((record, error))
        try:
            result = await self._apply(pending, isolate=False)
        except asyncpg.PostgresError as failure:
            if isinstance(failure, asyncpg.PostgresConnectionError):
                raise
            result = await self._apply(pending, isolate=True)
        result.dead[:0] = outcome.dead
        for dead_record, reason in result.dead:
            await self._send_dead_letter(dead_record, reason)
        await self._commit(records)
        if self.after_commit is not None and result.applied:
            await self.after_commit()
        return result

    async def _apply(self, pending: list[Pending], *, isolate: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        subjects = list({item.envelope.subject for item in pending})
        async with self.pool.acquire() as connection, connection.transaction():
            rows = await connection.fetch(
                "SELECT aggregate_id, version FROM applied_versions WHERE aggregate_id = ANY($1)",
                subjects,
            )
            versions = {row["aggregate_id"]: row["version"] for row in rows}
            changed: dict[str, int] = {}
            waiting = pending
            progress = True
            while waiting and progress:
                progress, still_waiting = False, []
                for item in waiting:
                    current = versions.get(item.envelope.subject, 0)
                    if item.envelope.aggregate_version <= current:
                        outcome.duplicates += 1
                        DUPLICATES_SKIPPED.labels(self.name, item.record.topic).inc()
                    elif item.envelope.aggregate_version > current + 1:
                        still_waiting.append(item)
                    elif await self._project(connection, item, outcome, isolate=isolate):
                        versions[item.envelope.subject] = item.envelope.aggregate_version
                        changed[item.envelope.subject] = item.envelope.aggregate_version
                        outcome.applied += 1
                        progress = True
                waiting = still_waiting
            if changed:
                await connection.executemany(
                    """INSERT INTO applied_versions (aggregate_id, version) VALUES ($1, $2)
                       ON CONFLICT (aggregate_id) DO UPDATE
                       SET version = EXCLUDED.version, applied_at = now()""",
                    list(changed.items()),
                )
            positions = _last_offsets(item.record for item in pending)
            if positions:
                await connection.executemany(
                    """INSERT INTO input_positions (topic, partition, last_offset)
                       VALUES ($1, $2, $3) ON CONFLICT (topic, partition) DO UPDATE
                       SET last_offset = GREATEST(input_positions.last_offset,
                                                  EXCLUDED.last_offset)""",
                    [(tp.topic, tp.partition, offset) for tp, offset in positions.items()],
                )
        self.held = waiting
        outcome.held = len(waiting)
        GAPS_HELD.labels(self.name).set(len(waiting))
        if outcome.applied:
            latest = max(item.envelope.time.timestamp() for item in pending)
            LAST_APPLIED.labels(self.name).set(latest)
        return outcome

    async def _project(self, connection: Connection, item: Pending,
                       outcome: BatchOutcome, *, isolate: bool) -> bool:
        if not isolate:
            await self.project(connection, item.envelope, item.event)
            EVENTS_APPLIED.labels(self.name, item.record.topic).inc()
            return True
        try:
            async with connection.transaction():
                await self.project(connection, item.envelope, item.event)
        except asyncpg.PostgresError as error:
            if isinstance(error, asyncpg.PostgresConnectionError):
                raise
            outcome.dead.append((item.record, error))
            return False
        EVENTS_APPLIED.labels(self.name, item.record.topic).inc()
        return True

    async def _send_dead_letter(self, record: ConsumerRecord[bytes, bytes],
                                error: BaseException) -> None:
        headers: Headers = [
            *record.headers,
            ("dlq_origin_topic", record.topic.encode()),
            ("dlq_origin_partition", str(record.partition).encode()),
            ("dlq_origin_offset", str(record.offset).encode()),
            ("dlq_error_class", type(error).__name__.encode()),
            ("dlq_error_message", str(error)[:500].encode()),
        ]
        ack = await self.dead_letter(record.key, record.value, headers)
        await ack
        DEAD_LETTERS.labels(self.name, record.topic, type(error).__name__).inc()
        _log.error("sent message to the dead-letter topic",
                   extra={"topic": record.topic, "position": record.offset,
                          "event": type(error).__name__})

    async def _commit(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        if self.consumer is None or not records:
            return
        offsets = {tp: offset + 1 for tp, offset in _last_offsets(records).items()}
        for item in self.held:  # never commit past an event still held back
            tp = TopicPartition(item.record.topic, item.record.partition)
            if tp in offsets:
                offsets[tp] = min(offsets[tp], item.record.offset)
        assigned = self.consumer.assignment()
        commit = {tp: OffsetAndMetadata(offset, "") for tp, offset in offsets.items()
                  if tp in assigned}
        if commit:
            await self.consumer.commit(commit)

    async def _report_lag(self) -> None:
        if self.consumer is None:
            return
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is not None:
                position = await self.consumer.position(tp)
                lag = max(highwater - position, 0)
                CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(lag)


def _last_offsets(records: Any) -> dict[TopicPartition, int]:
    last: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        last[tp] = max(last.get(tp, -1), record.offset)
    return last


class _DropHeldOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Held events of a revoked partition are another consumer's now."""

    def __init__(self, consumer: ProjectionConsumer) -> None:
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        gone = set(revoked)
        self.consumer.held = [
            item for item in self.consumer.held
            if TopicPartition(item.record.topic, item.record.partition) not in gone
        ]

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None
