"""The report form's figures: German amounts in cents, empty fields left out, what changed."""

from __future__ import annotations

from decimal import Decimal

from services.web.pages.reports.figures import body_of, cents_of, changes, typed_of

GOALS = [{"text": "70 % enden planmäßig", "indicator_id": "planned_closure_rate"}]


def test_euros_typed_in_german_or_plainly_become_cents() -> None:
    assert cents_of("1.234,56") == 123456
    assert cents_of("1234,5") == 123450
    assert cents_of("80") == 8000
    assert cents_of("1234.56") == 123456


def test_an_amount_that_is_no_euro_amount_is_passed_on_as_typed() -> None:
    assert cents_of("1.234,567") == "1.234,567"
    assert cents_of("viel") == "viel"


def test_an_empty_field_is_left_out_so_that_the_service_names_it_missing() -> None:
    body = body_of({"participants": "12", "units_delivered": "", "expenditure": "",
                    "outcomes_0_measured": "5", "outcomes_0_achieved": " ",
                    "narrative": "  Gut.  "}, GOALS)

    assert body == {"participants": "12", "narrative": "Gut.",
                    "outcomes": [{"indicator_id": "planned_closure_rate", "measured": "5"}]}


def test_a_revision_fills_the_correction_form_in_the_persons_language() -> None:
    figures = {"participants": 12, "units_delivered": "12.50", "expenditure_cents": 123456,
               "outcomes": [{"indicator_id": "planned_closure_rate", "achieved": 3,
                             "measured": 5}], "narrative": "Gut."}

    german = typed_of(figures, GOALS, "de")
    english = typed_of(figures, GOALS, "en")

    assert german["units_delivered"] == "12,5"
    assert german["expenditure"] == "1234,56"
    assert english["expenditure"] == "1234.56"
    assert german["outcomes_0_achieved"] == "3"


def test_a_correction_shows_each_figure_before_and_after() -> None:
    before = {"participants": 12, "units_delivered": "12.5", "expenditure_cents": 123456,
              "outcomes": [{"indicator_id": "planned_closure_rate", "achieved": 3,
                            "measured": 5}], "narrative": "Gut."}
    after = {**before, "participants": 14, "expenditure_cents": 125000}

    rows = {(row.goal, row.label): row for row in changes(before, after, GOALS)}

    assert rows[("", "Teilnehmende")].changed
    assert rows[("", "Ausgaben")].after == Decimal("1250")
    assert not rows[("70 % enden planmäßig", "erreicht")].changed
    assert not rows[("", "Sachbericht")].changed
