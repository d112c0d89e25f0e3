"""The chain check of a running service: in a worker thread, one run at a time, kept.

Verifying reads the whole event store, which takes minutes on a large city's
store. So the service keeps its last finished check with the time it ran, and a
caller reads that (a run starts by itself when there is none yet or it is older
than `stale_after`), or starts a new one and waits a few seconds for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.audit.check import ChainCheck

_log = logging.getLogger("wirkung.audit")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class FinishedCheck:
    """A finished run: its result, or why it failed; when it started and ended."""

    check: ChainCheck | None
    failure: str | None
    started_at: datetime
    finished_at: datetime


class ChainMonitor:
    """Runs `verify` (blocking) in a worker thread; never two at once."""

    def __init__(self, verify: Callable[[], ChainCheck], *,
                 stale_after: timedelta = timedelta(minutes=15),
                 clock: Callable[[], datetime] = _now) -> None:
        self._verify = verify
        self.stale_after = stale_after
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self.last: FinishedCheck | None = None
        self.running_since: datetime | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> bool:
        """Start a run unless one is under way; whether this call started one."""
        if self.running:
            return False
        started = self.running_since = self._clock()
        self._task = asyncio.create_task(self._run(started))
        return True

    def start_if_stale(self) -> None:
        """A run when there is no result yet, or the last is older than `stale_after`."""
        if self.last is None or self._clock() - self.last.finished_at > self.stale_after:
            self.start()

    async def settled(self, within: float) -> None:
        """Wait up to `within` seconds for the run under way (if any) to finish."""
        task = self._task
        if task is not None and not task.done() and within > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), within)

    async def _run(self, started: datetime) -> None:
        check, failure = None, None
        try:
            check = await asyncio.to_thread(self._verify)
        except Exception as error:
            _log.exception("the chain check failed")
            failure = type(error).__name__
        self.last = FinishedCheck(check, failure, started, self._clock())
        self.running_since = None

    async def stop(self) -> None:
        """Stop waiting for a run (its thread ends when its read ends)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
