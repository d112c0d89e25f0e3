"""What an auditor's report (Prüfbericht) states: plain data, gathered before it is rendered.

Two gatherers fill it: the web's, from the services' public APIs with the auditor's
token (`services.web.report.gather`), and `wirkung audit report`, from the databases.
Both hand it to the one renderer, `shared.report.html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.access_log import AccessCount

# What the manifest of an indicator answer says, by name (definition hash, input positions, ...).
Manifest = Mapping[str, object]


@dataclass(frozen=True)
class ReportPeriod:
    """The period reported on: its label as the APIs read it, its days and its months."""

    label: str  # 2026, 2026-Q1 or 2026-03
    start: date
    end: date  # the last day
    months: tuple[str, ...]  # labels, 2026-01 ...

    @classmethod
    def of(cls, year: int, part: str = "") -> ReportPeriod:
        """A year (part ""), a quarter (part "Q1" to "Q4") or a month (part "01" to "12")."""
        if not part:
            first, count, label = 1, 12, str(year)
        elif part in ("Q1", "Q2", "Q3", "Q4"):
            first, count, label = 3 * int(part[1]) - 2, 3, f"{year}-{part}"
        elif part.isdigit() and 1 <= int(part) <= 12:
            first, count, label = int(part), 1, f"{year}-{int(part):02d}"
        else:
            raise ValueError(f"{part!r} is no quarter or month")
        after = date(year + (first + count - 1) // 12, (first + count - 1) % 12 + 1, 1)
        return cls(label, date(year, first, 1), after - timedelta(days=1),
                   tuple(f"{year}-{month:02d}" for month in range(first, first + count)))

    @property
    def closes_at(self) -> datetime:
        """Midnight (UTC) after the last day: restatements count from then."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)


@dataclass(frozen=True)
class Figures:
    """One cell of an indicator: its value and what it is made of."""

    value: float | None
    numerator: float | None
    denominator: float | None
    persons: int | None
    suppressed: bool

    @classmethod
    def of(cls, cell: Mapping[str, Any]) -> Figures:
        """From a cell as the metrics API writes it (`Cell.as_json`)."""
        return cls(cell.get("value"), cell.get("numerator"), cell.get("denominator"),
                   cell.get("persons"), bool(cell.get("suppressed")))


@dataclass(frozen=True)
class Indicator:
    """An indicator as the catalog (`GET /indicators`) describes it."""

    id: str
    version: int
    title_de: str
    title_en: str
    level: str  # society, target_group, agreement, case
    unit: str
    aggregation: str  # count draws bars, everything else a line

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Indicator:
        return cls(str(entry["id"]), int(entry["version"]), str(entry["title_de"]),
                   str(entry["title_en"]), str(entry["level"]), str(entry["unit"]),
                   str(entry["aggregation"]))


@dataclass(frozen=True)
class IndicatorValues:
    """One indicator for the report's period: the whole period, each month, and its manifest."""

    indicator: Indicator
    total: Figures | None  # None: nothing counted in the period
    months: list[tuple[str, Figures | None]]  # (month label, its cell)
    manifest: Manifest


@dataclass(frozen=True)
class Restatement:
    """A change of a period's value recorded after the period closed, and what caused it."""

    indicator: str
    period: str  # the label of the report's period
    at: datetime  # when the changing events were recorded
    before: Figures | None
    after: Figures | None
    events: tuple[str, ...]  # the events recorded then, named


@dataclass(frozen=True)
class Restated:
    """One indicator's value as first known after its period closed, and each change since."""

    indicator: str
    first_known_at: datetime | None  # None: the period has not ended
    first_known: Figures | None
    changes: list[Restatement]
    examined: int  # moments evaluated
    left: int  # later moments not evaluated (beyond the report's limit)


@dataclass(frozen=True)
class ChainStatus:
    """One write service's chain as verified for the report."""

    service: str
    events: int
    chained: int
    checkpoints: int  # valid signatures
    kept: int  # checkpoints in the service's database
    published: int  # checkpoints on the topic
    findings: tuple[str, ...]  # each: position, aggregate, problem
    failure: str | None = None  # the verification could not run (then no counts)

    @property
    def intact(self) -> bool:
        return self.failure is None and not self.findings


@dataclass(frozen=True)
class Accesses:
    """One write service's access log for the period, counted by role and purpose."""

    service: str
    counts: list[AccessCount]


@dataclass(frozen=True)
class Report:
    """Everything the auditor's report shows about one period."""

    period: ReportPeriod
    made_at: datetime
    chains: list[ChainStatus]
    indicators: list[IndicatorValues]
    period_ended: bool  # restatements are looked for only in a period that has ended
    restatements: list[Restated]
    accesses: list[Accesses]
    disclosure_threshold: int

    @property
    def intact(self) -> bool:
        return all(chain.intact for chain in self.chains)
