"""The indicator catalog: versioned, declarative definitions for every IndicatorId."""

from __future__ import annotations

from services.metrics.catalog import agreement, case, society, target_group
from services.metrics.catalog.model import (
    Aggregation,
    Direction,
    IndicatorDefinition,
    Level,
)

CATALOG: dict[str, IndicatorDefinition] = {
    definition.id: definition
    for module in (case, target_group, agreement, society)
    for definition in module.DEFINITIONS
}

__all__ = ["CATALOG", "Aggregation", "Direction", "IndicatorDefinition", "Level"]
