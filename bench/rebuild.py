"""Benchmark 4: a full rebuild of the metrics facts over the city-year.

    python -m bench.rebuild [--city medium]

On a system holding the city-year (`bench.cityyear`), measured in one run:

- (a) the raw notification-log read: both event stores' notification logs
  read with the eventsourcing recorder's `select_notifications` in pages of
  5,000, no decoding — the floor of any replay from the stores;
- (b) a raw aiokafka drain of both topics with `json.loads` of each body
  (`bench.baselines.raw_drain`) — the floor of any replay from the topics;
- (c) `wirkung metrics rebuild` as an operator runs it, beside the running
  metrics service: a fresh process that replays both topics from offset zero
  into `facts_rebuild`, catches up and swaps. Its time is taken from outside,
  start-up included; its peak memory from the kernel (`wait4`).

Prints `rebuild_seconds=` (goal ≤ 120), `rebuild_events_per_s=`, the two raw
rates, and `rebuild_ratio=` = (c) ÷ (a) in events/s (the issue's "÷ raw
notification-log read"); `rebuild_drain_ratio=` is (c) ÷ (b).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from bench.baselines import raw_drain
from bench.cityyear import ROOT, CityYear, city_year
from bench.common import figure, machine
from shared.topics import Topics
from wirkung.stores import event_store

PAGE = 5000


def raw_log_read(system: CityYear) -> tuple[int, float]:
    """(a) Events read from both notification logs, and the seconds it took."""
    read, started = 0, time.perf_counter()
    for service in ("agreements", "cases"):
        store = event_store(service, system.database_urls[service])
        try:
            after = 0
            while page := store.recorder.select_notifications(after, PAGE,
                                                              inclusive_of_start=False):
                read += len(page)
                after = page[-1].id
        finally:
            store.close()
    return read, time.perf_counter() - started


def rebuild_process(system: CityYear) -> tuple[float, float]:
    """(c) `wirkung metrics rebuild` in its own process: seconds and peak memory (MiB)."""
    environment = {**{k: v for k, v in os.environ.items()
                      if not k.startswith(("WIRKUNG_", "KAFKA_"))},
                   **system.metrics_environment}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "wirkung", "metrics", "rebuild"],
                             env=environment, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    print(child.stdout.read(), end="", file=sys.stderr, flush=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    if child.returncode != 0:
        raise RuntimeError(f"wirkung metrics rebuild exited with {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def run(system: CityYear) -> None:
    events = system.counts.events
    read, seconds = raw_log_read(system)
    figure("raw_log_read_events", str(read))
    figure("raw_log_read_seconds", seconds)
    raw = read / seconds
    figure("raw_log_read_events_per_s", raw)
    drained = asyncio.run(raw_drain(system.addresses.bootstrap_servers, Topics(), events))
    figure("raw_drain_events_per_s", drained)
    rebuild_seconds, peak = rebuild_process(system)
    figure("rebuild_seconds", rebuild_seconds)
    figure("rebuild_events_per_s", events / rebuild_seconds)
    figure("peak_rss_mib_rebuild", peak)
    figure("rebuild_ratio", events / rebuild_seconds / raw)
    figure("rebuild_drain_ratio", events / rebuild_seconds / drained)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figure("machine", machine())
    with city_year(args.city, seed=args.seed) as system:
        figure("city_events", str(system.counts.events))
        run(system)


if __name__ == "__main__":
    main()
