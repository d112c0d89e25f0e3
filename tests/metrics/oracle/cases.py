"""A case as known at a time: its openings and closures, goals, services, deliveries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from services.metrics.periods import Period
from shared.gas import EXPECTED_LEVEL
from tests.metrics.oracle.gas import t_score

PriceOf = Callable[[UUID, date], int | None]  # unit price in cents of an agreement on a day


@dataclass(frozen=True)
class StatusChange:
    version: int
    status: str  # closed or reopened
    reason: str | None
    on: date


@dataclass
class Service:
    agreement_id: UUID
    start: date
    ended_on: date | None = None


@dataclass(frozen=True)
class Delivery:
    service_id: UUID
    start: date
    end: date
    units: Decimal


@dataclass
class CaseRecord:
    """One case (Einzelfall); `changes` in version order."""

    id: UUID
    client: str
    field_of_action: str
    target_groups: tuple[str, ...]
    district: str
    age_band: str
    opened_on: date
    changes: list[StatusChange] = field(default_factory=list)
    weights: dict[UUID, Decimal] = field(default_factory=dict)
    reviews: list[tuple[date, int, UUID, int]] = field(default_factory=list)
    services: dict[UUID, Service] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)

    def open_spells(self) -> list[tuple[date, date | None]]:
        """From each opening (or reopening) to its closure, both days included."""
        spells: list[tuple[date, date | None]] = []
        start: date | None = self.opened_on
        for change in self.changes:
            if change.status == "closed" and start is not None:
                spells.append((start, change.on))
                start = None
            elif change.status == "reopened" and start is None:
                start = change.on
        if start is not None:
            spells.append((start, None))
        return spells

    def active_in(self, period: Period) -> bool:
        return any(start <= period.end and (end is None or end >= period.start)
                   for start, end in self.open_spells())

    @property
    def closure(self) -> StatusChange | None:
        """The closure that stands: the latest change, if it is one."""
        if self.changes and self.changes[-1].status == "closed":
            return self.changes[-1]
        return None

    def closed_in(self, period: Period) -> StatusChange | None:
        closure = self.closure
        return closure if closure is not None and period.contains(closure.on) else None

    def levels_on(self, day: date) -> dict[UUID, int]:
        """Each goal's latest review level on or before `day`."""
        levels: dict[UUID, int] = {}
        for on, _version, goal, level in self.reviews:  # sorted by (on, version)
            if on > day:
                break
            if goal in self.weights:
                levels[goal] = level
        return levels

    def t_score_on(self, day: date) -> float | None:
        levels = self.levels_on(day)
        if not levels:
            return None
        return t_score((self.weights[goal], level) for goal, level in levels.items())

    def goals_at_or_above_expected_on(self, day: date) -> tuple[int, int]:
        levels = self.levels_on(day).values()
        return sum(1 for level in levels if level >= EXPECTED_LEVEL), len(levels)

    def duration_until(self, day: date) -> int:
        """Days from opening to the end of the spell running on `day` (or the last before)."""
        spells = [spell for spell in self.open_spells() if spell[0] <= day]
        end = spells[-1][1] if spells else None
        return ((day if end is None else min(end, day)) - self.opened_on).days

    @property
    def agreements(self) -> tuple[UUID, ...]:
        return tuple(sorted({service.agreement_id for service in self.services.values()}))

    @property
    def first_service_start(self) -> date | None:
        return min((service.start for service in self.services.values()), default=None)

    def cost(self, price_of: PriceOf, within: Period | None = None,
             agreement_id: UUID | None = None) -> Decimal:
        """Cents of the deliveries, those overlapping `within` in proportion of its days."""
        total = Decimal(0)
        for delivery in self.deliveries:
            service = self.services.get(delivery.service_id)
            if service is None or (agreement_id and service.agreement_id != agreement_id):
                continue
            price = price_of(service.agreement_id, delivery.start)
            if price is None:
                continue
            share = Decimal(1)
            if within is not None:
                days = within.overlap_days(delivery.start, delivery.end)
                share = Decimal(days) / ((delivery.end - delivery.start).days + 1)
            total += delivery.units * price * share
        return total

    def service_days(self, within: Period, agreement_id: UUID) -> int:
        """Days of `within` its services under an agreement ran (end day excluded)."""
        days = 0
        for service in self.services.values():
            if service.agreement_id == agreement_id:
                last = within.end if service.ended_on is None else min(
                    within.end, service.ended_on - timedelta(days=1))
                days += within.overlap_days(service.start, last)
        return days
