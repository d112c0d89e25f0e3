"""Assigning a service: only under an agreement active on the start date, of the case's field,
with a free place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from services.cases.domain import AgreementOnRecord, Case
from tests.cases.builders import (
    AGREEMENT,
    CASEWORKER,
    COUNSELLING,
    OPENED_ON,
    an_open_case,
    broken_rule,
    closed,
)

START = date(2026, 3, 2)
ACTIVE = AgreementOnRecord(agreement_id=AGREEMENT, field_of_action="jugend",
                           pricing_unit="hour", capacity=2, term_start=date(2026, 1, 1),
                           term_end=date(2026, 12, 31), signed_on=date(2025, 12, 15))


def assign(case: Case, agreement: AgreementOnRecord | None = ACTIVE, *,
           running_services: int = 0, **changes: Any) -> None:
    command: dict[str, Any] = {"service_id": COUNSELLING, "agreement_id": AGREEMENT,
                               "units_planned": 40, "start_date": START, "actor": CASEWORKER,
                               "occurred_on": OPENED_ON, **changes}
    case.assign_service_under(agreement, running_services=running_services, **command)


def test_a_service_under_an_admitting_agreement_is_assigned_in_its_pricing_unit() -> None:
    case = an_open_case()

    assign(case, replace(ACTIVE, pricing_unit="day"), running_services=1)

    [assigned] = case.collect_events()
    assert isinstance(assigned, Case.ServiceAssigned)
    assert (assigned.agreement_id, assigned.unit) == (AGREEMENT, "day")


@pytest.mark.parametrize(("agreement", "rule"), [
    (None, "agreement_unknown"),
    (replace(ACTIVE, signed_on=None), "agreement_not_active"),
    (replace(ACTIVE, signed_on=date(2026, 3, 3)), "agreement_not_active"),
    (replace(ACTIVE, term_start=date(2026, 4, 1)), "agreement_not_active"),
    (replace(ACTIVE, term_end=date(2026, 3, 1)), "agreement_not_active"),
    (replace(ACTIVE, termination_date=START), "agreement_not_active"),
    (replace(ACTIVE, suspensions=((date(2026, 2, 1), None),)), "agreement_not_active"),
    (replace(ACTIVE, suspensions=((START, date(2026, 3, 3)),)), "agreement_not_active"),
    (replace(ACTIVE, field_of_action="wohnen"), "agreement_field_of_action_mismatch"),
], ids=["unknown", "unsigned", "signed-later", "before-term", "after-term", "terminated",
        "suspended", "suspended-that-day", "other-field"])
def test_an_agreement_that_does_not_admit_the_service_refuses_it(
        agreement: AgreementOnRecord | None, rule: str) -> None:
    case = an_open_case()

    assert broken_rule(lambda: assign(case, agreement)) == rule
    assert case.collect_events() == []


def test_an_agreement_runs_again_from_the_day_it_was_resumed_and_until_terminated() -> None:
    resumed = replace(ACTIVE, suspensions=((date(2026, 2, 1), START),),
                      termination_date=date(2026, 3, 3))
    case = an_open_case()

    assign(case, resumed)

    assert len(case.collect_events()) == 1


def test_an_agreement_with_every_place_taken_is_fully_booked() -> None:
    case = an_open_case()

    assert broken_rule(lambda: assign(case, running_services=2)) == "agreement_fully_booked"
    assert broken_rule(lambda: assign(case, replace(ACTIVE, capacity=0))) == (
        "agreement_fully_booked")


def test_a_closed_case_is_refused_before_the_agreement_is_looked_at() -> None:
    case = closed(an_open_case())

    assert broken_rule(lambda: assign(case, None)) == "case_not_open"
