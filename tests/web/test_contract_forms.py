"""What the contract manager types into the agreement forms, as the agreements API reads it."""

from __future__ import annotations

import pytest

from services.web.clients import NotThere
from services.web.pages.agreements import shown_goal_rows
from services.web.pages.contract_forms import (
    an_id,
    cents_of,
    euros,
    goals_of,
    terms_as_form,
    terms_of,
)


@pytest.mark.parametrize(("typed", "language", "cents"), [
    ("240.000,00", "de", 24_000_000), ("240000", "de", 24_000_000),
    ("240.000", "de", 24_000_000), ("62,5", "de", 6250), ("62.50", "de", 6250),
    ("1.234.567,89 €", "de", 123_456_789), ("240,000.00", "en", 24_000_000),
    ("", "de", None), ("  ", "de", None),
])
def test_euros_as_typed_become_cents(typed: str, language: str, cents: int | None) -> None:
    assert cents_of(typed, language) == cents


@pytest.mark.parametrize("typed", ["62 Euro", "12,345", "1,2,3", "Infinity", "NaN"])
def test_what_is_no_amount_goes_to_the_service_as_typed(typed: str) -> None:
    assert cents_of(typed, "de") == typed


def test_cents_are_shown_with_the_languages_separators() -> None:
    assert (euros(24_000_000, "de"), euros(6250, "en"), euros(None, "de")) == (
        "240.000,00", "62.50", "")


def test_the_filled_goal_rows_are_sent_and_named_by_their_row() -> None:
    form = {"goal_0_indicator_id": "", "goal_0_comparison": ">=", "goal_0_target_value": "",
            "goal_0_text": "",
            "goal_1_indicator_id": "planned_closure_rate", "goal_1_comparison": ">=",
            "goal_1_target_value": "0,7", "goal_1_text": "70 % enden planmäßig"}

    goals, aliases = goals_of(form)

    assert goals == [{"text": "70 % enden planmäßig", "indicator_id": "planned_closure_rate",
                      "comparison": ">=", "target_value": "0.7"}]
    assert aliases["impact_goals.0.target_value"] == "goal_1_target_value"
    assert shown_goal_rows(form) == 3


def test_an_agreements_terms_come_back_into_the_form_as_they_were_typed() -> None:
    form = {"title": "Familienhilfe", "budget_product_code": "3.6.3.02",
            "field_of_action": "jugend", "target_groups": "Familien, Alleinerziehende",
            "districts": "Hafen", "term_start": "01.01.2027", "term_end": "31.12.2027",
            "annual_budget": "240.000,00", "pricing_unit": "hour", "unit_price": "62,50",
            "capacity": "12", "reporting_frequency": "quarterly", "due_days": "30",
            "goal_0_indicator_id": "planned_closure_rate", "goal_0_comparison": ">=",
            "goal_0_target_value": "0,7", "goal_0_text": "70 % enden planmäßig"}

    terms, _ = terms_of(form, "de")

    assert (terms["term_start"], terms["annual_budget_cents"], terms["unit_price_cents"],
            terms["target_groups"]) == ("2027-01-01", 24_000_000, 6250,
                                        ["Familien", "Alleinerziehende"])
    assert terms_as_form(terms, "de") == form


def test_an_id_that_is_no_id_is_no_page() -> None:
    with pytest.raises(NotThere):
        an_id("keine-id")
    assert an_id("7F1C2E0A-3B4D-4C5E-8F60-718293A4B5C6") == "7f1c2e0a-3b4d-4c5e-8f60-718293a4b5c6"
