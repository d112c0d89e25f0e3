"""Reports being made in this web process, in the background, and the finished ones for a while.

A city's report asks the services a few hundred questions: the page starts it here and
shows its progress until it is done. The finished page is kept in memory, for its author
only, for `KEPT`; a restart forgets it, and with several web processes the progress is
read from the one that started it. Only a report rendered whole is kept: a failed one
keeps its reason, never part of a page.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.web.report.gather import Progress, ReportFailed
from shared.report.html import render
from shared.report.model import Report, ReportPeriod

KEPT = timedelta(hours=2)
MOST = 20  # reports kept at once; the oldest finished one goes first
_log = logging.getLogger("wirkung.web.report")


@dataclass
class ReportRun:
    """One report: whose, of which period, how far, and its page once whole."""

    id: str
    owner: str  # the subject of the auditor who started it
    period: ReportPeriod
    started_at: datetime
    progress: Progress = field(default_factory=Progress)
    state: str = "running"  # running, done, failed
    page: str | None = None  # the whole HTML page, once done
    intact: bool | None = None  # both chains intact, once done
    failure: ReportFailed | None = None  # a service refused or did not answer
    task: asyncio.Task[None] | None = None

    @property
    def finished(self) -> bool:
        return self.state != "running"


Gather = Callable[[Progress], Awaitable[Report]]


class ReportRuns:
    """The reports of this process, by id."""

    def __init__(self) -> None:
        self._runs: dict[str, ReportRun] = {}

    def start(self, owner: str, period: ReportPeriod, gather: Gather) -> ReportRun:
        self._forget_old()
        run = ReportRun(str(uuid.uuid4()), owner, period, datetime.now(UTC))
        run.task = asyncio.create_task(self._make(run, gather))
        self._runs[run.id] = run
        return run

    def running(self, owner: str, period: ReportPeriod) -> ReportRun | None:
        """This owner's report of this period under way, if any (a second click joins it)."""
        return next((run for run in self._runs.values() if run.owner == owner
                     and run.period == period and not run.finished), None)

    def of(self, run_id: str, owner: str) -> ReportRun | None:
        """The run, if it is this owner's (another's is as unknown as none)."""
        run = self._runs.get(run_id)
        return run if run is not None and run.owner == owner else None

    async def close(self) -> None:
        for run in self._runs.values():
            if run.task is not None and not run.task.done():
                run.task.cancel()
        await asyncio.gather(*(run.task for run in self._runs.values() if run.task),
                             return_exceptions=True)

    async def _make(self, run: ReportRun, gather: Gather) -> None:
        try:
            report = await gather(run.progress)
            run.progress.stage = "writing"
            page = await asyncio.to_thread(render, report)
        except ReportFailed as failure:
            _log.warning("report %s of %s failed: %s", run.id, run.period.label, failure)
            run.failure, run.state = failure, "failed"
            return
        except Exception:
            _log.exception("report %s of %s failed", run.id, run.period.label)
            run.state = "failed"
            return
        run.page, run.intact, run.state = page, report.intact, "done"

    def _forget_old(self) -> None:
        now = datetime.now(UTC)
        for run_id, run in list(self._runs.items()):
            if run.finished and now - run.started_at > KEPT:
                del self._runs[run_id]
        finished = sorted((run for run in self._runs.values() if run.finished),
                          key=lambda run: run.started_at)
        while len(self._runs) >= MOST and finished:
            del self._runs[finished.pop(0).id]
