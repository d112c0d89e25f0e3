"""This year's main indicators by field of action and by district: a bounded overview.

The indicator gauges publish it to Prometheus; its labels are only indicator
ids, fields of action and districts, never a case or a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.indicators import IndicatorId

# The indicators of the overview, per dimension.
MAIN_INDICATORS: dict[str, tuple[IndicatorId, ...]] = {
    "field_of_action": (IndicatorId.ACTIVE_CASES, IndicatorId.PLANNED_CLOSURE_RATE,
                        IndicatorId.GOAL_ATTAINMENT_RATE, IndicatorId.MEAN_T_SCORE_AT_CLOSURE,
                        IndicatorId.COST_PER_SUCCESSFUL_OUTCOME,
                        IndicatorId.BUDGET_UTILISATION, IndicatorId.CAPACITY_UTILISATION),
    "district": (IndicatorId.ACTIVE_CASES, IndicatorId.ACTIVE_CASES_PER_1000,
                 IndicatorId.CLIENTS_REACHED_PER_1000, IndicatorId.SPEND_PER_INHABITANT),
}


@dataclass(frozen=True)
class MainFigure:
    """An indicator's value for one field of action or one district."""

    dimension: str  # field_of_action or district
    indicator: str
    label: str  # the field of action or the district
    value: float
