"""Verifications an auditor starts over HTTP, run in the background of the metrics service.

A replay reads the topics from offset zero and projects them into a scratch
schema: work for the same process that serves the API and runs the live
consumer. So only a few run at a time and a few more wait; beyond that a new
one is refused until one finishes (`Busy`). The state lives in this process:
a verification is read back from the instance that runs it, and a restart
forgets it (the auditor starts it again; the saved answer is theirs).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.metrics.indicators.manifest import Manifest
from services.metrics.replay import Progress
from services.metrics.verification import BadManifest, Verdict, checked
from shared.clock import Clock
from shared.topics import Topics

_log = logging.getLogger("wirkung.metrics.verifications")

Verify = Callable[[Any, Progress], Awaitable[Verdict]]  # the document, its progress


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # a verdict: match or not
    FAILED = "failed"  # no verdict: the replay could not be done (the reason in `error`)


class Busy(Exception):
    """As many verifications wait as may: start this one later."""

    retry_after = 30


@dataclass
class Verification:
    """One verification of a saved answer: its progress, then its verdict."""

    id: str
    manifest: Manifest
    document: Any = field(repr=False)
    started_by: str
    queued_at: datetime
    state: State = State.QUEUED
    started_at: datetime | None = None
    finished_at: datetime | None = None
    events_done: int = 0
    events_total: int | None = None
    verdict: Verdict | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED)

    def progress(self, done: int, total: int) -> None:
        self.events_done, self.events_total = done, total


class Verifications:
    """Starts verifications, runs `running` at a time, lets `waiting` more wait, keeps the
    last `kept` finished ones to be read."""

    def __init__(self, verify: Verify, topics: Topics, clock: Clock, *, running: int = 1,
                 waiting: int = 3, kept: int = 100) -> None:
        self.verify, self.topics, self.clock = verify, topics, clock
        self.waiting, self.kept = waiting, kept
        self.slots = asyncio.Semaphore(running)
        self.all: dict[str, Verification] = {}  # in the order they were started
        self.tasks: set[asyncio.Task[None]] = set()

    def start(self, document: Any, started_by: str) -> Verification:
        """Queue a verification of `document` (BadManifest: it cannot be verified here)."""
        manifest = checked(document, self.topics)
        if sum(1 for v in self.all.values() if v.state is State.QUEUED) >= self.waiting:
            raise Busy(f"{self.waiting} verifications are waiting already")
        verification = Verification(id=str(uuid.uuid4()), manifest=manifest, document=document,
                                    started_by=started_by, queued_at=self.clock.now())
        self.all[verification.id] = verification
        self._forget_old()
        task = asyncio.create_task(self._run(verification), name=f"verify-{verification.id}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return verification

    def get(self, verification_id: str) -> Verification | None:
        return self.all.get(verification_id)

    def ahead_of(self, verification: Verification) -> int:
        """How many verifications run or wait before this one starts."""
        if verification.state is not State.QUEUED:
            return 0
        ahead = 0
        for other in self.all.values():
            if other is verification:
                break
            ahead += not other.finished
        return ahead

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _run(self, verification: Verification) -> None:
        async with self.slots:
            verification.state = State.RUNNING
            verification.started_at = self.clock.now()
            try:
                verification.verdict = await self.verify(verification.document,
                                                         verification.progress)
                verification.state = State.DONE
            except BadManifest as error:  # found only by the replay: positions not held
                verification.error, verification.state = str(error), State.FAILED
            except Exception as error:
                _log.exception("verification %s failed", verification.id)
                verification.error = f"the replay failed: {type(error).__name__}"
                verification.state = State.FAILED
            finally:
                verification.finished_at = self.clock.now()
                verification.document = None  # the cells are not needed any more

    def _forget_old(self) -> None:
        finished = [v.id for v in self.all.values() if v.finished]
        for verification_id in finished[:max(0, len(finished) - self.kept)]:
            del self.all[verification_id]
