"""What a projection's tables record besides its rows: versions applied, positions reached."""

from __future__ import annotations

from typing import Any

from aiokafka import TopicPartition

from shared.projection.kinds import Connection

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


async def track(connection: Connection, versions: dict[str, int],
                 positions: dict[TopicPartition, int]) -> None:
    """Record the versions applied and the input positions reached, in bulk."""
    if versions:
        await connection.execute(
            """INSERT INTO applied_versions (aggregate_id, version)
               SELECT * FROM unnest($1::text[], $2::integer[])
               ON CONFLICT (aggregate_id) DO UPDATE
               SET version = EXCLUDED.version, applied_at = now()""",
            list(versions), list(versions.values()))
    if positions:
        await connection.execute(
            """INSERT INTO input_positions (topic, partition, last_offset)
               SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
               ON CONFLICT (topic, partition) DO UPDATE
               SET last_offset = GREATEST(input_positions.last_offset, EXCLUDED.last_offset)""",
            [tp.topic for tp in positions], [tp.partition for tp in positions],
            list(positions.values()))


def last_offsets(records: Any) -> dict[TopicPartition, int]:
    last: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        if record.offset > last.get(key, -1):
            last[key] = record.offset
    return {TopicPartition(*key): offset for key, offset in last.items()}
