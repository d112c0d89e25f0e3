"""All seven benchmarks of issue 7 in one run, every figure as a `name=value` line.

    python -m bench.all [--city large] [--seed 1] [--only-city-year]

1-3 run as their own modules do (`bench.commands`, `bench.relay`,
`bench.projection`, each on its own embedded stack, in a child process);
their figures are printed again prefixed with the benchmark's name. Then
one city-year is taken in by the three services (`bench.cityyear`, stage
timings printed), and on that running system: 4 the rebuild
(`bench.rebuild`), 6 freshness under load (`bench.freshness`: at the
rate asked for, then at one the services sustain), 5 the
indicator queries (`bench.queries`), then every role's main pages through a
running web service (`bench.web`, the dashboard's goal is for this large
city-year; `--web-requests 0` leaves them out), and last 7 the services' peak
memory over all of it (intake, load and queries).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import shlex
import subprocess
import sys
from datetime import UTC, datetime

from bench import freshness, rebuild, web
from bench.cityyear import ROOT, CityYear, city_year, report
from bench.common import figure, machine

INDEPENDENT = (("commands", ["--commands", "2000"]), ("relay", ["--events", "20000"]),
               ("projection", ["--cases", "10000"]))


def independent(name: str, arguments: list[str]) -> None:
    """Run `bench.<name>` in a child; its `name=value` lines again as `<name>_name=value`."""
    command = [sys.executable, "-m", f"bench.{name}", *arguments]
    figure(f"{name}_command", shlex.join(["python", *command[1:]]))
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        key, sep, value = line.rstrip("\n").partition("=")
        if sep and key.isidentifier() and key != "machine":
            figure(f"{name}_{key}", value)
        else:
            print(line, end="", file=sys.stderr, flush=True)
    if child.wait() != 0:
        raise RuntimeError(f"bench.{name} exited with {child.returncode}")


def queries(system: CityYear, year: int) -> None:
    """Benchmark 5, from `bench.queries`: the city-year's year and its last quarter."""
    try:
        module = importlib.import_module("bench.queries")
    except ModuleNotFoundError:
        figure("queries_missing", "bench.queries is not in this checkout")
        return
    outcome = module.run(system.database_urls["metrics"], periods=(str(year), f"{year}-Q4"))
    if inspect.isawaitable(outcome):
        async def wait() -> object:
            return await outcome

        asyncio.run(wait())


def memory(system: CityYear) -> None:
    """Benchmark 7: each service's peak resident memory since it started."""
    for name, mib in system.peak_rss_mib().items():
        figure(f"peak_rss_mib_{name}", mib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", choices=("small", "medium", "large"), default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--rate", type=float, default=200.0, help="freshness: commands/s")
    parser.add_argument("--seconds", type=float, default=30.0, help="freshness: how long")
    parser.add_argument("--sustainable-rate", type=float, default=50.0,
                        help="freshness again at this rate, one the services can sustain")
    parser.add_argument("--web-requests", type=int, default=100,
                        help="bench.web: timed requests of each role's main pages (0: none)")
    parser.add_argument("--only-city-year", action="store_true",
                        help="skip benchmarks 1-3 (they do not use the city-year)")
    args = parser.parse_args()
    figure("machine", machine())
    figure("started", datetime.now(UTC).isoformat(timespec="seconds"))
    figure("command", shlex.join(["python", "-m", "bench.all", *sys.argv[1:]]))
    if not args.only_city_year:
        for name, arguments in INDEPENDENT:
            independent(name, arguments)
    with city_year(args.city, seed=args.seed, year=args.year) as system:
        report(system)
        for name, mib in system.peak_rss_mib().items():
            figure(f"peak_rss_mib_{name}_after_intake", mib)
        rebuild.run(system)
        figure("gauge_refresh_seconds", asyncio.run(freshness.gauge_refresh_seconds(system)))
        freshness.run(system, args.rate, args.seconds)
        freshness.run(system, args.sustainable_rate, args.seconds,
                      prefix=f"freshness_at_{args.sustainable_rate:.0f}")
        queries(system, args.year)
        if args.web_requests:
            figure("web_ratio", web.run_phase(
                "web", system, web.busiest_team(system.database_urls["cases"]),
                args.web_requests, warmup=10))
        memory(system)
    figure("finished", datetime.now(UTC).isoformat(timespec="seconds"))


if __name__ == "__main__":
    main()
