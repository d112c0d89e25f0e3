"""A bounded set of indicator gauges for Prometheus: this year's main indicators.

They publish the application's overview (`Indicators.main_figures`).
Labels are only indicator ids, fields of action and districts, never a case
or a person; withheld cells are left out, and the others perturbed as for
any reader but the auditor (cell-key method, `indicators.disclosure`).
Refreshed inside the batch transaction while that is cheap (so a value is
never behind the API), else by a background loop, after a pause of at least a
few seconds and of four times the last refresh: a large city's refresh never
holds up the facts.
"""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg
from prometheus_client import Gauge

from services.metrics.application import Indicators, MainFigure
from shared.indicators import IndicatorId
from shared.projection import Connection

ACTIVE_CASES = Gauge("wirkung_indicator_active_cases",
                     "Active cases this year by field of action (small cells withheld).",
                     ["field_of_action"])
BY_FIELD = Gauge("wirkung_indicator_by_field_of_action",
                 "Main indicators this year by field of action (small cells withheld).",
                 ["indicator", "field_of_action"])
BY_DISTRICT = Gauge("wirkung_indicator_by_district",
                    "Main indicators this year by district (small cells withheld).",
                    ["indicator", "district"])

_log = logging.getLogger("wirkung.metrics.gauges")
_INLINE_SECONDS = 0.05  # refresh inside the batch while a refresh takes less than this
_PAUSE_FACTOR = 4.0  # the background loop pauses at least this many times a refresh's time


class IndicatorGauges:
    """Keeps the gauges current with the facts."""

    def __init__(self, pool: asyncpg.Pool, indicators: Indicators, interval: float = 5.0,
                 year: int | None = None) -> None:
        self.pool, self.indicators, self.interval = pool, indicators, interval
        self.year = year  # None: the current year
        self.took = 0.0
        self.dirty = asyncio.Event()

    async def after_batch(self, connection: Connection, events: int) -> None:
        """Called in the batch transaction: refresh now if cheap, else in the background."""
        if self.took < _INLINE_SECONDS:
            try:
                async with connection.transaction():  # a savepoint: the batch stays intact
                    await self.refresh(connection)
                return
            except Exception:
                _log.warning("indicator gauges not refreshed with the batch", exc_info=True)
        self.dirty.set()

    async def run(self) -> None:
        """Refresh whenever batches were applied, at most every `interval` seconds."""
        while True:
            await self.dirty.wait()
            self.dirty.clear()
            async with self.pool.acquire() as connection:
                await self.refresh(connection)
            await asyncio.sleep(max(self.interval, _PAUSE_FACTOR * self.took))

    async def refresh(self, connection: Connection) -> None:
        started = time.monotonic()
        _publish(await self.indicators.main_figures(connection, self.year))
        self.took = time.monotonic() - started


def _publish(figures: list[MainFigure]) -> None:
    ACTIVE_CASES.clear()
    BY_FIELD.clear()
    BY_DISTRICT.clear()
    for figure in figures:
        if figure.dimension == "field_of_action":
            BY_FIELD.labels(figure.indicator, figure.label).set(figure.value)
            if figure.indicator == IndicatorId.ACTIVE_CASES:
                ACTIVE_CASES.labels(figure.label).set(figure.value)
        else:
            BY_DISTRICT.labels(figure.indicator, figure.label).set(figure.value)
