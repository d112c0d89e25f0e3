"""Benchmark of indicator queries over a city-year, beside a plain SQL GROUP BY.

    python -m bench.queries [--cases 100000] [--rounds 5]
    python -m bench.queries --database-url URL [--bootstrap-servers HOST:PORT]

Without `--database-url` it makes its own city: a fresh database on the
embedded servers (bench.stack), filled in a child process with the fact rows
of bench.events' history (real contracts projected by the metrics service's
own projectors, no broker in between) and a reference population. Then it
asks every indicator of the catalog for a year and a quarter along
two-dimension breakdowns through the metrics service's HTTP app (httpx over
ASGI against `create_app`, so the figures include the API), and runs the same
breakdowns as plain SQL `GROUP BY`s over the fact tables: the raw limit.
The first round of each query is reported apart (`cold`), the figures of the
later rounds as `query_*`. Prints `name=value` lines; the peak RSS is the
query process's, sampled while the queries run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import psutil

from bench.common import figure, machine
from bench.events import DISTRICTS, START, city
from bench.stack import servers
from services.metrics.application import CATALOG
from services.metrics.facts.projection import parse, project_batch
from services.metrics.facts.schema import create_pool, migrate
from services.metrics.main import create_app
from services.metrics.population import PopulationRow, import_population
from services.metrics.settings import MetricsSettings
from shared.auth import Role, mint_token
from shared.vocabulary import AgeBand

# Two-dimension breakdowns, in order of preference; each indicator is asked the first
# `--breakdowns` of those its definition allows.
BREAKDOWNS = (("district", "age_band"), ("provider", "period"),
              ("field_of_action", "target_group"), ("district", "period"),
              ("budget_product", "district"), ("field_of_action", "period"))
# The same breakdowns as one plain GROUP BY each over the fact tables ($1, $2: the period).
_CASES = "FROM case_opened c WHERE c.occurred_on BETWEEN $1 AND $2 "
_PROVIDERS = ("FROM case_opened c JOIN case_services s USING (case_id) "
              "JOIN agreement_facts a ON a.agreement_id = s.agreement_id "
              "AND a.change = 'drafted' WHERE s.start_date BETWEEN $1 AND $2 ")
RAW = {
    ("district", "age_band"): "SELECT c.district, c.age_band, count(*), "
                              "count(DISTINCT c.client_pseudonym) " + _CASES + "GROUP BY 1, 2",
    ("provider", "period"): "SELECT a.provider_id, date_trunc('month', s.start_date), "
                            "count(*), count(DISTINCT c.client_pseudonym) " + _PROVIDERS +
                            "GROUP BY 1, 2",
    ("field_of_action", "target_group"): "SELECT c.field_of_action, g, count(*), "
                                         "count(DISTINCT c.client_pseudonym) "
                                         "FROM case_opened c, unnest(c.target_groups) g "
                                         "WHERE c.occurred_on BETWEEN $1 AND $2 GROUP BY 1, 2",
}
SECRET = "bench-queries-secret"  # noqa: S105 - a throwaway signing key of this run


@dataclass
class Timings:
    """Milliseconds per query name, the first (cold) round apart."""

    cold: dict[str, float] = field(default_factory=dict)
    warm: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, milliseconds: float) -> None:
        if name not in self.cold:
            self.cold[name] = milliseconds
        else:
            self.warm.setdefault(name, []).append(milliseconds)

    def all_warm(self) -> list[float]:
        return [ms for values in self.warm.values() for ms in values]


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class PeakMemory:
    """The highest RSS of this process, sampled every few milliseconds while running."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.process.memory_info().rss)
            await asyncio.sleep(0.005)

    def __enter__(self) -> PeakMemory:
        self._task = asyncio.create_task(self._sample())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
        self.peak = max(self.peak, self.process.memory_info().rss)


def questions(periods: Sequence[str], breakdowns: int,
              indicators: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(indicator, period, by) for each indicator (all by default), period and breakdown."""
    asked: list[tuple[str, str, str]] = []
    for indicator, definition in CATALOG.items():
        if indicators and indicator not in indicators:
            continue
        allowed = [pair for pair in BREAKDOWNS if set(pair) <= set(definition.dimensions)]
        for pair in allowed[:breakdowns]:
            asked.extend((indicator, period, ",".join(pair)) for period in periods)
    return asked


@asynccontextmanager
async def metrics_app(database_url: str, bootstrap_servers: str) -> AsyncIterator[
        httpx.AsyncClient]:
    """The metrics service's app (its consumer on fresh, empty topics), served over ASGI."""
    settings = MetricsSettings(
        database_url=database_url, kafka_bootstrap_servers=bootstrap_servers,
        topic_prefix=f"bench-q-{uuid.uuid4().hex[:8]}", auth_secret=SECRET,
        consumer_group=f"bench-q-{uuid.uuid4().hex[:8]}", log_level="WARNING",
        cell_key_secret="bench-cell-key-secret")  # noqa: S106 - a throwaway of this run
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                     timeout=600) as client:
            yield client


async def ask_all(client: httpx.AsyncClient, asked: Sequence[tuple[str, str, str]],
                  rounds: int) -> Timings:
    headers = {"Authorization": "Bearer " + mint_token(SECRET, role=Role.CONTRACT_MANAGER,
                                                       subject="bench")}
    timings = Timings()
    for _ in range(rounds):
        for indicator, period, by in asked:
            started = time.perf_counter()
            response = await client.get(f"/indicators/{indicator}",
                                        params={"period": period, "by": by}, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{indicator} {period} by {by}: {response.text}")
            timings.add(f"{indicator}[{by}]@{period}", elapsed)
    return timings


async def ask_raw(database_url: str, periods: Sequence[str], rounds: int) -> Timings:
    from services.metrics.application import parse_period

    pool = await create_pool(database_url, max_size=1)
    timings = Timings()
    try:
        async with pool.acquire() as connection:
            for _ in range(rounds + 1):
                for pair, sql in RAW.items():
                    for label in periods:
                        period = parse_period(label)
                        started = time.perf_counter()
                        await connection.fetch(sql, period.start, period.end)
                        timings.add(f"raw[{','.join(pair)}]@{label}",
                                    (time.perf_counter() - started) * 1000)
    finally:
        await pool.close()
    return timings


async def run(database_url: str, bootstrap_servers: str | None = None, *,
              periods: Sequence[str] = (str(START.year), f"{START.year}-Q4"), rounds: int = 5,
              breakdowns: int = 3, indicators: Sequence[str] = (), verbose: bool = True) -> None:
    """Query a metrics database whose schema `facts` holds a city-year; print the figures."""
    async with _broker(bootstrap_servers) as bootstrap:
        asked = questions(periods, breakdowns, indicators)
        with PeakMemory() as memory:
            async with metrics_app(database_url, bootstrap) as client:
                timings = await ask_all(client, asked, rounds + 1)
        raw = await ask_raw(database_url, periods, rounds)
    if verbose:
        for name, values in sorted(timings.warm.items()):
            print(f"{name}: cold {timings.cold[name]:.1f} ms, p50 "
                  f"{statistics.median(values):.1f} ms, p95 {p95(values):.1f} ms, "
                  f"max {max(values):.1f} ms")
    slowest = max(timings.warm, key=lambda name: p95(timings.warm[name]))
    figure("queries", str(len(asked)))
    figure("rounds", str(rounds))
    figure("query_cold_p95_ms", p95(list(timings.cold.values())))
    figure("query_p50_ms", statistics.median(timings.all_warm()))
    figure("query_p95_ms", p95(timings.all_warm()))
    figure("query_max_ms", max(timings.all_warm()))
    figure("query_slowest", f"{slowest}:{p95(timings.warm[slowest]):.1f}ms")
    figure("raw_query_p50_ms", statistics.median(raw.all_warm()))
    figure("raw_query_p95_ms", p95(raw.all_warm()))
    figure("query_p95_over_raw", p95(timings.all_warm()) / p95(raw.all_warm()))
    figure("query_peak_rss_mib", memory.peak / 2**20)
    figure("process_max_rss_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


@asynccontextmanager
async def _broker(bootstrap_servers: str | None) -> AsyncIterator[str]:
    """The app's consumer needs a broker; start an embedded one if none is named."""
    if bootstrap_servers:
        yield bootstrap_servers
        return
    async with servers() as stack:
        yield stack.bootstrap_servers


@dataclass
class Filled:
    """The case fact rows filled, and the seconds of each batch of the live tail."""

    rows: int
    tail_seconds: list[float]


async def fill(database_url: str, cases: int, seed: int = 7, live_tail: int = 0) -> Filled:
    """Project bench.events' history of `cases` cases into the facts in batches of 20,000
    events, but its last `live_tail` events one per batch, as a live consumer would."""
    events = [(envelope, parse(envelope)) for _, envelope in city(cases, seed=seed).in_order()]
    cut = max(0, len(events) - live_tail)
    pool = await create_pool(database_url, max_size=1)
    tail_seconds = []
    try:
        await migrate(pool)
        async with pool.acquire() as connection:
            for start in range(0, cut, 20_000):
                async with connection.transaction():
                    await project_batch(connection, events[start:min(start + 20_000, cut)])
            async with connection.transaction():
                await import_population(connection, population(),
                                        source="bench.queries", imported_by="bench")
            async with connection.transaction():  # the units the big batches set aside
                await project_batch(connection, [])
            for event in events[cut:]:
                started = time.perf_counter()
                async with connection.transaction():
                    await project_batch(connection, [event])
                tail_seconds.append(time.perf_counter() - started)
            # As autovacuum would have by now: statistics, and the visibility map that lets
            # a question read only the covering index of the units.
            await connection.execute("VACUUM ANALYZE")
            counted: int = await connection.fetchval(
                "SELECT (SELECT count(*) FROM case_opened) + (SELECT count(*) FROM deliveries)"
                " + (SELECT count(*) FROM goal_reviews) + (SELECT count(*) FROM case_status)")
        return Filled(counted, tail_seconds)
    finally:
        await pool.close()


def population() -> list[PopulationRow]:
    """A plausible population per district and age band for the history's years."""
    return [PopulationRow(district, band.value, year, 8_000 + 1_000 * index)
            for index, district in enumerate(DISTRICTS) for band in AgeBand
            for year in (START.year, START.year + 1)]


async def _own_city(cases: int, rounds: int, breakdowns: int, indicators: Sequence[str],
                    periods: Sequence[str]) -> None:
    async with servers() as stack:
        database_url = await stack.new_database()
        started = time.perf_counter()
        # A child process, so the generator's memory does not count as the service's.
        filling = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.queries", "--fill", database_url, "--cases", str(cases),
            env=os.environ.copy())
        if await filling.wait() != 0:
            raise RuntimeError("filling the facts failed")
        print(f"filled {cases} cases in {time.perf_counter() - started:.0f} s; {machine()}")
        await run(database_url, stack.bootstrap_servers, periods=periods, rounds=rounds,
                  breakdowns=breakdowns, indicators=indicators)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="cases of the city-year")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after the first")
    parser.add_argument("--breakdowns", type=int, default=3, help="breakdowns per indicator")
    parser.add_argument("--indicators", default="", help="comma-separated; default: all")
    parser.add_argument("--database-url", help="query this database's facts instead")
    parser.add_argument("--bootstrap-servers", help="the broker for the app's consumer")
    parser.add_argument("--year", type=int, default=START.year,
                        help="ask this year and its fourth quarter")
    parser.add_argument("--fill", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    indicators = [name for name in args.indicators.split(",") if name]
    periods = (str(args.year), f"{args.year}-Q4")
    if args.fill:
        filled = asyncio.run(fill(args.fill, args.cases))
        print(f"{filled.rows} case fact rows")
    elif args.database_url:
        asyncio.run(run(args.database_url, args.bootstrap_servers, periods=periods,
                        rounds=args.rounds, breakdowns=args.breakdowns, indicators=indicators))
    else:
        asyncio.run(_own_city(args.cases, args.rounds, args.breakdowns, indicators, periods))


if __name__ == "__main__":
    main()
