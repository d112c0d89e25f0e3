"""Benchmark of restatements: an indicator evaluated as of many moments after a period closed.

    python -m bench.restatements [--cases 2000] [--moments 50]

Makes its own city (bench.queries.fill on an embedded PostgreSQL), then asks
the restatements of the first quarter for every indicator of the catalog
through the metrics application (`Indicators`), as the auditor's report does
(whole period, `--moments` moments each), in one repeatable-read transaction.
Prints `name=value` lines: the seconds of all, the slowest indicator, and the
milliseconds per moment examined.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg

from bench.common import figure, machine
from bench.events import START
from bench.queries import fill
from bench.stack import servers
from services.metrics.application import (
    CATALOG,
    LIVE_SCHEMA,
    Indicators,
    Question,
    parse_period,
)


async def run(database_url: str, moments: int) -> None:
    period = parse_period(f"{START.year}-Q1")
    connection = await asyncpg.connect(database_url,
                                       server_settings={"search_path": LIVE_SCHEMA})
    indicators = Indicators(threshold=5)
    seconds: dict[str, float] = {}
    examined = 0
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            for indicator, definition in CATALOG.items():
                started = time.perf_counter()
                found = await indicators.restatements(connection, definition,
                                                      Question(period), limit=moments)
                seconds[indicator] = time.perf_counter() - started
                examined += found.examined
    finally:
        await connection.close()
    total = sum(seconds.values())
    slowest = max(seconds, key=lambda name: seconds[name])
    figure("restatements_indicators", str(len(seconds)))
    figure("restatements_moments_examined", str(examined))
    figure("restatements_total_s", total)
    figure("restatements_ms_per_moment", 1000 * total / max(examined, 1))
    figure("restatements_slowest", f"{slowest}:{seconds[slowest]:.2f}s")


async def _own_city(cases: int, moments: int) -> None:
    async with servers() as stack:
        database_url = await stack.new_database()
        figure("restatements_fact_rows", str((await fill(database_url, cases)).rows))
        await run(database_url, moments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--moments", type=int, default=50)
    arguments = parser.parse_args()
    figure("machine", machine())
    figure("cases", str(arguments.cases))
    asyncio.run(_own_city(arguments.cases, arguments.moments))


if __name__ == "__main__":
    main()
