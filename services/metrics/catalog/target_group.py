"""Indicators of a target group (Zielgruppe): cases and their outcomes."""

from __future__ import annotations

from services.metrics.catalog.case import ACTIVE
from services.metrics.catalog.model import (
    CASE_DIMENSIONS,
    Aggregation,
    Direction,
    IndicatorDefinition,
    Level,
)
from shared.indicators import IndicatorId

CLOSED = "cases closed in the period (latest status closed, closure date in the period)"
SUCCESSFUL = "closure with the reason planned_goals_achieved"
COST = ("delivered units logged by caseworkers * the unit price of the service's agreement "
        "in force on the first day of the delivery period, in euros")


def _target_group(id: IndicatorId, title_de: str, title_en: str, unit: str, numerator: str,
                  denominator: str | None, direction: Direction,
                  aggregation: Aggregation = Aggregation.RATIO,
                  version: int = 1) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=id, version=version, title_de=title_de, title_en=title_en, level=Level.TARGET_GROUP,
        unit=unit, numerator=numerator, denominator=denominator, dimensions=CASE_DIMENSIONS,
        direction=direction, aggregation=aggregation)


DEFINITIONS = (
    _target_group(IndicatorId.ACTIVE_CASES, "Laufende Fälle", "Active cases", "cases",
                  ACTIVE, None, Direction.NEUTRAL, Aggregation.COUNT),
    _target_group(IndicatorId.GOAL_ATTAINMENT_RATE, "Zielerreichungsquote abgeschlossener Fälle",
                  "Goal attainment rate of closed cases", "share",
                  f"{CLOSED} whose GAS T-score at closure (latest review levels on or before "
                  "the closure date) is 50 or above",
                  f"{CLOSED} with at least one reviewed goal", Direction.HIGHER_IS_BETTER),
    _target_group(IndicatorId.MEAN_T_SCORE_AT_CLOSURE, "Mittlerer T-Wert bei Abschluss",
                  "Mean T-score at closure", "T-score",
                  "sum of the GAS T-scores at closure (latest review levels on or before the "
                  "closure date)",
                  f"{CLOSED} with at least one reviewed goal", Direction.HIGHER_IS_BETTER),
    _target_group(IndicatorId.PLANNED_CLOSURE_RATE, "Quote planmäßiger Beendigungen",
                  "Planned-closure rate", "share",
                  f"{CLOSED} with the reason planned_goals_achieved or planned_partially",
                  CLOSED, Direction.HIGHER_IS_BETTER),
    _target_group(IndicatorId.REENTRY_RATE, "Wiedereintrittsquote binnen 12 Monaten",
                  "Re-entry within 12 months", "share",
                  "of the denominator's closures, those followed within 12 months (up to the "
                  "same day of the twelfth month after, or that month's last day; the window "
                  "in which the cases service marks a new case a re-entry) by a reopening of "
                  "the case or the opening of another case for the same client (windows still "
                  "open at the as_of time may grow)",
                  f"every {SUCCESSFUL} dated in the period (each closure event, also one later "
                  "undone by a reopening)", Direction.LOWER_IS_BETTER,
                  version=2),  # 1 counted 365 days
    _target_group(IndicatorId.MEDIAN_DURATION, "Median der Falldauer (Tage)",
                  "Median case duration (days)", "days",
                  f"median over the {CLOSED} of the days from opening to closure",
                  CLOSED, Direction.NEUTRAL, Aggregation.MEDIAN),
    _target_group(IndicatorId.DAYS_TO_FIRST_SERVICE, "Tage bis zur ersten Leistung",
                  "Days from opening to first service", "days",
                  "sum over the cases of the days from opening to the start date of the "
                  "case's first assigned service",
                  "cases whose first service starts in the period", Direction.LOWER_IS_BETTER),
    _target_group(IndicatorId.COST_PER_SUCCESSFUL_OUTCOME, "Kosten je erfolgreichem Abschluss",
                  "Cost per successful outcome", "EUR",
                  f"cost of every delivery to the {CLOSED}, over the whole case: {COST}",
                  f"those of the cases with a {SUCCESSFUL}", Direction.LOWER_IS_BETTER),
)
