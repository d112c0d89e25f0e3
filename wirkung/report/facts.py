"""The metrics facts as the report reads them: through the metrics service's application.

The report asks `Indicators` (services.metrics.application) what the API asks
it, on one connection in one read-only transaction, so every value, manifest
and restatement in the report is the figure the API gives for that state.
"""

from __future__ import annotations

from services.metrics.application import Cell, IndicatorDefinition, Indicators, Question
from shared.projection import Connection


class Facts:
    """Indicator answers over one connection (one read-only transaction, so one state)."""

    def __init__(self, connection: Connection, threshold: int) -> None:
        self.connection = connection
        self.threshold = threshold
        self.indicators = Indicators(threshold)

    async def cells(self, definition: IndicatorDefinition, question: Question) -> list[Cell]:
        """What the values endpoint gives for this question."""
        return await self.indicators.cells(self.connection, definition, question)
