"""A case's help plan: goals set and reviewed, services assigned, delivered and ended."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from services.cases.domain import Case
from tests.cases.builders import (
    AGREEMENT,
    CASEWORKER,
    COUNSELLING,
    FIVE_LEVELS,
    LATER,
    OPENED_ON,
    SCHOOL,
    an_open_case,
    broken_rule,
    closed,
    with_goal,
    with_service,
)


def set_school_goal(case: Case, **changes: Any) -> None:
    command: dict[str, Any] = {
        "goal_id": SCHOOL, "title": "Regelmäßiger Schulbesuch", "levels": FIVE_LEVELS,
        "baseline": -1, "actor": CASEWORKER, "occurred_on": OPENED_ON, **changes,
    }
    case.set_goal(**command)


def test_setting_a_goal_records_its_levels_weight_and_baseline() -> None:
    case = an_open_case()

    set_school_goal(case, weight="1.5")

    [goal_set] = case.collect_events()
    assert isinstance(goal_set, Case.GoalSet)
    assert goal_set.goal_id == SCHOOL
    assert goal_set.levels == FIVE_LEVELS
    assert goal_set.weight == Decimal("1.5")
    assert goal_set.baseline == -1
    assert goal_set.actor == CASEWORKER


def test_a_goal_weighs_1_unless_said_otherwise() -> None:
    case = an_open_case()

    set_school_goal(case)

    [goal_set] = case.collect_events()
    assert isinstance(goal_set, Case.GoalSet)
    assert goal_set.weight == Decimal(1)


def test_setting_a_goal_with_a_taken_id_is_rejected() -> None:
    case = with_goal(an_open_case(), SCHOOL)

    assert broken_rule(lambda: set_school_goal(case)) == "goal_already_set"
    assert case.collect_events() == []


@pytest.mark.parametrize("levels", [
    {key: text for key, text in FIVE_LEVELS.items() if key != "2"},
    {**FIVE_LEVELS, "3": "mehr als erwartet"},
    {**FIVE_LEVELS, "0": "  "},
    {"-2": "a", "-1": "b", "0": "c", "+1": "d", "+2": "e"},
], ids=["missing", "extra", "blank", "signed keys"])
def test_a_goal_without_five_described_levels_is_rejected(levels: dict[str, str]) -> None:
    case = an_open_case()

    assert broken_rule(lambda: set_school_goal(case, levels=levels)) == "goal_needs_five_levels"
    assert case.collect_events() == []


@pytest.mark.parametrize("weight", [0, -1, "0.0", "-0.5", "viel", "NaN", "Infinity", True])
def test_a_goal_weight_not_above_zero_is_rejected(weight: Any) -> None:
    case = an_open_case()

    assert broken_rule(lambda: set_school_goal(case, weight=weight)) == "goal_weight_not_positive"
    assert case.collect_events() == []


@pytest.mark.parametrize("baseline", [3, -3, True, "0"])
def test_a_goal_baseline_outside_minus_2_to_plus_2_is_rejected(baseline: Any) -> None:
    case = an_open_case()

    assert broken_rule(lambda: set_school_goal(case, baseline=baseline)) == "level_out_of_range"
    assert case.collect_events() == []


def test_setting_a_goal_on_a_closed_case_is_rejected() -> None:
    case = closed(an_open_case())

    assert broken_rule(lambda: set_school_goal(case)) == "case_not_open"
    assert case.collect_events() == []


def test_a_review_logged_late_for_an_earlier_day_does_not_become_the_latest_level() -> None:
    case = with_goal(an_open_case())
    case.review_goal(goal_id=SCHOOL, level=1, note="", actor="cw-2", occurred_on=LATER)

    case.review_goal(goal_id=SCHOOL, level=-1, note="nachgetragen", actor="cw-2",
                     occurred_on=OPENED_ON)

    assert case.latest_levels() == {SCHOOL: 1}
    assert case.gas_t_score() == pytest.approx(case.t_score_history()[-1].t_score)


def test_reviewing_a_goal_records_its_level_and_note() -> None:
    case = with_goal(an_open_case())

    case.review_goal(goal_id=SCHOOL, level=1, note="fehlt kaum noch", actor="cw-2",
                     occurred_on=LATER)

    [review] = case.collect_events()
    assert isinstance(review, Case.GoalReviewed)
    assert (review.goal_id, review.level, review.note) == (SCHOOL, 1, "fehlt kaum noch")
    assert case.latest_levels() == {SCHOOL: 1}


def test_reviewing_an_unknown_goal_is_rejected() -> None:
    case = an_open_case()

    rule = broken_rule(lambda: case.review_goal(goal_id=SCHOOL, level=0, note="",
                                                actor=CASEWORKER, occurred_on=LATER))

    assert rule == "goal_unknown"
    assert case.collect_events() == []


@pytest.mark.parametrize("level", [3, -3, False])
def test_reviewing_a_goal_at_a_level_outside_the_scale_is_rejected(level: Any) -> None:
    case = with_goal(an_open_case())

    rule = broken_rule(lambda: case.review_goal(goal_id=SCHOOL, level=level, note="",
                                                actor=CASEWORKER, occurred_on=LATER))

    assert rule == "level_out_of_range"
    assert case.collect_events() == []


def test_reviewing_a_goal_of_a_closed_case_is_rejected() -> None:
    case = closed(with_goal(an_open_case()))

    rule = broken_rule(lambda: case.review_goal(goal_id=SCHOOL, level=0, note="",
                                                actor=CASEWORKER, occurred_on=LATER))

    assert rule == "case_not_open"


def assign_counselling(case: Case, **changes: Any) -> None:
    command: dict[str, Any] = {
        "service_id": COUNSELLING, "agreement_id": AGREEMENT, "units_planned": 40,
        "unit": "hour", "start_date": OPENED_ON, "actor": CASEWORKER,
        "occurred_on": OPENED_ON, **changes,
    }
    case.assign_service(**command)


def test_assigning_a_service_records_the_agreement_and_planned_units() -> None:
    case = an_open_case()

    assign_counselling(case)

    [assigned] = case.collect_events()
    assert isinstance(assigned, Case.ServiceAssigned)
    assert (assigned.service_id, assigned.agreement_id) == (COUNSELLING, AGREEMENT)
    assert (assigned.units_planned, assigned.unit) == (Decimal(40), "hour")
    assert case.services[COUNSELLING].running


def test_assigning_a_service_with_a_taken_id_is_rejected() -> None:
    case = with_service(an_open_case(), COUNSELLING)

    assert broken_rule(lambda: assign_counselling(case)) == "service_already_assigned"
    assert case.collect_events() == []


@pytest.mark.parametrize("units", [0, -5])
def test_assigning_a_service_without_planned_units_is_rejected(units: int) -> None:
    case = an_open_case()

    assert broken_rule(lambda: assign_counselling(case, units_planned=units)) == (
        "units_not_positive")
    assert case.collect_events() == []


def test_assigning_a_service_to_a_closed_case_is_rejected() -> None:
    case = closed(an_open_case())

    assert broken_rule(lambda: assign_counselling(case)) == "case_not_open"


def record(case: Case, **changes: Any) -> None:
    command: dict[str, Any] = {"service_id": COUNSELLING, "period": "2026-Q1", "units": 6,
                               "actor": CASEWORKER, "occurred_on": LATER, **changes}
    case.record_delivery(**command)


@pytest.mark.parametrize("period", ["2026-Q1", "2026-Q4", "2026-01", "2026-12"])
def test_recording_a_delivery_adds_its_units_for_a_quarter_or_month(period: str) -> None:
    case = with_service(an_open_case())

    record(case, period=period, units=Decimal("2.5"))
    record(case, period=period, units=4)

    first, second = case.collect_events()
    assert isinstance(first, Case.DeliveryRecorded)
    assert (first.service_id, first.period, first.units) == (COUNSELLING, period, Decimal("2.5"))
    assert isinstance(second, Case.DeliveryRecorded)
    assert case.services[COUNSELLING].units_delivered == Decimal("6.5")


def test_recording_a_delivery_of_a_service_never_assigned_is_rejected() -> None:
    case = an_open_case()

    assert broken_rule(lambda: record(case)) == "service_not_assigned"
    assert case.collect_events() == []


def test_recording_a_delivery_of_an_ended_service_is_rejected() -> None:
    case = with_service(an_open_case())
    case.end_service(service_id=COUNSELLING, reason="Ziel erreicht", actor=CASEWORKER,
                     occurred_on=LATER)
    case.collect_events()

    assert broken_rule(lambda: record(case)) == "service_already_ended"
    assert case.collect_events() == []


@pytest.mark.parametrize("units", [0, -1, Decimal("-0.5")])
def test_recording_a_delivery_without_units_is_rejected(units: Any) -> None:
    case = with_service(an_open_case())

    assert broken_rule(lambda: record(case, units=units)) == "units_not_positive"
    assert case.collect_events() == []


@pytest.mark.parametrize("period", ["2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-3",
                                    "26-03", "2026/03", "2026", " 2026-03"])
def test_recording_a_delivery_for_a_malformed_period_is_rejected(period: str) -> None:
    case = with_service(an_open_case())

    assert broken_rule(lambda: record(case, period=period)) == "period_malformed"
    assert case.collect_events() == []


def test_recording_a_delivery_on_a_closed_case_is_rejected() -> None:
    case = closed(with_service(an_open_case()))

    assert broken_rule(lambda: record(case)) == "case_not_open"


def end_counselling(case: Case) -> None:
    case.end_service(service_id=COUNSELLING, reason="Ziel erreicht", actor=CASEWORKER,
                     occurred_on=LATER)


def test_ending_a_service_records_the_reason_and_stops_it() -> None:
    case = with_service(an_open_case())

    end_counselling(case)

    [ended] = case.collect_events()
    assert isinstance(ended, Case.ServiceEnded)
    assert (ended.service_id, ended.reason) == (COUNSELLING, "Ziel erreicht")
    assert not case.services[COUNSELLING].running


def test_ending_a_service_never_assigned_is_rejected() -> None:
    case = an_open_case()

    assert broken_rule(lambda: end_counselling(case)) == "service_not_assigned"


def test_ending_a_service_twice_is_rejected() -> None:
    case = with_service(an_open_case())
    end_counselling(case)
    case.collect_events()

    assert broken_rule(lambda: end_counselling(case)) == "service_already_ended"
    assert case.collect_events() == []


def test_ending_a_service_of_a_closed_case_is_rejected() -> None:
    case = closed(with_service(an_open_case()))

    assert broken_rule(lambda: end_counselling(case)) == "case_not_open"
