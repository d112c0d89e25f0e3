"""Background tasks of a service: restarted when they fail, cancelled together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
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


async def cancel_all(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and wait until each has stopped."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    tasks.clear()
