"""Indicators of a service agreement (Leistungsvereinbarung) and its provider."""

from __future__ import annotations

from services.metrics.catalog.model import (
    AGREEMENT_DIMENSIONS,
    Aggregation,
    Direction,
    IndicatorDefinition,
    Level,
)
from services.metrics.catalog.target_group import COST
from shared.indicators import IndicatorId

REPORTS = ("reports whose reporting period ends in the period, with the figures of their "
           "latest revision unless that revision was rejected")
RUNS = ("days the agreement runs: signed, within its term (as amended), neither suspended "
        "nor terminated")


def _agreement(id: IndicatorId, title_de: str, title_en: str, unit: str, numerator: str,
               denominator: str, direction: Direction,
               aggregation: Aggregation = Aggregation.RATIO,
               disclosure_threshold: int = 5) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=id, version=1, title_de=title_de, title_en=title_en, level=Level.AGREEMENT,
        unit=unit, numerator=numerator, denominator=denominator,
        dimensions=AGREEMENT_DIMENSIONS, direction=direction, aggregation=aggregation,
        disclosure_threshold=disclosure_threshold)


DEFINITIONS = (
    _agreement(IndicatorId.IMPACT_GOAL_ACHIEVEMENT, "Zielerreichung der Wirkungsziele",
               "Impact-goal target achievement", "share",
               "(report, impact goal) pairs whose reported share achieved/measured meets the "
               "goal's comparison with its target value",
               f"(report, impact goal) pairs of the {REPORTS} with the goals in force on the "
               "report period's last day that have an outcome with measured > 0; persons: "
               "per agreement the most participants of one report, summed",
               Direction.HIGHER_IS_BETTER),
    _agreement(IndicatorId.BUDGET_UTILISATION, "Budgetausschöpfung", "Budget utilisation",
               "share", f"spend in the period: {COST}, a delivery period overlapping the "
               "period only in part counted in proportion of its days",
               f"budget of the period: over the {RUNS}, the annual budget in force that day / "
               "the days of its year, in euros", Direction.NEUTRAL),
    _agreement(IndicatorId.CAPACITY_UTILISATION, "Auslastung", "Capacity utilisation", "share",
               "service-days in the period: for each service under the agreement, the days "
               "from its start date up to (not including) its end",
               f"capacity-days: over the {RUNS} in the period, the capacity in force that day",
               Direction.HIGHER_IS_BETTER),
    _agreement(IndicatorId.REPORT_TIMELINESS, "Termintreue der Berichte", "Report timeliness",
               "share", "reports due in the period that were submitted on or before their due "
               "date",
               "reports due in the period: every reporting period of the agreement's term "
               "whose due date (period end + due days) falls in the period and has passed, "
               "and every report submitted with a due date in the period; no persons counted",
               Direction.HIGHER_IS_BETTER, disclosure_threshold=0),
    _agreement(IndicatorId.REPORTED_VS_LOGGED_SUCCESS, "Abweichung berichteter von "
               "dokumentiertem Erfolg", "Provider-reported vs caseworker-logged success",
               "share points",
               "provider-reported success share: sum of achieved / sum of measured over the "
               f"outcomes of the {REPORTS}",
               "caseworker-logged success share for the same agreement and reporting period: "
               "cases with a service under the agreement whose closure (latest status) falls "
               "in the reporting period and has the reason planned_goals_achieved / all those "
               "closures; value = numerator - denominator; only pairs with both sides known",
               Direction.CLOSER_TO_ZERO_IS_BETTER, Aggregation.DIFFERENCE),
)
