"""Reports made in the web's background: a whole page once done, never part of one."""

from __future__ import annotations

import asyncio

from services.web.clients import Services, Unavailable
from services.web.report.gather import Progress, ReportFailed, gather_patiently
from services.web.report.runs import ReportRun, ReportRuns
from shared.embedded.process import free_port
from shared.report.html import render
from shared.report.model import Report, ReportPeriod
from tests.report.builders import a_report


async def finished(run: ReportRun) -> ReportRun:
    assert run.task is not None
    await asyncio.wait_for(run.task, timeout=30)
    return run


async def test_a_report_gathered_whole_is_kept_as_its_page_for_its_author_only() -> None:
    runs, report = ReportRuns(), a_report()

    async def gather(progress: Progress) -> Report:
        progress.total = progress.done = 1
        return report

    run = await finished(runs.start("au-1", report.period, gather))

    assert (run.state, run.intact) == ("done", True)
    assert run.page == render(report)
    assert runs.of(run.id, "au-1") is run
    assert runs.of(run.id, "au-2") is None


async def test_services_that_do_not_answer_end_the_report_without_a_page() -> None:
    nobody = {name: f"http://127.0.0.1:{free_port()}" for name in ("agreements", "cases",
                                                                   "metrics")}
    services = Services(agreements_url=nobody["agreements"], cases_url=nobody["cases"],
                        metrics_url=nobody["metrics"])
    period = ReportPeriod.of(2026, "Q1")
    runs = ReportRuns()
    try:
        run = await finished(runs.start(
            "au-1", period, lambda progress: gather_patiently(services, "token", period,
                                                              progress)))
    finally:
        await services.close()

    assert (run.state, run.page) == ("failed", None)
    assert isinstance(run.failure, ReportFailed)
    assert run.failure.service == "metrics"
    assert isinstance(run.failure.error, Unavailable)


async def test_a_second_start_of_the_same_period_joins_the_report_under_way() -> None:
    runs, period = ReportRuns(), ReportPeriod.of(2026, "")
    release = asyncio.Event()

    async def gather(progress: Progress) -> Report:
        await release.wait()
        return a_report(period="2026")

    first = runs.start("au-1", period, gather)

    assert runs.running("au-1", period) is first
    assert runs.running("au-2", period) is None
    release.set()
    await finished(first)
    assert runs.running("au-1", period) is None
    await runs.close()
