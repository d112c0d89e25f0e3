"""Benchmark of indicator queries over a city-year, beside a plain SQL GROUP BY.

    python -m bench.queries [--cases 100000] [--rounds 5]
    python -m bench.queries --database-url URL [--bootstrap-servers HOST:PORT]

Without `--database-url` it makes its own city: a fresh database on the
embedded servers (bench.stack), migrated by `wirkung migrate metrics` and
filled in a child process with the fact rows of bench.events' history (real
contracts projected through the metrics application, `Indicators.project`, no
broker in between) and a reference population (`wirkung metrics
import-population`). Then it asks every indicator of the catalog for a year
and a quarter along two-dimension breakdowns through the metrics service's
HTTP API (`wirkung serve metrics` on that database, so the figures include the
API), and runs the same breakdowns as plain SQL `GROUP BY`s over the fact
tables: the raw limit. The first round of each query is reported apart
(`cold`), the figures of the later rounds as `query_*`. Prints `name=value`
lines; the peak RSS is the service's, sampled while the queries run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import psutil

from bench.common import ROOT, figure, machine, serving
from bench.events import DISTRICTS, START, city
from bench.memory import peak_rss_mib
from bench.stack import servers
from services.metrics.application import CATALOG, LIVE_SCHEMA, Indicators, parse_period
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
SECRET = "bench-queries-throwaway-signing-key-of-this-run"  # noqa: S105 - 32 bytes or more for HS256


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
    """The highest RSS of a process, sampled every few milliseconds while running."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
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


@dataclass(frozen=True)
class Service:
    """The metrics service answering the questions: a client of its API, and its process."""

    client: httpx.AsyncClient
    pid: int


@asynccontextmanager
async def metrics_service(database_url: str,
                          bootstrap_servers: str) -> AsyncIterator[Service]:
    """`wirkung serve metrics` on the database (its consumer on fresh, empty topics)."""
    environment = {"WIRKUNG_METRICS_DATABASE_URL": database_url,
                   "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
                   "WIRKUNG_TOPIC_PREFIX": f"bench-q-{uuid.uuid4().hex[:8]}",
                   "WIRKUNG_METRICS_CONSUMER_GROUP": f"bench-q-{uuid.uuid4().hex[:8]}",
                   "WIRKUNG_AUTH_SECRET": SECRET, "WIRKUNG_LOG_LEVEL": "WARNING",
                   "WIRKUNG_METRICS_CELL_KEY_SECRET": "bench-cell-key-secret"}
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as home, \
            serving("metrics", environment, Path(home) / "metrics.log") as metrics:
        async with httpx.AsyncClient(base_url=metrics.url, timeout=600) as client:
            yield Service(client, metrics.process.pid)


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
    connection = await asyncpg.connect(database_url,
                                       server_settings={"search_path": LIVE_SCHEMA})
    timings = Timings()
    try:
        for _ in range(rounds + 1):
            for pair, sql in RAW.items():
                for label in periods:
                    period = parse_period(label)
                    started = time.perf_counter()
                    await connection.fetch(sql, period.start, period.end)
                    timings.add(f"raw[{','.join(pair)}]@{label}",
                                (time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    return timings


async def run(database_url: str, bootstrap_servers: str | None = None, *,
              periods: Sequence[str] = (str(START.year), f"{START.year}-Q4"), rounds: int = 5,
              breakdowns: int = 3, indicators: Sequence[str] = (), verbose: bool = True) -> None:
    """Query a metrics database whose schema `facts` holds a city-year; print the figures."""
    async with _broker(bootstrap_servers) as bootstrap:
        asked = questions(periods, breakdowns, indicators)
        async with metrics_service(database_url, bootstrap) as service:
            with PeakMemory(service.pid) as memory:
                timings = await ask_all(service.client, asked, rounds + 1)
            service_max_rss = peak_rss_mib(service.pid)
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
    figure("process_max_rss_mib", service_max_rss)


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


async def fill(database_url: str, cases: int, seed: int = 7, live_tail: int = 0,
               live_batch: int = 1) -> Filled:
    """Project bench.events' history of `cases` cases into the facts in batches of 20,000
    events, but its last `live_tail` events `live_batch` per batch, as a live consumer
    would."""
    envelopes = [envelope for _, envelope in city(cases, seed=seed).in_order()]
    cut = max(0, len(envelopes) - live_tail)
    metrics_command(database_url, "migrate", "metrics")
    settings = MetricsSettings(database_url=database_url)
    indicators = Indicators(settings.disclosure_threshold)
    connection = await asyncpg.connect(database_url,
                                       server_settings={"search_path": LIVE_SCHEMA})
    tail_seconds = []
    try:
        for start in range(0, cut, 20_000):
            async with connection.transaction():
                await indicators.project(connection, envelopes[start:min(start + 20_000, cut)])
        with tempfile.TemporaryDirectory(prefix="bench-population-") as directory:
            population_csv = Path(directory) / "population.csv"
            population_csv.write_text(population(), encoding="utf-8")
            metrics_command(database_url, "metrics", "import-population", str(population_csv),
                            "--source", "bench.queries", "--by", "bench")
        async with connection.transaction():  # the units the big batches set aside
            await indicators.project(connection, [])
        for start in range(cut, len(envelopes), live_batch):
            started = time.perf_counter()
            async with connection.transaction():
                await indicators.project(connection, envelopes[start:start + live_batch])
            tail_seconds.append(time.perf_counter() - started)
        # As autovacuum would have by now: statistics, and the visibility map that lets
        # a question read only the covering index of the units.
        await connection.execute("VACUUM ANALYZE")
        counted: int = await connection.fetchval(
            "SELECT (SELECT count(*) FROM case_opened) + (SELECT count(*) FROM deliveries)"
            " + (SELECT count(*) FROM goal_reviews) + (SELECT count(*) FROM case_status)")
        return Filled(counted, tail_seconds)
    finally:
        await connection.close()


def metrics_command(database_url: str, *arguments: str) -> None:
    """`wirkung <arguments>` with the metrics service's database as its only setting."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("WIRKUNG_", "KAFKA_"))}
    environment["WIRKUNG_METRICS_DATABASE_URL"] = database_url
    done = subprocess.run([sys.executable, "-m", "wirkung", *arguments], env=environment,
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wirkung {' '.join(arguments)}: {done.stderr or done.stdout}")


def population() -> str:
    """A plausible population per district and age band for the history's years, as the
    CSV file `wirkung metrics import-population` reads."""
    lines = [f"{district},{band.value},{year},{8_000 + 1_000 * index}"
             for index, district in enumerate(DISTRICTS) for band in AgeBand
             for year in (START.year, START.year + 1)]
    return "\n".join(["district,age_band,year,population", *lines]) + "\n"


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
    # The history's second year: most cases are active in it, and it lies in the years
    # whose units the consumer keeps (the latest three with case events; the history's
    # last closures reach two years beyond it). Earlier years are counted from the facts.
    parser.add_argument("--year", type=int, default=START.year + 1,
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
