"""Revising a case after the fact: a goal withdrawn, a delivery reversed, a hand-over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid5

import pytest

from services.cases.application import Cases
from services.cases.domain import Case
from tests.cases.builders import (
    CASEWORKER,
    COUNSELLING,
    HOUSING,
    LATER,
    SCHOOL,
    an_open_case,
    broken_rule,
    closed,
    reviewed,
    with_goal,
    with_service,
)

DELIVERY = UUID("5b2e8f0c-0000-4000-8000-00000000000d")


def withdraw(case: Case, goal_id: UUID = HOUSING) -> None:
    case.withdraw_goal(goal_id=goal_id, reason="gehört zum Fall der Mutter", actor="cw-2",
                       occurred_on=LATER)


def delivered(case: Case, units: int = 6, delivery_id: UUID = DELIVERY) -> Case:
    case.record_delivery(service_id=COUNSELLING, period="2026-03", units=units,
                         actor=CASEWORKER, occurred_on=LATER, delivery_id=delivery_id)
    case.collect_events()
    return case


def reverse(case: Case, delivery_id: UUID = DELIVERY) -> None:
    case.reverse_delivery(service_id=COUNSELLING, delivery_id=delivery_id,
                          reason="beim falschen Fall erfasst", actor="cw-2", occurred_on=LATER)


def test_a_withdrawn_goal_no_longer_counts_and_keeps_its_reviews() -> None:
    case = with_goal(with_goal(an_open_case(), SCHOOL, weight=2), HOUSING, weight=1)
    case = reviewed(reviewed(case, SCHOOL, 1), HOUSING, -1)

    withdraw(case)

    [withdrawn] = case.collect_events()
    assert isinstance(withdrawn, Case.GoalWithdrawn)
    assert (withdrawn.goal_id, withdrawn.reason, withdrawn.actor) == (
        HOUSING, "gehört zum Fall der Mutter", "cw-2")
    # Only school counts: 50 + 10 * (2 * 1) / sqrt(0.7 * 4 + 0.3 * 4) = 60
    assert case.latest_levels() == {SCHOOL: 1}
    assert case.gas_t_score() == pytest.approx(60.0)
    assert case.share_of_goals_at_or_above_expected() == 1.0
    housing = case.goals[HOUSING]
    assert (housing.withdrawn, housing.withdrawn_on, housing.reviewed_levels) == (
        True, LATER, [-1])


def test_a_case_whose_only_goal_is_withdrawn_has_no_t_score() -> None:
    case = reviewed(with_goal(an_open_case(), HOUSING), HOUSING, 2)

    withdraw(case)

    assert (case.gas_t_score(), case.share_of_goals_at_or_above_expected()) == (None, None)
    assert case.t_score_history() == []


def test_a_withdrawn_goal_takes_no_review_and_no_second_withdrawal() -> None:
    case = with_goal(an_open_case(), HOUSING)
    withdraw(case)
    case.collect_events()

    review = broken_rule(lambda: case.review_goal(goal_id=HOUSING, level=0, note="",
                                                  actor=CASEWORKER, occurred_on=LATER))
    again = broken_rule(lambda: withdraw(case))

    assert (review, again) == ("goal_withdrawn", "goal_withdrawn")
    assert case.collect_events() == []


def test_withdrawing_a_goal_never_set_is_rejected() -> None:
    case = an_open_case()

    assert broken_rule(lambda: withdraw(case)) == "goal_unknown"
    assert case.collect_events() == []


def test_a_goal_of_a_closed_case_can_still_be_withdrawn() -> None:
    case = closed(reviewed(with_goal(an_open_case(), HOUSING), HOUSING, -2))

    withdraw(case)

    assert [type(e) for e in case.collect_events()] == [Case.GoalWithdrawn]
    assert case.gas_t_score() is None


def test_reversing_a_delivery_takes_its_units_back_and_names_them() -> None:
    case = delivered(delivered(with_service(an_open_case()), 4, SCHOOL), 6)

    reverse(case)

    [reversed_] = case.collect_events()
    assert isinstance(reversed_, Case.DeliveryReversed)
    assert (reversed_.service_id, reversed_.delivery_id, reversed_.period, reversed_.units,
            reversed_.reason) == (COUNSELLING, DELIVERY, "2026-03", Decimal(6),
                                  "beim falschen Fall erfasst")
    service = case.services[COUNSELLING]
    assert service.units_delivered == Decimal(4)
    assert (service.deliveries[DELIVERY].reversed, service.deliveries[SCHOOL].reversed) == (
        True, False)


def test_a_delivery_is_reversed_once() -> None:
    case = delivered(with_service(an_open_case()))
    reverse(case)
    case.collect_events()

    assert broken_rule(lambda: reverse(case)) == "delivery_already_reversed"
    assert case.services[COUNSELLING].units_delivered == 0
    assert case.collect_events() == []


def test_only_a_delivery_logged_for_the_service_is_reversed() -> None:
    case = delivered(with_service(an_open_case()))

    unknown = broken_rule(lambda: reverse(case, SCHOOL))
    other_service = broken_rule(lambda: case.reverse_delivery(
        service_id=HOUSING, delivery_id=DELIVERY, reason="x", actor=CASEWORKER,
        occurred_on=LATER))

    assert (unknown, other_service) == ("delivery_unknown", "service_not_assigned")
    assert case.collect_events() == []


def test_a_delivery_of_an_ended_service_of_a_closed_case_can_still_be_reversed() -> None:
    case = closed(delivered(with_service(an_open_case())))

    reverse(case)

    assert [type(e) for e in case.collect_events()] == [Case.DeliveryReversed]
    assert case.services[COUNSELLING].units_delivered == 0


def test_a_delivery_stored_before_deliveries_had_ids_gets_one_from_its_place() -> None:
    cases = Cases(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case = Case(client_pseudonym="p-1", field_of_action="jugend", target_groups=[],
                district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27",
                age_band="14-17", actor=CASEWORKER, occurred_on=LATER)
    case.assign_service(service_id=COUNSELLING, agreement_id=SCHOOL, units_planned=40,
                        unit="hour", start_date=LATER, actor=CASEWORKER, occurred_on=LATER)
    case.record_delivery(service_id=COUNSELLING, period="2026-Q1", units=3, actor=CASEWORKER,
                         occurred_on=LATER)
    stored = [cases.mapper.to_stored_event(event) for event in case.collect_events()]
    # As an earlier version of the service stored it: no delivery_id in the state at all.
    state = cases.mapper.transcoder.decode(stored[-1].state)
    del state["delivery_id"]
    stored[-1] = replace(stored[-1], state=cases.mapper.transcoder.encode(state))
    cases.recorder.insert_events(stored)

    first: Case = cases.repository.get(case.id)
    again: Case = cases.repository.get(case.id)

    [delivery_id] = first.services[COUNSELLING].deliveries
    assert delivery_id == uuid5(case.id, "delivery/3")  # the case's id and the event's version
    assert list(again.services[COUNSELLING].deliveries) == [delivery_id]
    again.reverse_delivery(service_id=COUNSELLING, delivery_id=delivery_id, reason="falsch",
                           actor=CASEWORKER, occurred_on=LATER)
    assert again.services[COUNSELLING].units_delivered == 0


def test_handing_over_moves_the_case_to_the_other_team() -> None:
    case = an_open_case()

    case.hand_over(to_team="asd-sued", reason="Umzug", actor=CASEWORKER, occurred_on=LATER)

    [handed] = case.collect_events()
    assert isinstance(handed, Case.HandedOver)
    assert (handed.from_team, handed.to_team, handed.reason) == ("asd-nord", "asd-sued",
                                                                 "Umzug")
    assert case.team == "asd-sued"


def test_a_case_is_not_handed_over_to_its_own_team_nor_when_closed() -> None:
    case = an_open_case()

    own = broken_rule(lambda: case.hand_over(to_team="asd-nord", reason="x", actor=CASEWORKER,
                                             occurred_on=LATER))
    closed(case)
    shut = broken_rule(lambda: case.hand_over(to_team="asd-sued", reason="x",
                                              actor=CASEWORKER, occurred_on=LATER))

    assert (own, shut) == ("handover_to_own_team", "case_not_open")
    assert case.team == "asd-nord"


def test_the_case_keeps_the_assessment_text_and_when_each_goal_was_set() -> None:
    case = with_goal(an_open_case())

    case.assess(summary="Schulabsentismus seit Herbst", actor=CASEWORKER, occurred_on=LATER)

    assert case.assessment_summary == "Schulabsentismus seit Herbst"
    assert case.goals[SCHOOL].set_on == date(2026, 2, 2)


def test_the_t_score_history_has_a_point_per_review_in_the_order_of_the_days() -> None:
    case = with_goal(with_goal(an_open_case(), SCHOOL, weight=2), HOUSING, weight=1)
    for goal_id, level, day in ((SCHOOL, -2, 2), (SCHOOL, 1, 20), (HOUSING, -1, 10)):
        case.review_goal(goal_id=goal_id, level=level, note="", actor=CASEWORKER,
                         occurred_on=date(2026, 3, day))

    points = case.t_score_history()

    # Mar 2: school -2 (w2) alone: 50 + 10 * -4 / sqrt(0.7 * 4 + 0.3 * 4) = 30.
    # Mar 10 (logged last): and housing -1: 50 + 10 * -5 / sqrt(0.7 * 5 + 0.3 * 9) = 29.919517
    # Mar 20: school +1, housing -1: 50 + 10 * 1 / sqrt(6.2) = 54.016097, today's score.
    assert [p.occurred_on.day for p in points] == [2, 10, 20]
    assert [p.t_score for p in points] == pytest.approx([30.0, 29.919517, 54.016097])
    assert case.gas_t_score() == pytest.approx(54.016097)


def test_the_t_score_history_leaves_a_withdrawn_goal_out_throughout() -> None:
    case = with_goal(with_goal(an_open_case(), SCHOOL, weight=2), HOUSING, weight=1)
    for goal_id, level, day in ((SCHOOL, -2, 2), (HOUSING, -1, 10), (SCHOOL, 1, 20)):
        case.review_goal(goal_id=goal_id, level=level, note="", actor=CASEWORKER,
                         occurred_on=date(2026, 3, day))

    withdraw(case)

    points = case.t_score_history()

    # Mar 2: school -2 alone, 30; Mar 20: school +1 alone, 50 + 10 * 2 / 2 = 60.
    assert [p.occurred_on.day for p in points] == [2, 20]
    assert [p.t_score for p in points] == pytest.approx([30.0, 60.0])
