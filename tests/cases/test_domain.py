from __future__ import annotations

from datetime import date

from services.cases.domain import Case


def test_opening_a_case_records_the_caseworker_and_coarse_attributes_only() -> None:
    case = Case(client_pseudonym="p-1", field_of_action="jugend", target_groups=["Familien"],
                district="Nordstadt", team="asd-nord", legal_basis="SGB VIII §27",
                age_band="14-17", actor="cw-1", occurred_on=date(2026, 2, 1))

    [opened] = case.collect_events()

    assert isinstance(opened, Case.Opened)
    assert opened.actor == "cw-1"
    assert case.status == "open"
    assert case.opened_on == date(2026, 2, 1)
