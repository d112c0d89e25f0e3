"""What an auditor's report states, gathered before anything is rendered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.metrics.application import Cell
from services.metrics.catalog import IndicatorDefinition
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
    """A change of a period's value recorded after the period closed, and what caused it."""

    indicator: str
    period: str  # the label of the report's period
    at: datetime  # when the changing events were recorded
    before: Cell | None
    after: Cell | None
    events: tuple[str, ...]  # the events recorded then, named


@dataclass(frozen=True)
class Restated:
    """One indicator's value as first known after its period closed, and each change since."""

    indicator: str
    first_known_at: datetime | None  # None: the period has not ended
    first_known: Cell | None
    changes: list[Restatement]
    examined: int  # moments evaluated
    left: int  # later moments not evaluated (beyond the report's limit)


@dataclass(frozen=True)
class Report:
    """Everything the auditor's report shows about one period."""

    period: Period
    made_at: datetime
    chains: list[ChainCheck]
    indicators: list[IndicatorValues]
    period_ended: bool  # restatements are looked for only in a period that has ended
    restatements: list[Restated]
    accesses: list[AccessCount]
    disclosure_threshold: int
