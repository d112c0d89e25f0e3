"""The attacker's side of the differencing test: small populations (shapes), their
history, and what published figures admit about a withheld count, given the ptable."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from services.metrics.indicators.disclosure import PTABLE
from shared.contracts import (
    CaseOpened,
    ProviderRegistered,
    ServiceAgreementDrafted,
    ServiceAgreementSigned,
    ServiceAssigned,
)
from tests.metrics.history import History, uid

THRESHOLD = 5  # the service's default


@dataclass(frozen=True)
class Shape:
    """A district's persons: a large group in jugend and small ones in other fields."""

    name: str
    large: int
    small: tuple[int, ...]  # per field of action: wohnen, arbeit
    seed: int

    @property
    def district(self) -> str:
        return f"Bezirk-{self.name}"

    @property
    def withheld(self) -> int:
        return sum(self.small)


def history_of(shapes: Iterable[Shape]) -> History:
    h = History()
    for shape in shapes:
        provider = uid(f"provider-{shape.name}")
        h.add("agreements", provider, ProviderRegistered(
            provider_id=provider, name=f"Träger {shape.name}", legal_form="e.V.",
            fields_of_action=["jugend", "wohnen", "arbeit"], occurred_on=date(2026, 1, 2),
            actor="cm-1"))
        for part, field in (("large", "jugend"), ("small", "wohnen")):
            agreement = uid(f"{part}-{shape.name}")
            h.add("agreements", agreement, ServiceAgreementDrafted(
                agreement_id=agreement, provider_id=provider, title=f"{part} {shape.name}",
                budget_product_code="3.6.3.01", field_of_action=field,
                target_groups=["Familien"], districts=[shape.district],
                term_start=date(2026, 1, 1), term_end=date(2026, 12, 31),
                annual_budget_cents=3_650_000, pricing_unit="day", unit_price_cents=5000,
                capacity=40, impact_goals=[], reporting_frequency="quarterly",
                reporting_due_days=30, occurred_on=date(2026, 1, 3), actor="cm-1"))
            h.add("agreements", agreement, ServiceAgreementSigned(
                agreement_id=agreement, occurred_on=date(2026, 1, 5), actor="cm-1"))
        persons = random.Random(shape.seed)
        groups = [("jugend", shape.large, False),
                  *((field, size, True) for field, size in zip(("wohnen", "arbeit"),
                                                                shape.small, strict=False))]
        for field, size, late in groups:
            for number in range(size):
                pseudonym = f"p-{persons.getrandbits(48):012x}"
                _case(h, shape, pseudonym, field, number, late)
    return h


def _case(h: History, shape: Shape, pseudonym: str, field: str, number: int,
          late: bool) -> None:
    case_id = uid(f"{shape.name}-{field}-{number}")
    opened = date(2026, 3, 10) if late else date(2026, 2, 2)
    recorded = date(2026, 5, 5) if late else None  # the small groups are recorded late
    h.add("cases", case_id, CaseOpened(
        case_id=case_id, client_pseudonym=pseudonym, field_of_action=field,
        target_groups=["Familien"], district=shape.district, team="asd-nord",
        legal_basis="SGB VIII §27", age_band="14-17" if late or number % 2 else "6-13",
        occurred_on=opened, actor="cw-1"), recorded)
    agreement = uid(f"{'small' if late else 'large'}-{shape.name}")
    h.add("cases", case_id, ServiceAssigned(
        case_id=case_id, service_id=uid(f"service-{case_id}"), agreement_id=agreement,
        units_planned="40", unit="day", start_date=opened, occurred_on=opened,
        actor="cw-1"), recorded)


@dataclass(frozen=True)
class Attempt:
    """One differencing: published figures of the large group alone and with the small
    group(s) too (each tuple: figures of one true count, perturbed apart); the plain guess
    is the difference of the first ones."""

    tool: str
    shape: Shape
    alone: tuple[int, ...]
    together: tuple[int, ...]
    parts: int = 1  # published figures added up into each of `together`

    @property
    def guess(self) -> int:
        return self.together[0] - self.alone[0]

    @property
    def clipped(self) -> int:  # the attacker knows a withheld cell has 1 .. threshold-1
        return min(max(self.guess, 1), THRESHOLD - 1)

    def candidates(self) -> set[int]:
        """The withheld counts the published figures admit, given the ptable's support."""
        return _candidates(self.alone, self.together, self.parts)

    @property
    def best(self) -> int:
        """The most probable withheld count (1 .. threshold-1) for one who knows the ptable."""
        return _most_probable(self.alone, self.together, self.parts)


Figures = tuple[int, ...]


def _likelihood(alone_shown: Figures, together_shown: Figures, parts: int, alone: int,
                withheld: int) -> Fraction:
    """How probable the published figures are if the true counts were these."""
    def probability(true: int, shown: int, parts: int = 1) -> Fraction:
        if parts > 1:  # a sum of perturbed cells: each part within the deviation
            return Fraction(abs(shown - true) <= parts * PTABLE.deviation)
        floor = THRESHOLD if true >= THRESHOLD else 0
        return dict(PTABLE.row(true, floor)).get(shown - true, Fraction(0))

    found = Fraction(1)
    for shown in alone_shown:
        found *= probability(alone, shown)
    for shown in together_shown:
        found *= probability(alone + withheld, shown, parts)
    return found


def _alones(alone_shown: Figures) -> range:
    return range(THRESHOLD, max(alone_shown) + PTABLE.deviation + 1)


@functools.cache  # readers and tools see the same figures: each is weighed once
def _candidates(alone_shown: Figures, together_shown: Figures, parts: int) -> set[int]:
    return {withheld for withheld in range(1, 2 * THRESHOLD) for alone in _alones(alone_shown)
            if _likelihood(alone_shown, together_shown, parts, alone, withheld)}


@functools.cache
def _most_probable(alone_shown: Figures, together_shown: Figures, parts: int) -> int:
    return max(range(1, THRESHOLD), key=lambda withheld: sum(
        (_likelihood(alone_shown, together_shown, parts, alone, withheld)
         for alone in _alones(alone_shown)), Fraction(0)))


def plain_hit(attempt: Attempt) -> bool:
    return attempt.guess == attempt.shape.withheld


def clipped_hit(attempt: Attempt) -> bool:
    return attempt.clipped == attempt.shape.withheld


def best_hit(attempt: Attempt) -> bool:
    return attempt.best == attempt.shape.withheld


def share_right(found: list[Attempt], hit: Callable[[Attempt], bool]) -> float:
    return sum(hit(attempt) for attempt in found) / len(found)
