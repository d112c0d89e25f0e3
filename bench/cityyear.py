"""A city-year in a running system: simulated into the stores, taken in by the services.

    python -m bench.cityyear [--city medium] [--seed 1]

Starts the embedded stack (PostgreSQL with fsync off, Tansu) on free ports,
writes a simulated year of a city into the agreements and cases event stores
through the services' applications (`wirkung simulate`, no service running
yet; the clients' keys wrapped by the KEK the cases service is then given),
then starts the three services as separate processes (`wirkung serve …`, with
the environment `wirkung dev` gives them) and waits until they have taken in
the whole year: both relays have published every stored event, the read models
and the audit chains have followed both notification logs, the cases service's
replica has the agreements, and the metrics service has applied every event to
its facts. Prints the time of each stage as `stage_<name>_seconds=` and the
services' peak memory so far. The benchmarks of the city-year
(`bench.rebuild`, `bench.freshness`, `bench.all`) run on the system
`city_year()` leaves up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import figure, machine
from bench.memory import peak_rss_mib
from shared.auth import new_secret
from shared.embedded import EmbeddedStack, StackAddresses
from shared.embedded.process import free_port, start_child, stop_child, wait_until
from wirkung.dev import (
    development_audit_keys,
    development_cases_keys,
    development_cell_key_secret,
    development_key_encryption_key,
)
from wirkung.simulate import Counts, simulate

SERVICES = ("agreements", "cases", "metrics")
WRITE_SERVICES = ("agreements", "cases")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class CityYear:
    """The running system holding the year: servers, services, what was simulated."""

    city: str
    home: Path
    addresses: StackAddresses
    secret: str
    urls: dict[str, str]
    processes: dict[str, subprocess.Popen[Any]]
    counts: Counts = field(default_factory=Counts)
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def database_urls(self) -> dict[str, str]:
        return self.addresses.database_urls

    @property
    def metrics_environment(self) -> dict[str, str]:
        """The metrics service's settings, for `wirkung metrics` commands run beside it."""
        return {**self.addresses.as_environment(), "WIRKUNG_AUTH_SECRET": self.secret,
                "WIRKUNG_METRICS_CELL_KEY_SECRET": development_cell_key_secret(self.home)}

    def peak_rss_mib(self) -> dict[str, float]:
        """Each service's peak resident memory since it started (VmHWM), in MiB."""
        return {name: peak_rss_mib(process.pid) for name, process in self.processes.items()}

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} service exited with {process.returncode}; "
                                   f"see {self.home / 'logs' / (name + '.log')}")


@contextmanager
def city_year(city: str = "medium", *, seed: int = 1, year: int = 2026,
              show: Callable[[str], None] | None = None) -> Iterator[CityYear]:
    """The embedded stack with a city-year taken in by the three services; all stopped after."""
    say = show or (lambda line: print(line, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(prefix="wirkung-cityyear-") as directory:
        home = Path(directory)
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("WIRKUNG_", "KAFKA_"))}
        stack = EmbeddedStack(home, postgres_port=free_port(), broker_port=free_port(),
                              environ=environ, fsync=False)
        stages: dict[str, float] = {}
        started = time.monotonic()
        with stack as addresses:
            stages["stack"] = time.monotonic() - started
            system = CityYear(city=city, home=home, addresses=addresses, secret=new_secret(),
                              urls={}, processes={}, stages=stages)
            try:
                with stage(stages, "simulate"):
                    system.counts = _simulate(addresses, home, city, year, seed)
                say(f"simulated {system.counts.events:,} events in "
                    f"{stages['simulate']:.0f} s")
                with stage(stages, "services_start"):
                    serve(system, environ)
                asyncio.run(await_intake(system, say))
                yield system
            finally:
                for process in system.processes.values():
                    stop_child(process, sig=signal.SIGTERM, timeout=20)


@contextmanager
def stage(stages: dict[str, float], name: str) -> Iterator[None]:
    """Time the block as the stage `name` (the benchmarks built on a city-year use it too)."""
    started = time.monotonic()
    yield
    stages[name] = time.monotonic() - started


def _simulate(addresses: StackAddresses, home: Path, city: str, year: int,
              seed: int) -> Counts:
    """The year, its clients' keys wrapped by the KEK the cases service is then started with."""
    return simulate(addresses.database_urls["agreements"], addresses.database_urls["cases"],
                    key_encryption_key=development_key_encryption_key(home),
                    city=city, year=year, seed=seed)


def serve(system: CityYear, environ: dict[str, str]) -> None:
    """Start the three services on the system's stack and wait until they are ready."""
    environment = {**environ, **system.addresses.as_environment(),
                   **development_audit_keys(system.home),
                   # The keys `wirkung dev` keeps apart from the database (the demo's too).
                   **development_cases_keys(system.home),
                   "WIRKUNG_METRICS_CELL_KEY_SECRET": development_cell_key_secret(system.home),
                   "WIRKUNG_AUTH_SECRET": system.secret, "WIRKUNG_LOG_LEVEL": "WARNING"}
    for name in SERVICES:
        port = free_port()
        system.urls[name] = f"http://127.0.0.1:{port}"
        system.processes[name] = start_child(
            [sys.executable, "-m", "wirkung", "serve", name, "--port", str(port)],
            log=system.home / "logs" / f"{name}.log", env=environment, cwd=ROOT)
    for name, url in system.urls.items():
        wait_until(partial(_ready, url), timeout=120, what=f"the {name} service",
                   process=system.processes[name], log=system.home / "logs" / f"{name}.log")


def _ready(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/ready", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Intake:
    """How far the services have taken in the stored events."""

    stored: dict[str, int]  # last notification id per write service
    relayed: dict[str, int] = field(default_factory=dict)
    viewed: dict[str, int] = field(default_factory=dict)
    chained: dict[str, int] = field(default_factory=dict)
    replicated: int = 0  # agreements events the cases service's replica has applied
    applied: int = 0  # events the metrics service has applied

    @property
    def events(self) -> int:
        return sum(self.stored.values())

    def done(self) -> dict[str, bool]:
        return {
            "relays": self.relayed == self.stored,
            "views": self.viewed == self.stored,
            "audit": self.chained == self.stored,
            "replica": self.replicated >= self.stored["agreements"],
            "metrics": self.applied >= self.events,
        }

    def line(self, elapsed: float) -> str:
        return (f"[{elapsed:5.0f} s] relayed {sum(self.relayed.values()):,}  "
                f"views {sum(self.viewed.values()):,}  audit {sum(self.chained.values()):,}  "
                f"replica {self.replicated:,}  metrics {self.applied:,}  "
                f"of {self.events:,} events")


async def await_intake(system: CityYear, say: Callable[[str], None],
                        interval: float = 1.0, report_every: float = 10.0) -> None:
    """Poll the services' positions until each part has everything; time each part."""
    connections = {name: await asyncpg.connect(url)
                   for name, url in system.database_urls.items()}
    try:
        stored = {name: await connections[name].fetchval(
            f"SELECT coalesce(max(notification_id), 0) FROM {name}_events")  # noqa: S608
            for name in WRITE_SERVICES}
        started = reported = time.monotonic()
        while True:
            system.check_running()
            intake = await _intake(connections, stored)
            now = time.monotonic()
            for part, finished in intake.done().items():
                if finished and f"intake_{part}" not in system.stages:
                    system.stages[f"intake_{part}"] = now - started
                    say(f"{part} caught up after {now - started:.0f} s")
            if all(intake.done().values()):
                system.stages["intake"] = now - started
                return
            if now - reported >= report_every:
                reported = now
                say(intake.line(now - started))
            await asyncio.sleep(interval)
    finally:
        for connection in connections.values():
            await connection.close()


async def _intake(connections: dict[str, asyncpg.Connection], stored: dict[str, int]) -> Intake:
    intake = Intake(stored=stored)
    for name in WRITE_SERVICES:
        db = connections[name]
        intake.relayed[name] = await db.fetchval(
            "SELECT coalesce(max(notification_id), 0) FROM relay_positions") or 0
        intake.viewed[name] = await view_position(db)
        intake.chained[name] = await _optional(
            db, "SELECT coalesce(max(position), 0) FROM audit_chain")
    intake.replicated = await _optional(
        connections["cases"], "SELECT coalesce(sum(version), 0) FROM applied_versions")
    intake.applied = await _optional(
        connections["metrics"], "SELECT coalesce(sum(version), 0) FROM facts.applied_versions")
    return intake


async def view_position(db: asyncpg.Connection) -> int:
    """The read model's position: the largest notification id of its tracking table."""
    tables = await db.fetch("SELECT table_name FROM information_schema.tables "
                            "WHERE table_name LIKE '%tracking' AND table_schema = 'public'")
    positions = [await _optional(
        db, f'SELECT coalesce(max(notification_id), 0) FROM "{row[0]}"')  # noqa: S608
        for row in tables]
    return min(positions, default=0)


async def _optional(db: asyncpg.Connection, query: str) -> int:
    """A count from a table the service may not have created yet (then 0)."""
    try:
        return int(await db.fetchval(query) or 0)
    except asyncpg.UndefinedTableError:
        return 0


def report(system: CityYear) -> None:
    """The city-year's size, stage timings and the services' peak memory, as figures."""
    counts = system.counts
    figure("city", system.city)
    for name in ("providers", "agreements", "reports", "clients", "cases", "events"):
        figure(f"city_{name}", str(getattr(counts, name)))
    for stage, seconds in system.stages.items():
        figure(f"stage_{stage}_seconds", seconds)
    if system.stages.get("simulate"):
        figure("simulate_events_per_s", counts.events / system.stages["simulate"])
    if system.stages.get("intake"):
        figure("intake_events_per_s", counts.events / system.stages["intake"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figure("machine", machine())
    with city_year(args.city, seed=args.seed) as system:
        report(system)
        for name, mib in system.peak_rss_mib().items():
            figure(f"peak_rss_mib_{name}", mib)


if __name__ == "__main__":
    main()
