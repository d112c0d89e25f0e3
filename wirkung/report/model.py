"""What an auditor's report states, gathered before anything is rendered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.periods import Period
from shared.access_log import AccessCount
from wirkung.audit import ChainCheck

# What the manifest of an indicator answer says, by name (definition hash, input positions, ...).
Manifest = Mapping[str, object]


@dataclass(frozen=True)
class IndicatorValues:
    """One indicator for the report's period: the whole period, each month, and its manifest."""

    definition: IndicatorDefinition
    total: Cell | None  # None: nothing counted in the period
    months: list[tuple[Period, Cell | None]]
    manifest: Manifest


@dataclass(frozen=True)
class Restatement:
    """A value that was known otherwise at `known_then` than it is now."""

    indicator: str
    period: str  # the label of the cell's period: the report's period or one of its months
    known_then: datetime
    then: Cell | None
    now: Cell | None


@dataclass(frozen=True)
class Report:
    """Everything the auditor's report shows about one period."""

    period: Period
    made_at: datetime
    chains: list[ChainCheck]
    indicators: list[IndicatorValues]
    period_ended: bool  # restatements are looked for only in a period that has ended
    restatements: list[Restatement]
    accesses: list[AccessCount]
    disclosure_threshold: int
