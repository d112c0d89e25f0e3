"""The evidence as `evidence` computes it from the metrics database, in the metrics service's
own types; `gather` turns it into the report's plain model (`services.web.report.model`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.metrics.application import Cell
from services.web.report.model import Manifest as Manifest


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
