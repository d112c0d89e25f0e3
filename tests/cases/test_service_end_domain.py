"""A service's planned end (bewilligt bis): recorded with the assignment, never before its start."""

from __future__ import annotations

from datetime import date, timedelta

from services.cases.domain import Case
from tests.cases.builders import (
    AGREEMENT,
    CASEWORKER,
    COUNSELLING,
    OPENED_ON,
    an_open_case,
    broken_rule,
)

END = date(2026, 8, 31)


def assign(case: Case, end_date: date | None) -> None:
    case.assign_service(service_id=COUNSELLING, agreement_id=AGREEMENT, units_planned=40,
                        unit="hour", start_date=OPENED_ON, actor=CASEWORKER,
                        occurred_on=OPENED_ON, end_date=end_date)


def test_a_service_is_assigned_with_its_planned_end() -> None:
    case = an_open_case()

    assign(case, END)

    [assigned] = case.collect_events()
    assert isinstance(assigned, Case.ServiceAssigned)
    assert assigned.end_date == END
    assert case.services[COUNSELLING].end_date == END


def test_a_service_without_a_planned_end_has_none() -> None:
    case = an_open_case()

    assign(case, None)

    assert case.services[COUNSELLING].end_date is None


def test_a_planned_end_on_the_start_day_is_accepted_and_before_it_refused() -> None:
    on_start, before_start = an_open_case(), an_open_case()

    assign(on_start, OPENED_ON)

    assert on_start.services[COUNSELLING].end_date == OPENED_ON
    assert broken_rule(lambda: assign(before_start, OPENED_ON - timedelta(days=1))) == (
        "service_end_before_start")
    assert before_start.collect_events() == []
