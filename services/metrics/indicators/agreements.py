"""An agreement as known at a time: its terms day by day, and its providers' reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from uuid import UUID

from services.metrics.periods import REPORTING_MONTHS, Period

FAR_FUTURE = date(9999, 12, 31)


@dataclass
class AgreementRecord:
    """A service agreement (Leistungsvereinbarung) folded from its change rows."""

    id: UUID
    provider_id: UUID | None = None
    terms: dict[str, Any] = field(default_factory=dict)  # as drafted and edited
    amendments: list[tuple[date, dict[str, Any]]] = field(default_factory=list)
    pauses: list[tuple[date, str]] = field(default_factory=list)  # suspended / resumed
    signed_on: date | None = None
    terminated_on: date | None = None  # first day it no longer runs

    def apply(self, row: dict[str, Any]) -> None:
        """Fold one change row (rows come in version order)."""
        change = row["change"]
        changed = {name: value for name, value in row.items()
                   if value is not None and name in _TERMS}
        if change == "drafted":
            self.provider_id = row["provider_id"]
            self.terms = changed
        elif change == "edited":
            self.terms = {**self.terms, **changed}
        elif change == "amended":
            self.amendments.append((row["effective_on"], changed))
        elif change == "signed":
            self.signed_on = row["effective_on"]
        elif change in ("suspended", "resumed"):
            self.pauses.append((row["effective_on"], change))
        elif change == "terminated":
            self.terminated_on = row["effective_on"]

    def term(self, name: str, day: date) -> Any:
        """A term's value in force on `day`: as drafted, then amended up to that day."""
        value = self.terms.get(name)
        for effective_on, changed in self.amendments:
            if effective_on <= day and name in changed:
                value = changed[name]
        return value

    def runs_on(self, day: date) -> bool:
        if self.signed_on is None or day < self.terms["term_start"]:
            return False
        if day > self.term("term_end", day) or (self.terminated_on and day >= self.terminated_on):
            return False
        paused = [status for on, status in self.pauses if on <= day]
        return not paused or paused[-1] != "suspended"

    def _segments(self, period: Period) -> list[tuple[date, int]]:
        """Runs of days in `period` on which nothing changes: (first day, number of days)."""
        cuts = {period.start, period.end + timedelta(days=1), self.terms["term_start"]}
        cuts.update(on for on, _ in self.amendments)
        cuts.update(on for on, _ in self.pauses)
        cuts.update(date(year, 1, 1) for year in range(period.start.year, period.end.year + 2))
        for end in [self.terms["term_end"], *(c.get("term_end") for _, c in self.amendments)]:
            if end is not None and end < FAR_FUTURE:
                cuts.add(end + timedelta(days=1))
        if self.terminated_on:
            cuts.add(self.terminated_on)
        inside = sorted(cut for cut in cuts if period.start <= cut <= period.end + timedelta(1))
        return [(start, (end - start).days) for start, end in pairwise(inside)]

    def budget_cents(self, period: Period) -> Decimal:
        """The annual budget in force, day by day, over the days the agreement runs."""
        total = Decimal(0)
        for start, days in self._segments(period):
            if self.runs_on(start):
                year_days = 366 if _leap(start.year) else 365
                total += Decimal(self.term("annual_budget_cents", start) * days) / year_days
        return total

    def capacity_days(self, period: Period) -> int:
        return sum(self.term("capacity", start) * days
                   for start, days in self._segments(period) if self.runs_on(start))

    def runs_in(self, period: Period) -> bool:
        return any(self.runs_on(start) for start, _ in self._segments(period))

    def reporting_periods(self) -> list[Period]:
        """Every reporting period overlapping the term, with `end` its last day."""
        if self.signed_on is None:
            return []
        last = self.term("term_end", FAR_FUTURE)
        if self.terminated_on:
            last = min(last, self.terminated_on - timedelta(days=1))
        months = REPORTING_MONTHS[self.terms["reporting_frequency"]]
        periods, start = [], date(self.terms["term_start"].year, 1, 1)
        while start <= last:
            after = date(start.year + (start.month + months - 1) // 12,
                         (start.month + months - 1) % 12 + 1, 1)
            end = after - timedelta(days=1)
            if end >= self.terms["term_start"]:
                periods.append(Period(start, end, f"{start.isoformat()}/{end.isoformat()}"))
            start = after
        return periods

    def due_on(self, period_end: date) -> date:
        return period_end + timedelta(days=self.terms["reporting_due_days"])


_TERMS = {"title", "budget_product_code", "field_of_action", "target_groups", "districts",
          "term_start", "term_end", "annual_budget_cents", "pricing_unit", "unit_price_cents",
          "capacity", "impact_goals", "reporting_frequency", "reporting_due_days"}


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Figures:
    participants: int
    expenditure_cents: int
    outcomes: dict[str, tuple[int, int]]  # indicator id -> (achieved, measured)


@dataclass
class ReportRecord:
    """A provider report (Leistungs- und Sachbericht) with its revisions and reviews."""

    id: UUID
    agreement_id: UUID
    provider_id: UUID
    start: date
    end: date
    due_on: date
    late: bool
    revisions: dict[int, Figures] = field(default_factory=dict)
    verdicts: dict[int, str] = field(default_factory=dict)  # revision -> latest review

    @property
    def figures(self) -> Figures | None:
        """The latest revision's figures, unless that revision was rejected."""
        if not self.revisions:
            return None
        latest = max(self.revisions)
        return None if self.verdicts.get(latest) == "rejected" else self.revisions[latest]
