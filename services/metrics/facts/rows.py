"""Rows of one batch, gathered per table and written with one COPY each."""

from __future__ import annotations

from typing import Any

from services.metrics.facts.tables import FACT_TABLES, FactTable
from shared.projection import Connection


class Rows:
    """The fact rows a batch of events adds, in the order of the events."""

    def __init__(self) -> None:
        self.by_table: dict[FactTable, list[tuple[Any, ...]]] = {t: [] for t in FACT_TABLES}

    def add(self, table: FactTable, *values: Any) -> None:
        self.by_table[table].append(values)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())

    async def write(self, connection: Connection) -> None:
        """Append every gathered row: one COPY per table that has rows."""
        for table, rows in self.by_table.items():
            if rows:
                await connection.copy_records_to_table(table.name, records=rows,
                                                       columns=table.column_names)
