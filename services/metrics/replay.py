"""Replay the topics from offset zero into the facts of one schema, with the live consumer's code.

A rebuild replays to the end and swaps the schema in; an auditor's
verification replays up to the input positions an answer named and stops
exactly there, so that later events are not counted. Where a partition ends
is found by reading it (`shared.offsets`): the development broker reports
less than the offset after the last record.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.metrics.consumer import metrics_consumer
from services.metrics.facts.projection import project_batch
from services.metrics.facts.schema import create_pool, migrate
from shared.envelope import Headers
from shared.offsets import partition_ends
from shared.projection import ProjectionConsumer

Progress = Callable[[int, int], None]  # events read so far, events to read
StopAt = Mapping[TopicPartition, int]  # per partition, the last offset to apply


class PositionsBeyondTopics(ValueError):
    """A stop position the topics do not hold (yet, or any more)."""


class HistoryIncomplete(PositionsBeyondTopics):
    """A topic no longer holds its whole history: its first records were removed
    (retention, deleted records), or an aggregate's events start after its first."""


def _what_to_do(topics: list[str]) -> str:
    return (f"; the facts would be incomplete, so nothing is replaced. Republish "
            f"{', '.join(sorted(set(topics)))} from the event store: delete the topic, and "
            "the service that owns it republishes every stored event to it on its next "
            "check (within a minute); create it with retention.ms=-1 (unlimited), as "
            "docker-compose.yml does")


@dataclass
class Replayed:
    """What a replay read and applied."""

    events: int = 0
    dead_letters: int = 0
    # Aggregates with an event that could not be applied: their later events wait for it.
    dead_subjects: set[str] = field(default_factory=set)


class Replay:
    """Reads its partitions in batches and applies them to the schema's facts."""

    def __init__(self, pool: asyncpg.Pool, reader: AIOKafkaConsumer, bootstrap_servers: str,
                 projection: ProjectionConsumer, partitions: Sequence[TopicPartition],
                 stop_at: StopAt | None, outcome: Replayed, batch_size: int) -> None:
        self.pool, self.reader, self.projection = pool, reader, projection
        self.bootstrap_servers = bootstrap_servers
        self.partitions, self.stop_at, self.outcome = partitions, stop_at, outcome
        self.batch_size = batch_size

    async def catch_up(self, progress: Progress | None = None) -> None:
        """Apply what is there now (or up to the stop positions), in batches."""
        ends = await self._ends()
        total = self.outcome.events + await self._behind(ends)
        if progress is not None:
            progress(self.outcome.events, total)
        while await self._behind(ends):
            batches = await self.reader.getmany(timeout_ms=500, max_records=self.batch_size)
            records = [record for part in batches.values() for record in part
                       if self.stop_at is None
                       or record.offset < ends[TopicPartition(record.topic, record.partition)]]
            if records:
                await self.projection.process(records)
                self.outcome.events += len(records)
                if progress is not None:
                    progress(self.outcome.events, total)
            if self.stop_at is not None:
                # Fetch no further from a partition at its stop: later events are not read.
                self.reader.pause(*[tp for tp in self.partitions
                                    if await self.reader.position(tp) >= ends[tp]])
        self._refuse_gaps()
        # The replay's batches set the units kept beside the facts aside; count them again.
        async with self.pool.acquire() as connection, connection.transaction():
            await project_batch(connection, [])

    def _refuse_gaps(self) -> None:
        """Read from offset zero, every event's predecessors came before it in its partition:
        one still waiting for its predecessor shows that the topic lost events."""
        held = [item for item in self.projection.held
                if item.envelope.subject not in self.outcome.dead_subjects]
        if not held:
            return
        first = held[0]
        topics = [item.record.topic for item in held]
        raise HistoryIncomplete(
            f"{len(topics)} event(s) wait for earlier events the topics do not hold, first "
            f"{first.envelope.type} version {first.envelope.aggregate_version} of "
            f"{first.envelope.subject} in {first.record.topic}[{first.record.partition}] at "
            f"offset {first.record.offset}" + _what_to_do(topics))

    async def _ends(self) -> dict[TopicPartition, int]:
        """Per partition, the offset to stop before."""
        ends = await partition_ends(self.bootstrap_servers, self.partitions)
        if self.stop_at is not None:
            beyond = [f"{tp.topic}[{tp.partition}] at offset {last} (its end offset is "
                      f"{ends[tp]})" for tp, last in self.stop_at.items() if last >= ends[tp]]
            if beyond:
                raise PositionsBeyondTopics("the topics hold no event at " + ", ".join(beyond))
        starts = await self.reader.beginning_offsets(list(self.partitions))
        lost = [tp for tp, start in starts.items() if start > 0]
        if lost:
            raise HistoryIncomplete(
                "the topics no longer hold their first events (retention or deleted records): "
                + ", ".join(f"{tp.topic}[{tp.partition}] starts at offset {starts[tp]}"
                            for tp in lost) + _what_to_do([tp.topic for tp in lost]))
        if self.stop_at is None:
            return ends
        return {tp: last + 1 for tp, last in self.stop_at.items()}

    async def _behind(self, ends: dict[TopicPartition, int]) -> int:
        return sum([max(0, ends[tp] - await self.reader.position(tp)) for tp in self.partitions])


@asynccontextmanager
async def replaying(database_url: str, schema: str, bootstrap_servers: str,
                    topics: Sequence[str], *, stop_at: StopAt | None = None,
                    batch_size: int = 5000) -> AsyncIterator[Replay]:
    """A replay into `schema` (created if missing) from offset zero of every partition of
    `topics` — or, with `stop_at`, of just those partitions, up to and including those offsets.
    """
    outcome = Replayed()
    pool = await create_pool(database_url, schema, max_size=2)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                              fetch_max_bytes=16 * 1024 * 1024,
                              max_partition_fetch_bytes=4 * 1024 * 1024)
    await reader.start()
    try:
        await migrate(pool, schema)

        async def count_dead_letter(key: bytes | None, value: bytes | None,
                                    headers: Headers) -> Awaitable[None]:
            # The live consumer sent these to the dead-letter topic already.
            outcome.dead_letters += 1
            if key:
                outcome.dead_subjects.add(key.decode("utf-8", "replace"))
            return asyncio.sleep(0)

        projection = metrics_consumer(
            pool=pool, bootstrap_servers=bootstrap_servers, topics=topics, group_id="",
            swap_lock=False, dead_letter=count_dead_letter, batch_size=batch_size)
        partitions = await _assign_from_the_beginning(reader, topics, stop_at)
        yield Replay(pool, reader, bootstrap_servers, projection, partitions, stop_at, outcome,
                     batch_size)
    finally:
        await reader.stop()
        await pool.close()


async def _assign_from_the_beginning(reader: AIOKafkaConsumer, topics: Sequence[str],
                                     stop_at: StopAt | None) -> list[TopicPartition]:
    await reader._client.force_metadata_update()
    existing = [TopicPartition(topic, partition) for topic in topics
                for partition in sorted(reader.partitions_for_topic(topic) or ())]
    if stop_at is not None:
        missing = [f"{tp.topic}[{tp.partition}]" for tp in stop_at if tp not in existing]
        if missing:
            raise PositionsBeyondTopics("no such partition: " + ", ".join(missing))
        existing = [tp for tp in existing if tp in stop_at]
    reader.assign(existing)
    if existing:
        await reader.seek_to_beginning(*existing)
    return existing
