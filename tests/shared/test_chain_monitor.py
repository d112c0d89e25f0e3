"""The chain monitor: a verification runs in a worker thread, one at a time, and is kept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from shared.audit.check import ChainCheck
from shared.audit.monitor import ChainMonitor
from shared.audit.verify import Verification


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class SlowCheck:
    """A verification that runs until released, counting its runs and their threads."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.runs = 0
        self.threads: set[int] = set()

    def __call__(self) -> ChainCheck:
        self.runs += 1
        self.threads.add(threading.get_ident())
        self.release.wait(5)
        return ChainCheck(Verification("cases", self.runs, self.runs, 0, []), 0, 0)


async def test_a_run_under_way_is_not_started_twice_and_runs_off_the_event_loop() -> None:
    check = SlowCheck()
    monitor = ChainMonitor(check)

    assert monitor.start() is True
    assert monitor.start() is False
    await monitor.settled(0.1)  # the loop is free while the check waits
    assert monitor.running
    assert monitor.last is None
    check.release.set()
    await monitor.settled(5)

    assert check.runs == 1
    assert threading.get_ident() not in check.threads
    assert monitor.last is not None
    assert monitor.last.check is not None
    assert monitor.last.check.verification.intact
    assert monitor.running_since is None


async def test_a_result_is_kept_until_it_is_stale() -> None:
    check, clock = SlowCheck(), Clock()
    check.release.set()
    monitor = ChainMonitor(check, stale_after=timedelta(minutes=15), clock=clock)

    monitor.start_if_stale()
    await monitor.settled(5)
    clock.now += timedelta(minutes=10)
    monitor.start_if_stale()
    await monitor.settled(5)
    assert check.runs == 1
    clock.now += timedelta(minutes=10)
    monitor.start_if_stale()
    await monitor.settled(5)

    assert check.runs == 2
    assert monitor.last is not None
    assert monitor.last.finished_at == clock.now


async def test_a_failed_run_is_kept_with_its_reason() -> None:
    def broken() -> ChainCheck:
        raise ConnectionError("database gone")

    monitor = ChainMonitor(broken)
    monitor.start()
    await monitor.settled(5)

    assert monitor.last is not None
    assert (monitor.last.check, monitor.last.failure) == (None, "ConnectionError")
