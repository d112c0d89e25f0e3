"""Numbered schema migrations on real PostgreSQL: once each, in order, refused when newer."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from shared.migrations import DatabaseNewerThanCode, Migration, apply, version
from tests.support import Infrastructure, new_database

FIRST = Migration(1, "notes", ("CREATE TABLE IF NOT EXISTS notes (id integer PRIMARY KEY)",))
# Slow on purpose, so that two starts at once overlap while it runs.
SECOND = Migration(2, "notes get a text", (
    "SELECT pg_sleep(0.3)", "ALTER TABLE notes ADD COLUMN body text NOT NULL DEFAULT ''"))


def rows(database_url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql.encode()).fetchall()


async def test_applies_each_migration_once_and_records_it(
        infrastructure: Infrastructure) -> None:
    database_url = await new_database(infrastructure)
    assert [m.number for m in apply(database_url, "notes", [FIRST])] == [1]
    with psycopg.connect(database_url) as connection:
        connection.execute("INSERT INTO notes VALUES (1), (2)")
    assert [m.number for m in apply(database_url, "notes", [FIRST, SECOND])] == [2]
    assert apply(database_url, "notes", [FIRST, SECOND]) == []
    assert rows(database_url, "SELECT id, body FROM notes ORDER BY id") == [(1, ""), (2, "")]
    assert rows(database_url, "SELECT owner, number, name FROM schema_migrations "
                              "ORDER BY number") == [("notes", 1, "notes"),
                                                     ("notes", 2, "notes get a text")]
    assert version(database_url, "notes") == 2
    assert version(database_url, "someone else") == 0


async def test_a_database_newer_than_the_code_is_refused_naming_both_versions(
        infrastructure: Infrastructure) -> None:
    database_url = await new_database(infrastructure)
    apply(database_url, "notes", [FIRST, SECOND])
    with pytest.raises(DatabaseNewerThanCode, match=r"schema version 2.*up to 1"):
        apply(database_url, "notes", [FIRST])
    assert version(database_url, "notes") == 2


async def test_a_failing_migration_leaves_nothing_of_itself(
        infrastructure: Infrastructure) -> None:
    database_url = await new_database(infrastructure)
    broken = Migration(2, "broken", ("CREATE TABLE half (id integer)", "SELECT no_such()"))
    with pytest.raises(psycopg.errors.UndefinedFunction):
        apply(database_url, "notes", [FIRST, broken])
    assert version(database_url, "notes") == 1
    assert rows(database_url, "SELECT to_regclass('half')") == [(None,)]


async def test_two_starts_at_once_apply_each_migration_once(
        infrastructure: Infrastructure) -> None:
    database_url = await new_database(infrastructure)
    first, second = await asyncio.gather(
        *(asyncio.to_thread(apply, database_url, "notes", [FIRST, SECOND]) for _ in range(2)))
    assert sorted(len(applied) for applied in (first, second)) == [0, 2]
    assert rows(database_url,
                "SELECT number FROM schema_migrations ORDER BY number") == [(1,), (2,)]


def test_numbers_must_run_without_gaps() -> None:
    with pytest.raises(ValueError, match="without gaps"):
        apply("postgresql://unused", "notes", [FIRST, Migration(3, "gap", ())])
