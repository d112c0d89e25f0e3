"""The units kept with the facts against the units derived from them, question by question.

    python -m bench.kept [--cases 10000] [--rounds 3] [--year 2026] [--small-batches 200]

Makes its own city as bench.queries does (bench.events' history projected by
the metrics service's own projectors into a fresh database, in batches of
20,000 events, which keep the case and agreement units as the consumer does),
but holds back the last `--small-batches` events and projects them one per
batch afterwards: what a live consumer does, so the batch time printed is what
a command waits, beyond the broker, to count. Then it asks every indicator the
units cover, for the year and its fourth quarter along bench.queries'
breakdowns, through `in_database.cells_in_database` twice per round: from the
units kept (`kept=True`) and derived from the facts (`kept=False`), one after
the other on one connection, so both meet the same machine. Prints
`name=value` lines: per path the p50 and p95 over all questions and rounds,
the slowest question, the ratio of the p95s, the batch times, the tables' rows
and size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Sequence
from typing import Any

import asyncpg

from bench.common import figure, machine
from bench.events import city
from bench.queries import p95, population, questions
from bench.stack import servers
from services.metrics.catalog import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.indicators import agreement_units, case_units
from services.metrics.indicators.engine import Question
from services.metrics.indicators.in_database import cells_in_database
from services.metrics.periods import parse_period
from services.metrics.population import import_population

BATCH = 20_000


async def fill(pool: asyncpg.Pool, cases: int, small: int) -> list[float]:
    """Project the city, the last `small` events one per batch; those batches' seconds."""
    events = [(envelope, parse(envelope)) for _, envelope in city(cases, seed=7).in_order()]
    cut = max(0, len(events) - small)
    seconds = []
    async with pool.acquire() as connection:
        for start in range(0, cut, BATCH):
            async with connection.transaction():
                await project_batch(connection, events[start:min(start + BATCH, cut)])
        async with connection.transaction():
            await import_population(connection, population(), source="bench.kept",
                                    imported_by="bench")
        for event in events[cut:]:
            started = time.perf_counter()
            async with connection.transaction():
                await project_batch(connection, [event])
            seconds.append(time.perf_counter() - started)
        await connection.execute("ANALYZE")
    return seconds


async def ask(connection: Any, indicator: str, period: str, by: str, kept: bool) -> float:
    definition = CATALOG[indicator]
    question = Question(parse_period(period), tuple(by.split(",")))
    buckets = question.buckets()
    started = time.perf_counter()
    await cells_in_database(connection, definition, question.by, buckets, None, None, 10,
                            None, buckets[-1].end, kept=kept)
    return (time.perf_counter() - started) * 1000


async def run(cases: int, rounds: int, year: int, small: int) -> None:
    async with servers() as stack:
        pool = await create_pool(await stack.new_database(), max_size=2)
        try:
            await migrate(pool)
            started = time.perf_counter()
            batches = await fill(pool, cases, small)
            print(f"filled {cases} cases in {time.perf_counter() - started:.0f} s; {machine()}")
            async with pool.acquire() as connection:
                years = await case_units.years_kept(connection)
                print(f"years_kept={years}")
                if years is None or not years[0] <= year <= years[1]:
                    raise SystemExit(f"the units kept cover the years {years}, not {year}")
                for table in ("case_units", "agreement_units"):
                    figure(f"{table}_rows", await connection.fetchval(
                        f"SELECT count(*) FROM {table}"))  # noqa: S608
                    figure(f"{table}_mib", await connection.fetchval(
                        f"SELECT pg_total_relation_size('{table}')::float8 / 1048576"))
                kept_kinds = {*case_units.KIND, *agreement_units.KINDS}
                asked = [q for q in questions((str(year), f"{year}-Q4"), 2)
                         if q[0] in kept_kinds]
                timings: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
                for _ in range(rounds):
                    for indicator, period, by in asked:
                        for kept in (True, False):
                            name = f"{indicator}[{by}]@{period}"
                            timings[kept].setdefault(name, []).append(
                                await ask(connection, indicator, period, by, kept))
            report(timings, batches)
        finally:
            await pool.close()


def report(timings: dict[bool, dict[str, list[float]]], batches: Sequence[float]) -> None:
    for kept, label in ((True, "kept"), (False, "from_facts")):
        values = [ms for per_question in timings[kept].values() for ms in per_question]
        slowest = max(timings[kept], key=lambda name: statistics.median(timings[kept][name]))
        figure(f"{label}_p50_ms", statistics.median(values))
        figure(f"{label}_p95_ms", p95(values))
        print(f"{label}_slowest={slowest}:"
              f"{statistics.median(timings[kept][slowest]):.1f}ms")
    figure("questions", len(timings[True]))
    figure("from_facts_p95_over_kept_p95",
           p95([ms for v in timings[False].values() for ms in v])
           / p95([ms for v in timings[True].values() for ms in v]))
    if batches:
        figure("one_event_batch_p50_ms", statistics.median(batches) * 1000)
        figure("one_event_batch_p95_ms", p95(batches) * 1000)
        figure("one_event_batch_max_ms", max(batches) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--small-batches", type=int, default=200,
                        help="the last events, projected one per batch")
    args = parser.parse_args()
    asyncio.run(run(args.cases, args.rounds, args.year, args.small_batches))


if __name__ == "__main__":
    main()
