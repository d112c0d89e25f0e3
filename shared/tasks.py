"""Background tasks of a service: restarted when they fail, cancelled together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_log = logging.getLogger("wirkung.tasks")


async def supervised(work: Callable[[], Awaitable[Any]], name: str) -> None:
    """Run `work` until cancelled; log and restart it (with backoff) when it fails."""
    backoff = 1.0
    while True:
        try:
            await work()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            _log.exception("background task %s failed; restarting in %.0fs", name, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


STOP_SECONDS = 10.0


async def cancel_all(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and wait until each has stopped (a stuck one at most 10 s)."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, STOP_SECONDS)
    tasks.clear()


@dataclass(frozen=True)
class Job:
    """Work to run in the background, named for the logs."""

    name: str
    work: Callable[[], Awaitable[Any]]


@dataclass
class ServiceTasks:
    """A service's background tasks, each `supervised`; cancelled together."""

    running: list[asyncio.Task[Any]] = field(default_factory=list)

    def start(self, jobs: Iterable[Job]) -> None:
        self.running.extend(asyncio.create_task(supervised(job.work, job.name))
                            for job in jobs)

    async def cancel(self) -> None:
        await cancel_all(self.running)


async def close_pool(pool: Any) -> None:
    """Close an asyncpg pool; if a connection is never released, terminate it after 10 s.

    A shutdown must never hang: `Pool.close` waits for every connection to come back.
    """
    try:
        await asyncio.wait_for(pool.close(), STOP_SECONDS)
    except TimeoutError:
        _log.warning("a database pool did not close in time; terminating it")
        pool.terminate()
