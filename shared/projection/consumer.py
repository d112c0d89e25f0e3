"""The exactly-once batch consumer itself (see the package docstring)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.protocol.group import LeaveGroupRequest
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata

from shared.envelope import Envelope, Headers
from shared.projection.instruments import (
    CONSUMER_LAG,
    DEAD_LETTERS,
    DUPLICATES_SKIPPED,
    EVENTS_APPLIED,
    GAPS_HELD,
    LAST_APPLIED,
)
from shared.projection.kinds import (
    Begin,
    Connection,
    DeadLetterSender,
    Decode,
    Parse,
    Project,
    ProjectBatch,
)
from shared.projection.ordering import BatchOutcome, Decoded, Pending, in_order
from shared.projection.tracking import last_offsets, track
from shared.settings import DEFAULT_GROUP_TIMING, GroupTiming

_log = logging.getLogger("wirkung.projection")
# How long the broker may hold a fetch that finds nothing new. A broker may hold it this
# long even when an event arrives meanwhile (seen with the development broker), so this
# bounds how late a trickle of events is applied (aiokafka's default: 500 ms).
FETCH_MAX_WAIT_MS = 100


class ProjectionConsumer:
    """Consumes event topics in batches into tables; `parse` and `project` say how.

    Optional hooks make it fast and let a projection own more of the batch:
    `decode` turns a record into (envelope, event) in one step; `project_batch`
    applies all due events of a batch at once (one COPY per table, say), while
    `project` stays the one-by-one fallback for a batch that fails; `begin`
    runs first in every batch transaction (to take a lock, say). With
    `replay_unknown_partitions`, an assigned partition the tables know no
    position of is read from its beginning (a fresh set of tables).

    Dead letters are sent at least once: a consumer stopped after sending one but before
    committing the batch's offsets reads the record again and sends it again. The
    `dlq_origin_*` headers (topic, partition, offset) name the record, so a reader of the
    dead-letter topic recognises a repeat.
    """

    def __init__(self, *, name: str, pool: asyncpg.Pool, bootstrap_servers: str,
                 topics: Sequence[str], group_id: str, parse: Parse, project: Project,
                 dead_letter: DeadLetterSender, batch_size: int = 2000,
                 after_commit: Callable[[], Awaitable[None]] | None = None,
                 decode: Decode | None = None, project_batch: ProjectBatch | None = None,
                 begin: Begin | None = None, replay_unknown_partitions: bool = False,
                 timing: GroupTiming = DEFAULT_GROUP_TIMING) -> None:
        self.name, self.pool, self.parse, self.project = name, pool, parse, project
        self.bootstrap_servers, self.topics, self.group_id = bootstrap_servers, topics, group_id
        self.dead_letter, self.batch_size, self.after_commit = dead_letter, batch_size, after_commit
        self.decode = decode or self._decode
        self.project_batch, self.begin = project_batch, begin
        self.replay_unknown_partitions, self.timing = replay_unknown_partitions, timing
        self.held: list[Pending] = []
        self.consumer: AIOKafkaConsumer | None = None
        self._lag_reported = 0.0

    async def run(self) -> None:
        """Consume until cancelled; decoding a batch overlaps the writing of the one before."""
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers, group_id=self.group_id,
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_poll_records=self.batch_size, client_id=f"wirkung-{self.name}",
            fetch_max_bytes=16 * 1024 * 1024, max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS, **self.timing.consumer_options(),
        )
        self.consumer.subscribe(list(self.topics), listener=_Rebalance(self))
        await self.consumer.start()
        writing: asyncio.Task[BatchOutcome] | None = None
        try:
            while True:
                batches = await self.consumer.getmany(timeout_ms=500,
                                                      max_records=self.batch_size)
                records = [record for part in batches.values() for record in part]
                decoded = self.decode_all(records)
                if writing is not None:
                    await writing  # batches are applied and committed strictly in turn
                    writing = None
                if records or self.held:
                    writing = asyncio.create_task(self._process_until_done(records, decoded))
                await self._report_lag()
        finally:
            if writing is not None and not writing.done():
                # Let the batch in flight commit its offsets, for a while, then give up.
                await asyncio.wait([writing], timeout=5.0)
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writing
            await leave_group(self.consumer)
            await self.consumer.stop()

    async def _process_until_done(self, records: list[ConsumerRecord[bytes, bytes]],
                                  decoded: Decoded | None = None) -> BatchOutcome:
        backoff = 0.5
        while True:
            try:
                return await self.process(records, decoded)
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                    asyncpg.CannotConnectNowError):
                _log.warning("database unavailable; retrying the batch", exc_info=True)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    def _decode(self, record: ConsumerRecord[bytes, bytes]) -> tuple[Envelope, Any]:
        envelope = Envelope.from_kafka(record.headers, record.value)
        return envelope, self.parse(envelope)

    def decode_all(self, records: list[ConsumerRecord[bytes, bytes]]) -> Decoded:
        """Decode a batch's records; one that cannot be decoded is for the dead letters."""
        decoded = Decoded()
        for record in records:
            try:
                envelope, event = self.decode(record)
                decoded.pending.append(Pending(record, envelope, event))
            except Exception as error:
                decoded.dead.append((record, error))
        return decoded

    async def process(self, records: list[ConsumerRecord[bytes, bytes]],
                      decoded: Decoded | None = None) -> BatchOutcome:
        """Apply one batch, send its dead letters, then commit its offsets."""
        decoded = decoded or self.decode_all(records)
        pending = [*self.held, *decoded.pending]
        try:
            result = await self._apply(pending, records, isolate=False)
        except asyncpg.PostgresError as failure:
            if isinstance(failure, asyncpg.PostgresConnectionError):
                raise
            result = await self._apply(pending, records, isolate=True)
        result.dead[:0] = decoded.dead
        for dead_record, reason in result.dead:
            await self._send_dead_letter(dead_record, reason)
        await self._commit(records)
        if self.after_commit is not None and result.applied:
            await self.after_commit()
        return result

    async def _apply(self, pending: list[Pending], records: list[ConsumerRecord[bytes, bytes]],
                     *, isolate: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        subjects = list({item.envelope.subject for item in pending})
        async with self.pool.acquire() as connection, connection.transaction():
            if self.begin is not None:
                await self.begin(connection)
            rows = await connection.fetch(
                "SELECT aggregate_id, version FROM applied_versions "
                "WHERE aggregate_id = ANY($1::text[])", subjects)
            versions: dict[str, int] = {row[0]: row[1] for row in rows}
            if isolate or self.project_batch is None:
                async def apply(item: Pending) -> bool:
                    return await self._project(connection, item, outcome, isolate=isolate)

                applied, waiting = await in_order(pending, versions, outcome, apply)
            else:
                applied, waiting = await in_order(pending, versions, outcome)
                await self.project_batch(connection, [(i.envelope, i.event) for i in applied])
            outcome.applied = len(applied)
            await track(connection, {item.envelope.subject: versions[item.envelope.subject]
                                      for item in applied},
                         last_offsets(records or [item.record for item in pending]))
        self.held = waiting
        outcome.held = len(waiting)
        self._count(applied, outcome)
        return outcome

    async def _project(self, connection: Connection, item: Pending,
                       outcome: BatchOutcome, *, isolate: bool) -> bool:
        if not isolate:
            await self.project(connection, item.envelope, item.event)
            return True
        try:
            async with connection.transaction():
                await self.project(connection, item.envelope, item.event)
        except asyncpg.PostgresError as error:
            if isinstance(error, asyncpg.PostgresConnectionError):
                raise
            outcome.dead.append((item.record, error))
            return False
        return True

    def _count(self, applied: list[Pending], outcome: BatchOutcome) -> None:
        GAPS_HELD.labels(self.name).set(outcome.held)
        for topic, count in outcome.duplicates_by_topic.items():
            DUPLICATES_SKIPPED.labels(self.name, topic).inc(count)
        if not applied:
            return
        for topic, count in collections.Counter(i.record.topic for i in applied).items():
            EVENTS_APPLIED.labels(self.name, topic).inc(count)
        LAST_APPLIED.labels(self.name).set(applied[-1].envelope.time.timestamp())

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
        offsets = {tp: offset + 1 for tp, offset in last_offsets(records).items()}
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
        if self.consumer is None or time.monotonic() - self._lag_reported < 1.0:
            return
        self._lag_reported = time.monotonic()
        for tp in self.consumer.assignment():
            # The high watermark of the last fetch, not `end_offsets`: that one is exact on
            # the development broker too (see shared.offsets).
            highwater = self.consumer.highwater(tp)
            if highwater is not None:
                position = await self.consumer.position(tp)
                lag = max(highwater - position, 0)
                CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(lag)

    async def replay_unknown(self, assigned: list[TopicPartition]) -> None:
        """Read from the beginning each assigned partition the tables have no position of."""
        if not self.replay_unknown_partitions or self.consumer is None or not assigned:
            return
        rows = await self.pool.fetch("SELECT topic, partition FROM input_positions")
        known = {TopicPartition(row["topic"], row["partition"]) for row in rows}
        unknown = [tp for tp in assigned if tp not in known]
        if unknown:
            await self.consumer.seek_to_beginning(*unknown)


async def leave_group(consumer: AIOKafkaConsumer) -> None:
    """Leave the consumer group before stopping, also from the group's first generation.

    aiokafka leaves only from a generation above 0: Apache Kafka numbers them from 1,
    the development broker from 0. A member that does not leave holds up the next join
    of its group (a restarted service's, say) until its session times out.
    """
    coordinator: Any = getattr(consumer, "_coordinator", None)
    if coordinator is None or coordinator.generation != 0 or not coordinator.member_id:
        return  # no group, or aiokafka leaves itself
    try:
        await coordinator._send_req(LeaveGroupRequest(coordinator.group_id,
                                                      coordinator.member_id))
    except Exception:  # a best effort, as aiokafka's own: the session ends it otherwise
        _log.warning("could not leave consumer group %s", coordinator.group_id, exc_info=True)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
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
        await self.consumer.replay_unknown(list(assigned))
