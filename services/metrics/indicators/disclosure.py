"""Disclosure control that survives differencing: the cell-key method (Zensus 2022, ONS).

Withholding small cells alone does not protect them: a total of another
breakdown minus the visible cells gives the withheld one back. So every
figure about persons that a reader other than the auditor sees is also
perturbed by a small integer noise, looked up in a perturbation table
(ptable) by the cell's key:

- each person has a record key, a 64-bit number from their pseudonym
  (`cells.record_key`, in SQL `RECORD_KEY_SQL`), the same in every replay;
- a cell's key is the sum of the record keys of its distinct persons, mod 2^64
  (the same persons make the same key, whatever breakdown or moment shows them);
- the position of a figure in the ptable is HMAC-SHA256 of the installation's
  secret over the cell key and the figure (a count: its true value; an amount:
  its name), read as a fraction in [0, 1): without the secret nobody can tell a
  cell's noise, with it every replay finds the same noise again; figures of a
  cell that count differently get noise of their own, and two that count the
  same (persons and cases) the same noise, so neither can be averaged out.

Counts get the ptable's noise; amounts (euros, days, T-scores, a median) get a
proportional noise of `AMOUNT_STEP` per step of the same table; what a reader
is shown as the value is recomputed from the perturbed figures. Figures that
are not about persons (a contract's budget and capacity, the reference
population, what providers reported in their own reports) stay exact.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction

from services.metrics.catalog import Aggregation, IndicatorDefinition
from services.metrics.indicators.cells import Cell
from shared.indicators import IndicatorId

MODULUS = 2**64
# The record key of a person in SQL: the first 64 bits of md5 of the pseudonym, as bigint.
RECORD_KEY_SQL = "('x' || left(md5({client}), 16))::bit(64)::bigint"
AMOUNT_STEP = Fraction(1, 20)  # an amount moves 5 % per step of noise, at most ±10 %
METHOD = "cell-key"


def cell_key(record_keys_sum: int) -> int:
    """A cell's key from the sum of its distinct persons' record keys."""
    return record_keys_sum % MODULUS


@dataclass(frozen=True)
class PerturbationTable:
    """Noise from -D to +D with the `weights` (for -D..+D), kept from pushing a count below
    its floor; where that cuts off the negative side, the positive side is scaled down so
    the noise stays unbiased (mean 0). A count at its floor is thus never perturbed."""

    deviation: int = 2
    weights: tuple[Fraction, ...] = (Fraction(3, 40), Fraction(1, 5), Fraction(9, 20),
                                     Fraction(1, 5), Fraction(3, 40))
    # Per count and floor the bounds of its row for `noise_at` (few counts: kept for good).
    _bounds: dict[tuple[int, int], tuple[tuple[int, int], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - a few frozen tables live for good
    def row(self, count: int, floor: int) -> tuple[tuple[int, Fraction], ...]:
        """The noise and its probability for a true `count` that must stay >= `floor`."""
        lowest = max(-self.deviation, min(0, floor - count))
        support = range(lowest, self.deviation + 1)
        weight = {noise: self.weights[noise + self.deviation] for noise in support}
        below = sum(-noise * weight[noise] for noise in support if noise < 0)
        above = sum(noise * weight[noise] for noise in support if noise > 0)
        scale = below / above if above else Fraction(0)
        balanced = {noise: w * scale if noise > 0 else w for noise, w in weight.items()}
        total = sum(balanced.values())
        return tuple((noise, w / total) for noise, w in balanced.items() if w)

    def noise(self, count: int, floor: int, position: Fraction) -> int:
        """The noise at `position` in [0, 1) of the row of `count`: the definition, which
        the answers' `noise_at` is tested against."""
        reached = Fraction(0)
        row = self.row(count, floor)
        for noise, probability in row:
            reached += probability
            if position < reached:
                return noise
        return row[-1][0]

    def noise_at(self, count: int, floor: int, mark: int) -> int:
        """`noise` at the position mark / 2^64 (0 <= mark < 2^64), in integers: a cell's
        figures are perturbed thousands of times per answer."""
        bounds = self._bounds.get((count, floor))
        if bounds is None:
            bounds = self._bounds[(count, floor)] = _bounds(self.row(count, floor))
        for noise, bound in bounds:
            if mark < bound:
                return noise
        return bounds[-1][0]

    @property
    def variance(self) -> Fraction:
        return sum((Fraction(noise) ** 2 * w for noise, w in self.row(self.deviation, 0)),
                   Fraction(0))

    def describe(self) -> str:
        weights = ", ".join(str(w) for w in self.weights)
        return (f"D={self.deviation}; p(-D..D)=({weights}); variance {self.variance}; "
                f"amounts {AMOUNT_STEP} per step")


def _bounds(row: tuple[tuple[int, Fraction], ...]) -> tuple[tuple[int, int], ...]:
    """Per noise of a row the smallest mark above its cumulative probability: for an
    integer mark, mark / 2^64 < reached exactly when mark < ceil(reached * 2^64)."""
    reached = Fraction(0)
    bounds = []
    for noise, probability in row:
        reached += probability
        bounds.append((noise, math.ceil(reached * MODULUS)))
    return tuple(bounds)


PTABLE = PerturbationTable()


class Figure(StrEnum):
    """What a numerator or denominator is, for its noise."""

    COUNT = "count"  # cases, persons, closures, goals: integer noise from the ptable
    AMOUNT = "amount"  # euros, days, T-scores: proportional noise
    EXACT = "exact"  # not about persons: budgets, capacity, population, providers' reports


_C, _A, _E = Figure.COUNT, Figure.AMOUNT, Figure.EXACT
# Per indicator: what its numerator and its denominator are.
FIGURES: dict[str, tuple[Figure, Figure]] = {
    IndicatorId.GAS_T_SCORE: (_A, _C),
    IndicatorId.GOALS_AT_OR_ABOVE_EXPECTED: (_C, _C),
    IndicatorId.CASE_DURATION: (_A, _C),
    IndicatorId.ACTIVE_CASES: (_C, _E),
    IndicatorId.GOAL_ATTAINMENT_RATE: (_C, _C),
    IndicatorId.MEAN_T_SCORE_AT_CLOSURE: (_A, _C),
    IndicatorId.PLANNED_CLOSURE_RATE: (_C, _C),
    IndicatorId.REENTRY_RATE: (_C, _C),
    IndicatorId.MEDIAN_DURATION: (_A, _C),  # the median itself, and how many values
    IndicatorId.DAYS_TO_FIRST_SERVICE: (_A, _C),
    IndicatorId.COST_PER_SUCCESSFUL_OUTCOME: (_A, _C),
    IndicatorId.IMPACT_GOAL_ACHIEVEMENT: (_E, _E),
    IndicatorId.BUDGET_UTILISATION: (_A, _E),
    IndicatorId.CAPACITY_UTILISATION: (_A, _E),
    IndicatorId.REPORT_TIMELINESS: (_E, _E),
    IndicatorId.REPORTED_VS_LOGGED_SUCCESS: (_E, _A),  # reported share, logged share
    IndicatorId.ACTIVE_CASES_PER_1000: (_C, _E),
    IndicatorId.CLIENTS_REACHED_PER_1000: (_C, _E),
    IndicatorId.SPEND_PER_INHABITANT: (_A, _E),
}


@dataclass(frozen=True)
class CellKeyMethod:
    """The cell-key method with this installation's secret and ptable."""

    secret: bytes
    table: PerturbationTable = PTABLE

    @property
    def fingerprint(self) -> str:
        """Names the secret without revealing it, so a verifier knows it holds the same."""
        mark = hmac.new(self.secret, b"wirkung cell-key fingerprint", hashlib.sha256)
        return "hmac-sha256:" + mark.hexdigest()[:16]

    def position(self, figure: str, key: int) -> Fraction:
        """Where in [0, 1) a figure of the cell with `key` looks up its noise (the
        definition; the answers use `mark`)."""
        return Fraction(self.mark(figure, key), MODULUS)

    def mark(self, figure: str, key: int) -> int:
        """`position` times 2^64: the first 64 bits of the HMAC."""
        digest = hmac.digest(self.secret, f"{figure}:{key}".encode(), "sha256")
        return int.from_bytes(digest[:8], "big")

    def perturbed(self, cells: Sequence[Cell], definition: IndicatorDefinition,
                  threshold: int) -> list[Cell]:
        """The cells as a reader other than the auditor sees them."""
        return [self.cell(cell, definition, threshold) for cell in cells]

    def cell(self, cell: Cell, definition: IndicatorDefinition, threshold: int) -> Cell:
        if cell.suppressed or cell.key is None or not definition.counts_persons:
            return cell  # withheld, or counts no person of a case: nothing to perturb
        key = cell.key
        numerator_kind, denominator_kind = FIGURES[definition.id]
        persons = None if cell.persons is None else \
            self.count(cell.persons, threshold, key)
        aggregation = definition.aggregation
        if aggregation is Aggregation.PERSONS_PER_POPULATION:
            numerator = None if persons is None else float(persons)  # the same figure
        else:
            numerator = self._figure("numerator", cell.numerator, numerator_kind, threshold,
                                     key)
        denominator = self._figure("denominator", cell.denominator, denominator_kind,
                                   threshold, key)
        if (numerator_kind is Figure.COUNT and denominator_kind is Figure.COUNT
                and numerator is not None and denominator is not None):
            numerator = min(numerator, denominator)  # a share stays a share
        value = self._value(cell, definition, numerator, denominator, key)
        return replace(cell, value=_round(value), numerator=_round(numerator),
                       denominator=_round(denominator), persons=persons)

    def count(self, count: int, threshold: int, key: int) -> int:
        """A count perturbed: never below the threshold if it was not, never negative, and
        0 stays 0. Looked up by the count itself: two figures of a cell that count the same
        (its persons and its cases, one case each) show the same number, so that publishing
        a count twice gives no second, independent look at it; figures that count
        differently get noise of their own."""
        floor = threshold if count >= threshold else 0
        return count + self.table.noise_at(count, floor, self.mark(f"count {count}", key))

    def _figure(self, name: str, figure: float | None, kind: Figure, threshold: int,
                key: int) -> float | None:
        if figure is None or kind is Figure.EXACT:
            return figure
        if kind is Figure.COUNT:
            return float(self.count(round(figure), threshold, key))
        return self._amount(name, figure, key)

    def _amount(self, name: str, amount: float, key: int) -> float:
        step = self.table.noise_at(self.table.deviation, 0, self.mark(name, key))
        # amount * (1 + AMOUNT_STEP * step) exactly, rounded once: a true division of
        # integers is correctly rounded, as float(Fraction(...)) is, and much cheaper.
        numerator, denominator = float(amount).as_integer_ratio()
        factor = AMOUNT_STEP.denominator + AMOUNT_STEP.numerator * step
        return numerator * factor / (denominator * AMOUNT_STEP.denominator)

    def _value(self, cell: Cell, definition: IndicatorDefinition, numerator: float | None,
               denominator: float | None, key: int) -> float | None:
        aggregation = definition.aggregation
        if aggregation is Aggregation.COUNT:
            return numerator
        if aggregation is Aggregation.MEDIAN:
            return None if cell.value is None else self._amount("value", cell.value, key)
        if aggregation is Aggregation.DIFFERENCE:
            return None if numerator is None or denominator is None else \
                numerator - denominator
        if aggregation is Aggregation.RATIO:
            return None if numerator is None or not denominator else numerator / denominator
        if numerator is None or not denominator:
            return None
        return numerator / denominator * definition.scale


def _round(number: float | None) -> float | None:
    return None if number is None else round(float(number), 6)
