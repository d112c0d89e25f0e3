"""The units kept with the facts against the units derived from them, question by question.

    python -m bench.kept [--cases 10000] [--rounds 3] [--year 2026] [--small-batches 200]
                         [--batch-events 1]

Makes its own city with bench.queries' `fill` (bench.events' history projected by
the metrics service's own projectors into a fresh database in batches of 20,000
events, after which the units kept beside the facts are counted for every case),
then projects the last `--small-batches` batches of events, `--batch-events`
per batch: what a live consumer does (one event per batch when idle, more when
commands come faster than it counts them), so the batch time printed is what a
command waits, beyond the broker, to count. Then it asks every indicator the
units cover, for the year and its fourth quarter along bench.queries' first two breakdowns, through
`Indicators.cells` twice per round: from the units kept, and `from_facts`, one
after the other on one connection, so both meet the same machine. Prints
`name=value` lines: per path the p50 and p95 over all questions and rounds, the
slowest question, the ratio of the p95s, the batch times, the tables' rows and
size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Sequence

import asyncpg

from bench.common import figure, machine
from bench.queries import fill, p95, questions
from bench.stack import servers
from services.metrics.application import (
    CATALOG,
    KEPT_INDICATORS,
    LIVE_SCHEMA,
    Indicators,
    Question,
    parse_period,
)


async def ask(connection: asyncpg.Connection, indicators: Indicators, indicator: str,
              period: str, by: str, from_facts: bool) -> float:
    question = Question(parse_period(period), tuple(by.split(",")))
    started = time.perf_counter()
    await indicators.cells(connection, CATALOG[indicator], question, from_facts=from_facts)
    return (time.perf_counter() - started) * 1000


async def run(cases: int, rounds: int, year: int, small: int, batch_events: int = 1) -> None:
    async with servers() as stack:
        database_url = await stack.new_database()
        started = time.perf_counter()
        filled = await fill(database_url, cases, live_tail=small * batch_events,
                            live_batch=batch_events)
        print(f"filled {cases} cases in {time.perf_counter() - started:.0f} s; {machine()}")
        connection = await asyncpg.connect(database_url,
                                           server_settings={"search_path": LIVE_SCHEMA})
        try:
            years = await connection.fetchrow("SELECT first_year, last_year FROM case_units_years")
            print(f"years_kept={None if years is None else tuple(years)}")
            if years is None or not years[0] <= year <= years[1]:
                raise SystemExit(f"the units kept cover the years {years}, not {year}")
            for table in ("case_units", "agreement_units"):
                figure(f"{table}_rows", await connection.fetchval(
                    f"SELECT count(*) FROM {table}"))  # noqa: S608
                figure(f"{table}_mib", await connection.fetchval(
                    f"SELECT pg_total_relation_size('{table}')::float8 / 1048576"))
            indicators = Indicators(10)
            asked = [q for q in questions((str(year), f"{year}-Q4"), 2)
                     if q[0] in KEPT_INDICATORS]
            timings: dict[bool, dict[str, list[float]]] = {False: {}, True: {}}
            for _ in range(rounds):
                for indicator, period, by in asked:
                    for from_facts in (False, True):
                        timings[from_facts].setdefault(f"{indicator}[{by}]@{period}", []).append(
                            await ask(connection, indicators, indicator, period, by,
                                      from_facts))
        finally:
            await connection.close()
        figure("live_batch_events", batch_events)
        report(timings, filled.tail_seconds)


def report(timings: dict[bool, dict[str, list[float]]], batches: Sequence[float]) -> None:
    """`timings`: per question the milliseconds, by whether they were from the facts."""
    every = {from_facts: [ms for per_question in by_question.values() for ms in per_question]
             for from_facts, by_question in timings.items()}
    for from_facts, label in ((False, "kept"), (True, "from_facts")):
        by_question = timings[from_facts]
        slowest = max(by_question, key=lambda name: statistics.median(by_question[name]))
        figure(f"{label}_p50_ms", statistics.median(every[from_facts]))
        figure(f"{label}_p95_ms", p95(every[from_facts]))
        print(f"{label}_slowest={slowest}:{statistics.median(by_question[slowest]):.1f}ms")
    figure("questions", len(timings[False]))
    figure("from_facts_p95_over_kept_p95", p95(every[True]) / p95(every[False]))
    if batches:
        figure("live_batch_p50_ms", statistics.median(batches) * 1000)
        figure("live_batch_p95_ms", p95(batches) * 1000)
        figure("live_batch_max_ms", max(batches) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--small-batches", type=int, default=200,
                        help="live batches at the end of the history")
    parser.add_argument("--batch-events", type=int, default=1,
                        help="events per live batch")
    args = parser.parse_args()
    asyncio.run(run(args.cases, args.rounds, args.year, args.small_batches, args.batch_events))


if __name__ == "__main__":
    main()
