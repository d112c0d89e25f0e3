"""The evidence behind each indicator value: its manifest and its restatements.

One function each, so that the fuller versions of the metrics service
(`services.metrics.indicators.manifest`, with the result hash, and
`services.metrics.indicators.restatements`, naming the events that changed a
value) can take their place in a few lines.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, input_positions
from services.metrics.periods import Grain, Period
from wirkung.report.facts import Facts
from wirkung.report.model import Manifest, Restatement


async def manifest_of(facts: Facts, definition: IndicatorDefinition) -> Manifest:
    """What an answer rests on: the definition's hash and the facts' input positions."""
    return {"definition_hash": definition.definition_hash,
            "input_positions": await input_positions(facts.connection)}


def period_closed_at(period: Period) -> datetime:
    """The moment a period ends: midnight (UTC) after its last day."""
    return datetime.combine(period.end + timedelta(days=1), time(), tzinfo=UTC)


async def restatements_of(facts: Facts, definition: IndicatorDefinition,
                          period: Period) -> list[Restatement]:
    """The values of the period and its months as known at its end, where they differ now."""
    closed_at = period_closed_at(period)
    if closed_at > datetime.now(UTC):
        return []
    found = []
    for by in ((), ("period",)):
        then = await facts.cells(definition, Question(period, by, Grain.MONTH, closed_at))
        now = await facts.cells(definition, Question(period, by, Grain.MONTH))
        earlier, later = _by_period(then, period), _by_period(now, period)
        for label in sorted(earlier.keys() | later.keys()):
            before, after = earlier.get(label), later.get(label)
            if _shown(before) != _shown(after):
                found.append(Restatement(str(definition.id), label, closed_at, before, after))
    return found


def _by_period(cells: list[Cell], period: Period) -> dict[str, Cell]:
    return {cell.dimensions.get("period", period.label): cell for cell in cells}


def _shown(cell: Cell | None) -> tuple[float | None, bool]:
    """What a reader sees: a value, "withheld", or nothing (no cell, or no value)."""
    return (None, False) if cell is None else (cell.value, cell.suppressed)
