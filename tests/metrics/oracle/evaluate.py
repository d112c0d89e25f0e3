"""The oracle: every indicator counted in Python over records folded from the facts.

Production counts every indicator in PostgreSQL (`services.metrics.indicators.
case_sql` and `agreement_sql`); this is the second, independent implementation
the tests check those queries against, on the written histories and a
generated city. Nothing outside the tests imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from services.metrics.catalog import IndicatorDefinition, Level
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, check, today_of
from services.metrics.indicators.inhabitants import Inhabitants, population_of
from services.metrics.periods import Period
from shared.indicators import IndicatorId
from shared.projection import Connection
from tests.metrics.history import NOW
from tests.metrics.oracle import agreement_units, case_units, society_units
from tests.metrics.oracle.cells import Unit, cells_of
from tests.metrics.oracle.knowledge import CaseKnowledge
from tests.metrics.oracle.snapshot import Snapshot

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


async def snapshot_of(connection: Connection, as_of: datetime | None,
                      today: date | None = None) -> Snapshot:
    """The facts as known at `as_of`; `today` (default: the day of as_of, else of the tests'
    NOW) ends open spans."""
    knowledge = CaseKnowledge(connection, as_of)
    return Snapshot(await knowledge.cases(), await knowledge.agreements(),
                    await knowledge.reports(), today=today or today_of(as_of, NOW))


async def oracle_cells(connection: Connection, definition: IndicatorDefinition,
                       question: Question, threshold: int) -> list[Cell]:
    """What `engine.answer` should give, counted in Python."""
    knowledge = CaseKnowledge(connection, question.as_of)
    return evaluate(await snapshot_of(connection, question.as_of),
                    await knowledge.population(), definition, question, threshold)


def evaluate(snapshot: Snapshot, inhabitants: Inhabitants,
             definition: IndicatorDefinition, question: Question, threshold: int) -> list[Cell]:
    """The cells of an indicator over a snapshot of the facts, counted in Python."""
    check(definition, question)
    buckets = question.buckets()
    units = UNITS[definition.id](snapshot, buckets)
    if question.provider_id is not None:
        units = [unit for unit in units if unit.dims.get("provider") == (question.provider_id,)]
    population = None
    if definition.level is Level.SOCIETY:
        population = population_of(inhabitants, buckets)
    return cells_of(units, question.by, definition,
                    threshold if definition.counts_persons else 0, population)
