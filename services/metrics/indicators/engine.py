"""Answer one indicator for one period, along some dimensions, as known at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from services.metrics.catalog import IndicatorDefinition, Level
from services.metrics.indicators import agreement_units, case_units, society_units
from services.metrics.indicators.cells import Cell, Unit, cells_of
from services.metrics.indicators.in_database import cells_in_database
from services.metrics.indicators.inhabitants import Inhabitants, population_of
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.indicators.snapshot import Snapshot
from services.metrics.periods import Grain, Period, grain_of
from shared.indicators import IndicatorId
from shared.projection import Connection

UnitsOf = Callable[[Snapshot, Sequence[Period]], list[Unit]]

UNITS: dict[str, UnitsOf] = {
    IndicatorId.GAS_T_SCORE: case_units.gas_t_score,
    IndicatorId.GOALS_AT_OR_ABOVE_EXPECTED: case_units.goals_at_or_above_expected,
    IndicatorId.CASE_DURATION: case_units.case_duration,
    IndicatorId.ACTIVE_CASES: case_units.active_cases,
    IndicatorId.GOAL_ATTAINMENT_RATE: case_units.goal_attainment_rate,
    IndicatorId.MEAN_T_SCORE_AT_CLOSURE: case_units.mean_t_score_at_closure,
    IndicatorId.PLANNED_CLOSURE_RATE: case_units.planned_closure_rate,
    IndicatorId.REENTRY_RATE: case_units.reentry_rate,
    IndicatorId.MEDIAN_DURATION: case_units.median_duration,
    IndicatorId.DAYS_TO_FIRST_SERVICE: case_units.days_to_first_service,
    IndicatorId.COST_PER_SUCCESSFUL_OUTCOME: case_units.cost_per_successful_outcome,
    IndicatorId.IMPACT_GOAL_ACHIEVEMENT: agreement_units.impact_goal_achievement,
    IndicatorId.BUDGET_UTILISATION: agreement_units.budget_utilisation,
    IndicatorId.CAPACITY_UTILISATION: agreement_units.capacity_utilisation,
    IndicatorId.REPORT_TIMELINESS: agreement_units.report_timeliness,
    IndicatorId.REPORTED_VS_LOGGED_SUCCESS: agreement_units.reported_vs_logged_success,
    IndicatorId.ACTIVE_CASES_PER_1000: society_units.active_cases,
    IndicatorId.CLIENTS_REACHED_PER_1000: society_units.active_cases,
    IndicatorId.SPEND_PER_INHABITANT: society_units.spend,
}
_FINER = {Grain.YEAR: Grain.QUARTER, Grain.QUARTER: Grain.MONTH, Grain.MONTH: Grain.MONTH}


class UnknownDimension(ValueError):
    """A dimension the indicator does not allow."""


@dataclass(frozen=True)
class Question:
    """Which period, along which dimensions, as known when, and for whom."""

    period: Period
    by: tuple[str, ...] = ()
    grain: Grain | None = None  # of the period dimension; finer than the period by default
    as_of: datetime | None = None
    provider_id: str | None = None  # a provider sees only its own agreements

    def buckets(self) -> list[Period]:
        if "period" not in self.by:
            return [self.period]
        return self.period.split(self.grain or _FINER[grain_of(self.period)])


async def answer(connection: Connection, definition: IndicatorDefinition, question: Question,
                 threshold: int, *, today: date | None = None,
                 inhabitants: Inhabitants | None = None) -> list[Cell]:
    """The cells of an indicator; cells of fewer persons than `threshold` are withheld.

    Every indicator is counted in PostgreSQL (case_sql, agreement_sql). `today` (default:
    the day of as_of, else the current day) is the day up to which reports fall due;
    `inhabitants` (default: the population imported as of as_of) is the reference
    population of society indicators.
    """
    if inhabitants is None and definition.level is Level.SOCIETY:
        inhabitants = await Knowledge(connection, question.as_of).population()
    _check(definition, question)
    buckets = question.buckets()
    population = None
    if definition.level is Level.SOCIETY:
        population = population_of(inhabitants or {}, buckets)
    return await cells_in_database(
        connection, definition, question.by, buckets, question.as_of, question.provider_id,
        threshold if definition.counts_persons else 0, population,
        today or today_of(question.as_of))


async def snapshot_of(knowledge: Knowledge, as_of: datetime | None,
                      today: date | None = None) -> Snapshot:
    """The facts as known at `as_of`; `today` (default: `today_of(as_of)`) ends open spans."""
    return Snapshot(await knowledge.cases(), await knowledge.agreements(),
                    await knowledge.reports(), today=today or today_of(as_of))


def today_of(as_of: datetime | None) -> date:
    """The day an answer counts as today: the day of `as_of`, else the current day."""
    return (as_of or datetime.now(UTC)).date()


def evaluate(snapshot: Snapshot, inhabitants: society_units.Inhabitants,
             definition: IndicatorDefinition, question: Question, threshold: int) -> list[Cell]:
    """The cells of an indicator over a snapshot of the facts, counted in Python."""
    _check(definition, question)
    buckets = question.buckets()
    units = UNITS[definition.id](snapshot, buckets)
    if question.provider_id is not None:
        units = [unit for unit in units if unit.dims.get("provider") == (question.provider_id,)]
    population = None
    if definition.level is Level.SOCIETY:
        population = society_units.population_of(inhabitants, buckets)
    return cells_of(units, question.by, definition,
                    threshold if definition.counts_persons else 0, population)


def _check(definition: IndicatorDefinition, question: Question) -> None:
    unknown = [name for name in question.by if name not in definition.dimensions]
    if unknown:
        raise UnknownDimension(f"{definition.id} has no dimension {', '.join(unknown)}; "
                               f"allowed: {', '.join(definition.dimensions)}")


async def input_positions(connection: Connection) -> dict[str, dict[str, int]]:
    """Per topic and partition, the last offset applied to the facts."""
    rows = await connection.fetch(
        "SELECT topic, partition, last_offset FROM input_positions ORDER BY 1, 2")
    positions: dict[str, dict[str, int]] = {}
    for row in rows:
        positions.setdefault(row["topic"], {})[str(row["partition"])] = row["last_offset"]
    return positions
