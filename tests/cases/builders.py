"""Cases in a given state for domain tests, and a way to name the rule a command broke."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from services.cases.domain import Case, Client, DomainError

CASEWORKER = "cw-1"
OPENED_ON = date(2026, 2, 2)
LATER = date(2026, 3, 2)
AGREEMENT = UUID("3e8d1c2b-0000-4000-8000-00000000000c")
SCHOOL = UUID("0c5e2f1a-0000-4000-8000-00000000000a")
WRONG_DELIVERY = UUID("5b2e8f0c-0000-4000-8000-00000000000d")
HOUSING = UUID("0c5e2f1a-0000-4000-8000-00000000000b")
COUNSELLING = UUID("9a7b3c4d-0000-4000-8000-00000000000b")
GROUP_WORK = UUID("9a7b3c4d-0000-4000-8000-00000000000c")
FIVE_LEVELS = {
    "-2": "fehlt an mehr als drei Tagen pro Woche",
    "-1": "fehlt an zwei bis drei Tagen pro Woche",
    "0": "fehlt höchstens an einem Tag pro Woche",
    "1": "fehlt höchstens an einem Tag pro Monat",
    "2": "fehlt nie unentschuldigt",
}


def an_open_case(*, reentry: bool = False) -> Case:
    """A case just opened, its Opened event already collected."""
    case = Case(client_pseudonym="p-3f2a9c", field_of_action="jugend",
                target_groups=["junge Erwachsene"], district="Nordstadt", team="asd-nord",
                legal_basis="SGB VIII §27", age_band="18-26", actor=CASEWORKER,
                occurred_on=OPENED_ON, reentry=reentry)
    case.collect_events()
    return case


def with_goal(case: Case, goal_id: UUID = SCHOOL, *, weight: int | str = 1,
              baseline: int = -1) -> Case:
    case.set_goal(goal_id=goal_id, title="Regelmäßiger Schulbesuch", levels=FIVE_LEVELS,
                  weight=weight, baseline=baseline, actor=CASEWORKER, occurred_on=OPENED_ON)
    case.collect_events()
    return case


def with_service(case: Case, service_id: UUID = COUNSELLING) -> Case:
    case.assign_service(service_id=service_id, agreement_id=AGREEMENT, units_planned=40,
                        unit="hour", start_date=OPENED_ON, actor=CASEWORKER,
                        occurred_on=OPENED_ON)
    case.collect_events()
    return case


def reviewed(case: Case, goal_id: UUID, level: int) -> Case:
    case.review_goal(goal_id=goal_id, level=level, note="", actor=CASEWORKER, occurred_on=LATER)
    case.collect_events()
    return case


def closed(case: Case, reason: str = "planned_goals_achieved") -> Case:
    case.close(reason=reason, actor=CASEWORKER, occurred_on=LATER)
    case.collect_events()
    return case


def broken_rule(command: Callable[[], object]) -> str:
    """The `rule` of the domain error a command raises (the test fails if none)."""
    with pytest.raises(DomainError) as raised:
        command()
    return raised.value.rule


def a_whole_history() -> list[Case | Client]:
    """A case and a client whose pending events hold every kind of event, in order."""
    case = Case(client_pseudonym="p-3f2a9c", field_of_action="jugend", target_groups=["Familien"],
                district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27",
                age_band="14-17", actor=CASEWORKER, occurred_on=OPENED_ON, reentry=True)
    case.assess(summary="Schulabsentismus", actor=CASEWORKER, occurred_on=OPENED_ON)
    case.set_goal(goal_id=HOUSING, title="Wohnung halten", levels=FIVE_LEVELS, baseline=0,
                  actor=CASEWORKER, occurred_on=OPENED_ON)
    case.set_goal(goal_id=SCHOOL, title="Regelmäßiger Schulbesuch", levels=FIVE_LEVELS,
                  weight="1.5", baseline=-1, actor=CASEWORKER, occurred_on=OPENED_ON)
    for service_id, end_date in ((COUNSELLING, None), (GROUP_WORK, date(2026, 8, 31))):
        case.assign_service(service_id=service_id, agreement_id=AGREEMENT, units_planned=40,
                            unit="hour", start_date=OPENED_ON, actor=CASEWORKER,
                            occurred_on=OPENED_ON, end_date=end_date)
    case.record_delivery(service_id=COUNSELLING, period="2026-03", units=2, actor=CASEWORKER,
                         occurred_on=LATER, delivery_id=WRONG_DELIVERY)
    case.record_delivery(service_id=COUNSELLING, period="2026-Q1", units=Decimal("12.5"),
                         actor=CASEWORKER, occurred_on=LATER)
    case.reverse_delivery(service_id=COUNSELLING, delivery_id=WRONG_DELIVERY,
                          reason="beim falschen Fall erfasst", actor=CASEWORKER,
                          occurred_on=LATER)
    case.withdraw_goal(goal_id=HOUSING, reason="gehört zum Fall der Mutter", actor=CASEWORKER,
                       occurred_on=LATER)
    case.end_service(service_id=GROUP_WORK, reason="Gruppe aufgelöst", actor=CASEWORKER,
                     occurred_on=LATER)
    case.review_goal(goal_id=SCHOOL, level=1, note="fehlt kaum noch", actor=CASEWORKER,
                     occurred_on=LATER)
    case.close(reason="planned_goals_achieved", actor=CASEWORKER, occurred_on=LATER)
    case.reopen(reason="Rückfall", actor=CASEWORKER, occurred_on=LATER)
    case.hand_over(to_team="asd-sued", reason="Umzug in den Süden", actor=CASEWORKER,
                   occurred_on=LATER)
    client = Client.register(pseudonym="p-3f2a9c", gender_category="female", team="asd-nord",
                             actor=CASEWORKER, occurred_on=OPENED_ON)
    client.update_personal_data(actor=CASEWORKER, occurred_on=LATER)
    client.erase_personal_data(actor="dsb-1", occurred_on=LATER)
    return [case, client]
