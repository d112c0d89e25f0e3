"""The metrics projection on the exactly-once consumer: both topics into the facts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from services.metrics.facts.decoding import decode
from services.metrics.facts.projection import parse, project, project_batch
from services.metrics.facts.schema import SWAP_LOCK
from shared.contracts import IntegrationEvent
from shared.envelope import Envelope
from shared.projection import Connection, DeadLetterSender, ProjectionConsumer
from shared.settings import DEFAULT_GROUP_TIMING, GroupTiming

AfterBatch = Callable[[Connection, int], Awaitable[None]]  # with the events applied


def metrics_consumer(*, pool: asyncpg.Pool, bootstrap_servers: str, topics: Sequence[str],
                     group_id: str, dead_letter: DeadLetterSender,
                     after_batch: AfterBatch | None = None, swap_lock: bool = True,
                     batch_size: int = 5000,
                     timing: GroupTiming = DEFAULT_GROUP_TIMING) -> ProjectionConsumer:
    """The consumer that applies each event once; `after_batch` runs in each batch transaction."""

    async def apply(connection: Connection,
                    events: Sequence[tuple[Envelope, IntegrationEvent]]) -> None:
        await project_batch(connection, events)
        if after_batch is not None and events:
            await after_batch(connection, len(events))

    async def hold_swap_lock(connection: Connection) -> None:
        # A rebuild swaps the facts only between two batches of ours.
        await connection.execute(SWAP_LOCK)

    return ProjectionConsumer(
        name="metrics", pool=pool, bootstrap_servers=bootstrap_servers, topics=topics,
        group_id=group_id, parse=parse, project=project, dead_letter=dead_letter,
        decode=decode, project_batch=apply, begin=hold_swap_lock if swap_lock else None,
        replay_unknown_partitions=True, batch_size=batch_size, timing=timing,
    )
