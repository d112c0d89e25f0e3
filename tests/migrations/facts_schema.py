"""What a schema of facts is made of, to compare the live facts with a fresh rebuild's."""

from __future__ import annotations

import asyncpg

Described = dict[str, list[tuple[object, ...]]]


async def described(database_url: str, schema: str) -> Described:
    """`schema`'s columns in their order (with types, nullability, defaults) and its
    indexes (their definitions without the schema's name)."""
    connection = await asyncpg.connect(database_url)
    try:
        columns = await connection.fetch(
            "SELECT table_name, column_name, udt_name, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = $1 "
            "ORDER BY table_name, ordinal_position", schema)
        indexes = await connection.fetch(
            "SELECT tablename, indexname, replace(indexdef, $1 || '.', '') FROM pg_indexes "
            "WHERE schemaname = $1 ORDER BY tablename, indexname", schema)
    finally:
        await connection.close()
    return {"columns": [tuple(row.values()) for row in columns],
            "indexes": [tuple(row.values()) for row in indexes]}
