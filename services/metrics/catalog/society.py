"""Indicators of society (Gesellschaft): per inhabitant of the reference population."""

from __future__ import annotations

from services.metrics.catalog.case import ACTIVE
from services.metrics.catalog.model import (
    SOCIETY_DIMENSIONS,
    Aggregation,
    Direction,
    IndicatorDefinition,
    Level,
)
from services.metrics.catalog.target_group import COST
from shared.indicators import IndicatorId

POPULATION = ("reference population of the cell's districts and age bands in the year the "
              "period starts (the latest year up to it that was imported)")


def _society(id: IndicatorId, title_de: str, title_en: str, unit: str, numerator: str,
             aggregation: Aggregation, scale: int) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=id, version=1, title_de=title_de, title_en=title_en, level=Level.SOCIETY,
        unit=unit, numerator=numerator, denominator=POPULATION,
        dimensions=SOCIETY_DIMENSIONS, direction=Direction.NEUTRAL, aggregation=aggregation,
        scale=scale)


DEFINITIONS = (
    _society(IndicatorId.ACTIVE_CASES_PER_1000, "Laufende Fälle je 1.000 Einwohner",
             "Active cases per 1,000 inhabitants", "per 1,000 inhabitants",
             f"{ACTIVE}, by the case's district and age band, * 1,000",
             Aggregation.PER_POPULATION, 1000),
    _society(IndicatorId.CLIENTS_REACHED_PER_1000, "Erreichte Klienten je 1.000 Einwohner",
             "Clients reached per 1,000 inhabitants", "per 1,000 inhabitants",
             f"distinct clients (pseudonyms) with one of the {ACTIVE}, * 1,000",
             Aggregation.PERSONS_PER_POPULATION, 1000),
    _society(IndicatorId.SPEND_PER_INHABITANT, "Ausgaben je Einwohner",
             "Spend per inhabitant", "EUR per inhabitant",
             f"spend in the period by the case's district: {COST}, a delivery period "
             "overlapping the period only in part counted in proportion of its days",
             Aggregation.PER_POPULATION, 1),
)
