"""The metrics facts as the report reads them: one snapshot per moment, loaded once.

`engine.answer` loads every fact again for each question; a report asks
dozens of questions of the same facts, so it evaluates them over snapshots
it keeps (the same `snapshot_of` and `evaluate` that `answer` uses).
"""

from __future__ import annotations

from datetime import datetime

from services.metrics.catalog import IndicatorDefinition
from services.metrics.indicators.cells import Cell
from services.metrics.indicators.engine import Question, evaluate, snapshot_of
from services.metrics.indicators.knowledge import Knowledge
from services.metrics.indicators.snapshot import Snapshot
from services.metrics.indicators.society_units import Inhabitants
from shared.projection import Connection


class Facts:
    """Indicator answers over one connection (one read-only transaction, so one state)."""

    def __init__(self, connection: Connection, threshold: int) -> None:
        self.connection = connection
        self.threshold = threshold
        self._snapshots: dict[datetime | None, tuple[Snapshot, Inhabitants]] = {}

    async def cells(self, definition: IndicatorDefinition, question: Question) -> list[Cell]:
        """What `engine.answer` gives for this question."""
        moment = question.as_of
        if moment not in self._snapshots:
            knowledge = Knowledge(self.connection, moment)
            self._snapshots[moment] = (await snapshot_of(knowledge, moment),
                                       await knowledge.population())
        snapshot, inhabitants = self._snapshots[moment]
        return evaluate(snapshot, inhabitants, definition, question, self.threshold)
