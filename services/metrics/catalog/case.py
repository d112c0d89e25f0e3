"""Indicators of the individual case (Einzelfall), aggregated over the cases of a cell."""

from __future__ import annotations

from services.metrics.catalog.model import (
    CASE_DIMENSIONS,
    Aggregation,
    Direction,
    IndicatorDefinition,
    Level,
)
from shared.indicators import IndicatorId

ACTIVE = ("cases active in the period (opened on or before its last day and not closed "
          "before its first day; a reopening opens a case again)")

GAS_T_SCORE = IndicatorDefinition(
    id=IndicatorId.GAS_T_SCORE, version=1,
    title_de="GAS-T-Wert (Zielerreichung im Einzelfall)",
    title_en="GAS T-score (goal attainment of the case)",
    level=Level.CASE, unit="T-score",
    numerator=("sum over the cases of T = 50 + 10*sum(w_i*x_i) / "
               "sqrt((1-rho)*sum(w_i^2) + rho*(sum w_i)^2), rho = 0.3, w_i the weight of "
               "goal i, x_i its latest review level (-2..+2) on or before the period's last "
               "day"),
    denominator=f"{ACTIVE} with at least one reviewed goal",
    dimensions=CASE_DIMENSIONS, direction=Direction.HIGHER_IS_BETTER,
    aggregation=Aggregation.RATIO,
)

GOALS_AT_OR_ABOVE_EXPECTED = IndicatorDefinition(
    id=IndicatorId.GOALS_AT_OR_ABOVE_EXPECTED, version=1,
    title_de="Anteil der Ziele auf oder über dem erwarteten Niveau",
    title_en="Share of goals at or above the expected level",
    level=Level.CASE, unit="share",
    numerator=("reviewed goals whose latest review level on or before the period's last "
               f"day is 0 or above, of the {ACTIVE}"),
    denominator=f"reviewed goals of the {ACTIVE}",
    dimensions=CASE_DIMENSIONS, direction=Direction.HIGHER_IS_BETTER,
    aggregation=Aggregation.RATIO,
)

CASE_DURATION = IndicatorDefinition(
    id=IndicatorId.CASE_DURATION, version=1,
    title_de="Falldauer (Tage)", title_en="Case duration (days)",
    level=Level.CASE, unit="days",
    numerator=("sum over the cases of the days from opening to closure, or to the period's "
               "last day if the case is still open then"),
    denominator=ACTIVE,
    dimensions=CASE_DIMENSIONS, direction=Direction.NEUTRAL,
    aggregation=Aggregation.RATIO,
)

DEFINITIONS = (GAS_T_SCORE, GOALS_AT_OR_ABOVE_EXPECTED, CASE_DURATION)
