"""A case's lifecycle: opened, assessed, closed, reopened; and what it tells about itself."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import Case
from tests.cases.builders import (
    CASEWORKER,
    COUNSELLING,
    GROUP_WORK,
    HOUSING,
    LATER,
    OPENED_ON,
    SCHOOL,
    an_open_case,
    broken_rule,
    closed,
    reviewed,
    with_goal,
    with_service,
)


def test_a_case_opened_without_saying_otherwise_is_no_reentry() -> None:
    case = Case(client_pseudonym="p-1", field_of_action="jugend", target_groups=["Familien"],
                district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27",
                age_band="14-17", actor=CASEWORKER, occurred_on=OPENED_ON)

    [opened] = case.collect_events()

    assert isinstance(opened, Case.Opened)
    assert opened.reentry is False
    assert case.status == "open"


def test_opening_a_case_records_whether_it_is_a_reentry() -> None:
    case = Case(client_pseudonym="p-1", field_of_action="jugend", target_groups=[],
                district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27",
                age_band="14-17", actor=CASEWORKER, occurred_on=OPENED_ON, reentry=True)

    [opened] = case.collect_events()

    assert isinstance(opened, Case.Opened)
    assert opened.reentry is True
    assert case.reentry is True


def test_assessing_a_case_records_the_summary_and_the_caseworker() -> None:
    case = an_open_case()

    case.assess(summary="Schulabsentismus seit Herbst", actor="cw-2", occurred_on=LATER)

    [assessed] = case.collect_events()
    assert isinstance(assessed, Case.Assessed)
    assert (assessed.summary, assessed.actor, assessed.occurred_on) == (
        "Schulabsentismus seit Herbst", "cw-2", LATER)
    assert case.assessed_on == LATER


def test_assessing_a_closed_case_is_rejected() -> None:
    case = closed(an_open_case())

    rule = broken_rule(lambda: case.assess(summary="…", actor=CASEWORKER, occurred_on=LATER))

    assert rule == "case_not_open"
    assert case.collect_events() == []


def test_closing_a_case_ends_the_services_still_running() -> None:
    case = with_service(with_service(an_open_case(), COUNSELLING), GROUP_WORK)
    case.end_service(service_id=GROUP_WORK, reason="Gruppe aufgelöst", actor=CASEWORKER,
                     occurred_on=OPENED_ON)
    case.collect_events()

    case.close(reason="planned_goals_achieved", actor=CASEWORKER, occurred_on=LATER)

    [closing] = case.collect_events()
    assert isinstance(closing, Case.Closed)
    assert closing.reason == "planned_goals_achieved"
    assert closing.ended_service_ids == [COUNSELLING]
    assert case.status == "closed"
    assert case.services[COUNSELLING].ended_on == LATER


@pytest.mark.parametrize("reason", ["planned_goals_achieved", "planned_partially",
                                    "dropped_out", "transferred", "moved"])
def test_a_case_closes_for_each_known_reason(reason: str) -> None:
    case = an_open_case()

    case.close(reason=reason, actor=CASEWORKER, occurred_on=LATER)

    [closing] = case.collect_events()
    assert isinstance(closing, Case.Closed)
    assert closing.reason == reason
    assert case.closure_reason == reason


def test_closing_a_closed_case_is_rejected() -> None:
    case = closed(an_open_case())

    rule = broken_rule(lambda: case.close(reason="moved", actor=CASEWORKER, occurred_on=LATER))

    assert rule == "case_already_closed"
    assert case.collect_events() == []


def test_closing_for_an_unknown_reason_is_rejected() -> None:
    case = an_open_case()

    rule = broken_rule(lambda: case.close(reason="fertig", actor=CASEWORKER, occurred_on=LATER))

    assert rule == "closure_reason_unknown"
    assert case.status == "open"
    assert case.collect_events() == []


def test_reopening_a_closed_case_opens_it_again() -> None:
    case = closed(an_open_case())

    case.reopen(reason="Rückfall", actor=CASEWORKER, occurred_on=date(2026, 6, 1))

    [reopened] = case.collect_events()
    assert isinstance(reopened, Case.Reopened)
    assert reopened.reason == "Rückfall"
    assert case.status == "open"
    assert (case.closed_on, case.closure_reason) == (None, None)


def test_reopening_an_open_case_is_rejected() -> None:
    case = an_open_case()

    rule = broken_rule(lambda: case.reopen(reason="…", actor=CASEWORKER, occurred_on=LATER))

    assert rule == "case_not_closed"
    assert case.collect_events() == []


def test_services_ended_by_the_closure_stay_ended_after_reopening() -> None:
    case = closed(with_service(an_open_case()))
    case.reopen(reason="Rückfall", actor=CASEWORKER, occurred_on=LATER)

    rule = broken_rule(lambda: case.record_delivery(
        service_id=COUNSELLING, period="2026-Q2", units=1, actor=CASEWORKER, occurred_on=LATER))

    assert rule == "service_already_ended"


def test_a_case_without_reviews_has_no_t_score_and_no_share() -> None:
    case = with_goal(an_open_case())

    assert case.gas_t_score() is None
    assert case.share_of_goals_at_or_above_expected() is None
    assert case.latest_levels() == {}


def test_the_t_score_uses_the_latest_review_of_each_weighted_goal() -> None:
    case = with_goal(with_goal(an_open_case(), SCHOOL, weight=2), HOUSING, weight=1)
    case = reviewed(reviewed(reviewed(case, SCHOOL, -2), SCHOOL, 1), HOUSING, -1)

    # latest levels: school +1 (w=2), housing -1 (w=1)
    # Σwx = 2 - 1 = 1, Σw² = 5, (Σw)² = 9 → sqrt(0.7·5 + 0.3·9) = sqrt(6.2) = 2.489980
    assert case.latest_levels() == {SCHOOL: 1, HOUSING: -1}
    assert case.gas_t_score() == pytest.approx(54.016097)
    assert case.share_of_goals_at_or_above_expected() == pytest.approx(0.5)


def test_goals_not_yet_reviewed_do_not_count() -> None:
    case = reviewed(with_goal(with_goal(an_open_case(), SCHOOL), HOUSING), SCHOOL, 1)

    assert case.gas_t_score() == pytest.approx(60.0)
    assert case.share_of_goals_at_or_above_expected() == 1.0


def test_an_open_case_lasts_until_the_day_asked_about() -> None:
    case = an_open_case()

    assert case.duration_days(until=date(2026, 2, 12)) == 10


def test_a_closed_case_lasts_until_its_closure() -> None:
    case = closed(an_open_case())

    assert case.duration_days(until=date(2027, 1, 1)) == (LATER - OPENED_ON).days
    assert case.duration_days(until=date(2026, 2, 12)) == 10

