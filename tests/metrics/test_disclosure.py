"""The perturbation table and the cell-key method, without a database."""

from __future__ import annotations

import hashlib
import hmac
from fractions import Fraction

import pytest

from services.metrics.catalog import CATALOG
from services.metrics.indicators.cells import Cell, record_key
from services.metrics.indicators.disclosure import (
    AMOUNT_STEP,
    FIGURES,
    PTABLE,
    CellKeyMethod,
    Figure,
)
from shared.indicators import IndicatorId

THRESHOLD = 5
METHOD = CellKeyMethod(b"a fixed secret of the tests")
ROWS = [(count, floor) for count in range(60) for floor in (0, THRESHOLD) if count >= floor]


def key_of(*persons: str) -> int:
    return sum(record_key(person) for person in persons) % 2**64


@pytest.mark.parametrize(("count", "floor"), ROWS)
def test_every_row_of_the_ptable_is_a_distribution_without_bias(count: int,
                                                                  floor: int) -> None:
    row = PTABLE.row(count, floor)

    assert sum(p for _, p in row) == 1
    assert all(p > 0 for _, p in row)
    assert sum(noise * p for noise, p in row) == 0  # unbiased: totals stay right on average
    assert all(abs(noise) <= PTABLE.deviation for noise, _ in row)
    assert all(count + noise >= floor for noise, _ in row)  # never below threshold, never < 0


def test_the_full_row_has_variance_one_and_keeps_the_count_most_often() -> None:
    row = dict(PTABLE.row(30, 0))

    assert PTABLE.variance == 1
    assert set(row) == {-2, -1, 0, 1, 2}
    assert row[0] == Fraction(9, 20)
    assert row[-2] == row[2]
    assert row[-1] == row[1]


def test_zero_and_a_count_at_the_threshold_are_never_moved_down() -> None:
    assert PTABLE.row(0, 0) == ((0, Fraction(1)),)
    assert PTABLE.row(THRESHOLD, THRESHOLD) == ((0, Fraction(1)),)
    assert {noise for noise, _ in PTABLE.row(THRESHOLD + 1, THRESHOLD)} == {-1, 0, 1, 2}


@pytest.mark.parametrize("count", [1, 2, 6, 7, 11, 40])
def test_the_lookup_draws_each_noise_with_its_probability(count: int) -> None:
    floor = THRESHOLD if count >= THRESHOLD else 0
    steps = 4_000
    drawn: dict[int, int] = {}
    for step in range(steps):
        noise = PTABLE.noise(count, floor, Fraction(step, steps))
        drawn[noise] = drawn.get(noise, 0) + 1

    for noise, probability in PTABLE.row(count, floor):
        assert abs(Fraction(drawn[noise], steps) - probability) <= Fraction(1, steps)
    assert set(drawn) == {noise for noise, _ in PTABLE.row(count, floor)}


@pytest.mark.parametrize(("count", "floor"), ROWS)
def test_the_lookup_in_integers_finds_the_noise_of_the_exact_lookup(count: int,
                                                                     floor: int) -> None:
    # Every edge between two noises, a mark either side of it, and the ends.
    edges, reached = [], Fraction(0)
    for _, probability in PTABLE.row(count, floor):
        reached += probability
        edges.append(reached * 2**64)
    marks = {0, 2**64 - 1} | {m for edge in edges for m in (int(edge) - 1, int(edge),
                                                            int(edge) + 1) if 0 <= m < 2**64}

    for mark in sorted(marks):
        assert PTABLE.noise_at(count, floor, mark) == \
            PTABLE.noise(count, floor, Fraction(mark, 2**64)), mark


def test_a_figure_looks_up_its_noise_at_the_first_64_bits_of_its_hmac() -> None:
    key = key_of("p-1", "p-2")
    digest = hmac.new(b"a fixed secret of the tests", f"persons:{key}".encode(),
                      hashlib.sha256).digest()

    assert METHOD.mark("persons", key) == int.from_bytes(digest[:8], "big")
    assert METHOD.position("persons", key) == Fraction(METHOD.mark("persons", key), 2**64)


def test_the_same_persons_get_the_same_noise_and_each_figure_its_own_lookup() -> None:
    persons = [f"p-{number}" for number in range(11)]
    key = key_of(*persons)

    assert key == key_of(*reversed(persons))  # a set: order does not matter
    assert METHOD.position("persons", key) == METHOD.position("persons", key)
    assert METHOD.position("persons", key) != METHOD.position("numerator", key)
    # Counts look their noise up by their value: equal counts of a cell, equal figures.
    assert METHOD.count(11, THRESHOLD, key) == METHOD.count(11, THRESHOLD, key)
    assert {METHOD.count(count, THRESHOLD, key) - count for count in range(30, 60)} != {0}
    assert METHOD.position("persons", key) != METHOD.position("persons", key_of(*persons[1:]))
    assert CellKeyMethod(b"another secret").position("persons", key) != \
        METHOD.position("persons", key)
    assert 0 <= METHOD.position("persons", key) < 1


def test_a_cell_is_perturbed_within_the_table_and_its_value_recomputed() -> None:
    definition = CATALOG[IndicatorId.PLANNED_CLOSURE_RATE]
    for seed in range(200):
        persons = [f"s{seed}-{number}" for number in range(12)]
        exact = Cell({"district": "Nordstadt"}, 0.5, 6.0, 12.0, 12, False, key_of(*persons))

        shown = METHOD.cell(exact, definition, THRESHOLD)

        assert shown == METHOD.cell(exact, definition, THRESHOLD)
        assert shown.persons is not None
        assert shown.numerator is not None
        assert shown.denominator is not None
        assert shown.persons >= THRESHOLD
        assert abs(shown.persons - 12) <= PTABLE.deviation
        assert abs(shown.numerator - 6) <= PTABLE.deviation
        assert abs(shown.denominator - 12) <= PTABLE.deviation
        assert shown.numerator <= shown.denominator  # a share stays a share
        assert shown.value == round(shown.numerator / shown.denominator, 6)
        assert shown.dimensions == exact.dimensions
        assert shown.persons == shown.denominator  # both count the same 12: one look only


def test_amounts_move_in_proportion_and_contract_figures_stay_exact() -> None:
    definition = CATALOG[IndicatorId.BUDGET_UTILISATION]
    moved = set()
    for seed in range(100):
        exact = Cell({}, 0.25, 1000.0, 4000.0, 8, False, key_of(f"b{seed}"))

        shown = METHOD.cell(exact, definition, THRESHOLD)

        assert shown.denominator == 4000.0  # the budget of the contract: no person's figure
        assert shown.numerator is not None
        factor = Fraction(shown.numerator) / 1000
        assert (factor - 1) / AMOUNT_STEP in {-2, -1, 0, 1, 2}
        assert shown.value == round(shown.numerator / 4000, 6)
        moved.add(shown.numerator)
    assert len(moved) > 1


def test_withheld_cells_and_cells_of_no_person_are_left_as_they_are() -> None:
    definition = CATALOG[IndicatorId.ACTIVE_CASES]
    withheld = Cell({}, None, None, None, None, True)
    of_reports = Cell({}, 0.8, 4.0, 5.0, 6, False, None)

    assert METHOD.cell(withheld, definition, THRESHOLD) == withheld
    assert METHOD.cell(of_reports, CATALOG[IndicatorId.IMPACT_GOAL_ACHIEVEMENT],
                       THRESHOLD) == of_reports


def test_every_indicator_of_the_catalog_says_what_its_figures_are() -> None:
    assert set(FIGURES) == set(CATALOG)
    no_persons = [i for i, d in CATALOG.items() if not d.counts_persons]
    assert all(FIGURES[i] == (Figure.EXACT, Figure.EXACT) for i in no_persons)


@pytest.mark.parametrize("amount", [0.0, 1.0, 43.21, 1234567.89, 1e-9, 98765.4321, 7.0 / 3])
def test_an_amount_moves_by_exactly_its_step_rounded_once(amount: float) -> None:
    for figure in ("numerator", "denominator", "value"):
        for key in range(40):
            step = PTABLE.noise(PTABLE.deviation, 0, METHOD.position(figure, key))

            assert METHOD._amount(figure, amount, key) == \
                float(Fraction(amount) * (1 + AMOUNT_STEP * step))
