"""Numbered schema migrations of a service's own tables, recorded in its database.

A service's tables are created and changed only by its migrations (listed in
`services/<service>/migrations.py`), applied at start-up or by `wirkung migrate`.
Each applied migration is recorded in `schema_migrations` (owner, number, name,
applied_at), so each runs once per database. Starts at the same moment take an
advisory lock per owner: the second waits and then finds nothing left to apply.
A database that records a number the code does not know was migrated by newer
code; the service refuses to start on it rather than write rows the newer code
would misread.

The first migration of a service is the idempotent statements its tables were
made with before migrations existed, so a database made by older code (which
already has the tables, but no record) upgrades without losing a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

_RECORD = """CREATE TABLE IF NOT EXISTS schema_migrations (
    owner text NOT NULL, number integer NOT NULL, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (owner, number))"""


@dataclass(frozen=True)
class Migration:
    """One step of a schema: its number (1, 2, …), a name saying why, its statements."""

    number: int
    name: str
    statements: tuple[str, ...]


class DatabaseNewerThanCode(RuntimeError):
    """The database was migrated by newer code than this."""


def latest(migrations: Sequence[Migration]) -> int:
    return max((migration.number for migration in migrations), default=0)


def _check(migrations: Sequence[Migration]) -> None:
    numbers = [migration.number for migration in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, … without gaps: {numbers}")


def apply(conninfo: str, owner: str, migrations: Sequence[Migration]) -> list[Migration]:
    """Apply `owner`'s migrations not yet recorded, each in its own transaction; those applied.

    Raises `DatabaseNewerThanCode` (naming both versions) if the database records a
    number beyond the code's last.
    """
    _check(migrations)
    applied: list[Migration] = []
    with psycopg.connect(conninfo, autocommit=True) as connection:
        # Serialises concurrent starts; held on the session until every step is done.
        connection.execute("SELECT pg_advisory_lock(hashtext('wirkung_migrations'), "
                           "hashtext(%s))", (owner,))
        try:
            connection.execute(_RECORD)
            recorded = {int(row[0]) for row in connection.execute(
                "SELECT number FROM schema_migrations WHERE owner = %s", (owner,))}
            newest = max(recorded, default=0)
            if newest > latest(migrations):
                raise DatabaseNewerThanCode(
                    f"the {owner} database is at schema version {newest}, this code knows "
                    f"versions up to {latest(migrations)}: run newer code, or restore a "
                    "backup taken before the upgrade")
            for migration in migrations:
                if migration.number in recorded:
                    continue
                with connection.transaction():
                    for statement in migration.statements:
                        connection.execute(statement.encode())
                    connection.execute(
                        "INSERT INTO schema_migrations (owner, number, name) "
                        "VALUES (%s, %s, %s)", (owner, migration.number, migration.name))
                applied.append(migration)
        finally:
            connection.execute("SELECT pg_advisory_unlock(hashtext('wirkung_migrations'), "
                               "hashtext(%s))", (owner,))
    return applied


def version(conninfo: str, owner: str) -> int:
    """The highest migration recorded for `owner` (0 if none)."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        exists = connection.execute("SELECT to_regclass('schema_migrations')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = connection.execute("SELECT max(number) FROM schema_migrations WHERE owner = %s",
                                 (owner,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
