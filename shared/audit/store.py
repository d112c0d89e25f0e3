"""The chain and its checkpoints, in the service's own database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from psycopg_pool import ConnectionPool

from shared.audit.chain import Link
from shared.audit.checkpoint import Checkpoint


class AuditStore:
    """Tables `audit_chain` (one row per stored event) and `audit_checkpoints` (made by
    `shared.store_migrations`)."""

    def __init__(self, conninfo: str) -> None:
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=2, open=True,
                                   check=ConnectionPool.check_connection)

    def last_link(self) -> tuple[int, bytes] | None:
        with self.pool.connection() as connection:
            row = connection.execute("SELECT position, chain_hash FROM audit_chain "
                                     "ORDER BY position DESC LIMIT 1").fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def append(self, links: Sequence[Link]) -> None:
        with self.pool.connection() as connection, connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO audit_chain VALUES (%s, %s, %s, %s, %s, %s)",
                [(k.position, k.aggregate_id, k.version, k.topic, k.state_hash, k.chain_hash)
                 for k in links])

    def links(self) -> dict[int, Link]:
        with self.pool.connection() as connection:
            rows = connection.execute("SELECT * FROM audit_chain ORDER BY position").fetchall()
        return {int(r[0]): Link(int(r[0]), r[1], int(r[2]), r[3], bytes(r[4]), bytes(r[5]))
                for r in rows}

    def stream_links(self, batch: int = 5000) -> Iterator[Link]:
        """The chain in position order, read in batches by a server-side cursor (a large
        store's chain never sits in memory at once)."""
        with self.pool.connection() as connection, connection.transaction(), \
                connection.cursor(name="audit_chain_stream") as cursor:
            cursor.itersize = batch
            cursor.execute("SELECT * FROM audit_chain ORDER BY position")
            for r in cursor:
                yield Link(int(r[0]), r[1], int(r[2]), r[3], bytes(r[4]), bytes(r[5]))

    def record_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self.pool.connection() as connection:
            connection.execute(
                "INSERT INTO audit_checkpoints VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (position) DO NOTHING",
                (checkpoint.position, checkpoint.service, checkpoint.chain_hash,
                 checkpoint.signed_at, checkpoint.signature))

    def checkpoints(self) -> list[Checkpoint]:
        with self.pool.connection() as connection:
            rows = connection.execute("SELECT service, position, chain_hash, signed_at, "
                                      "signature FROM audit_checkpoints ORDER BY position"
                                      ).fetchall()
        return [Checkpoint(r[0], int(r[1]), bytes(r[2]), r[3], bytes(r[4]))
                for r in rows]

    def latest_checkpoints(self, limit: int) -> list[Checkpoint]:
        """The `limit` checkpoints signed last, the latest first."""
        with self.pool.connection() as connection:
            rows = connection.execute("SELECT service, position, chain_hash, signed_at, "
                                      "signature FROM audit_checkpoints "
                                      "ORDER BY position DESC LIMIT %s", (limit,)).fetchall()
        return [Checkpoint(r[0], int(r[1]), bytes(r[2]), r[3], bytes(r[4])) for r in rows]

    def last_checkpoint(self) -> Checkpoint | None:
        found = self.checkpoints()
        return found[-1] if found else None

    def close(self) -> None:
        self.pool.close()
