"""The cases read model after a bulk import: every case at its stored version and status."""

from __future__ import annotations

import asyncio
import time

import pytest

from services.cases.application import Cases
from services.cases.domain import Case
from services.cases.migrations import prepare_database
from services.cases.settings import CasesSettings
from services.cases.views import CasesProjection, CasesView
from shared.eventstore import event_store_environment
from shared.views import ViewRunner
from tests.support import Infrastructure, new_database
from wirkung.simulate import simulate

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_bulk_import_leaves_every_case_at_its_version_and_status(
        infrastructure: Infrastructure) -> None:
    url = await new_database(infrastructure)
    await asyncio.to_thread(prepare_database, url)
    agreements = await new_database(infrastructure)
    # Written as `wirkung simulate` writes: its history import, in batches (no personal data).
    cases = Cases(env=event_store_environment(url))
    try:
        await asyncio.to_thread(simulate, agreements, url,
                                key_encryption_key=CasesSettings.new_key_encryption_key(),
                                city="small", year=2026, seed=3)
        last = cases.recorder.max_notification_id()
        runner = await asyncio.to_thread(
            ViewRunner, application=cases, projection_class=CasesProjection,
            view_class=CasesView, environment=event_store_environment(url))
        try:
            deadline = time.monotonic() + 120
            while not runner.view.has_tracking_id(cases.name, last):
                assert time.monotonic() < deadline, "the view did not catch up"
                await asyncio.sleep(0.2)
            rows = runner.view.query("SELECT case_id, version, status FROM case_summaries")
        finally:
            await asyncio.to_thread(runner.stop)
        assert len(rows) == 1000
        for row in rows:
            case: Case = cases.repository.get(row["case_id"])
            assert (row["version"], row["status"]) == (
                case.version, str(case.status)), row["case_id"]
    finally:
        cases.close()
