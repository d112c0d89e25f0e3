"""A PostgreSQL advisory lock held for a block: one change at a time across every instance."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg_pool import ConnectionPool

# The spaces keep two kinds of lock on the same id apart.
AGREEMENT_ASSIGNMENT = 0
CLIENT_CHANGE = 1


@contextmanager
def advisory_lock(pool: ConnectionPool, key: str, space: int) -> Iterator[None]:
    """Hold the session lock on (`key`, `space`) on a connection of its own for the block.

    The lock's connection stays out of the block's transactions (autocommit), so what the
    block commits is visible before the lock is let go.
    """
    with pool.connection() as connection:
        connection.autocommit = True
        try:
            connection.execute("SELECT pg_advisory_lock(hashtextextended(%s, %s))", (key, space))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(hashtextextended(%s, %s))",
                                   (key, space))
        finally:
            connection.autocommit = False
