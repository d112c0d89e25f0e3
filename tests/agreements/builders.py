"""Agreements, terms and report figures for domain tests, with sensible defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from services.agreements.domain import (
    AgreementError,
    AgreementTerms,
    GoalOutcome,
    ImpactGoal,
    ReportFigures,
    ReportingObligation,
    ServiceAgreement,
)
from shared.vocabulary import Comparison, FieldOfAction, PricingUnit

PROVIDER_ID = UUID("0a1b2c3d-0000-4000-8000-000000000001")
TERM_START = date(2026, 1, 1)
TERM_END = date(2026, 12, 31)
DRAFTED_ON = date(2025, 11, 3)
SIGNED_ON = date(2025, 12, 1)
AMENDED_ON = date(2026, 3, 2)

PLANNED_CLOSURES = ImpactGoal(text="Zwei Drittel der Hilfen enden planmäßig",
                              indicator_id="planned_closure_rate",
                              comparison=Comparison.AT_LEAST, target_value=Decimal("0.66"))
GOALS_REACHED = ImpactGoal(text="Die Hälfte der Hilfeplanziele wird erreicht",
                           indicator_id="goal_attainment_rate",
                           comparison=Comparison.AT_LEAST, target_value=Decimal("0.5"))


def some_terms(**changes: Any) -> AgreementTerms:
    terms = AgreementTerms(
        title="Ambulante Hilfen zur Erziehung Nordstadt", budget_product_code="3.6.3.01",
        field_of_action=FieldOfAction.JUGEND, target_groups=("Familien mit Kindern",),
        districts=("Nordstadt",), term_start=TERM_START, term_end=TERM_END,
        annual_budget_cents=24_000_000, pricing_unit=PricingUnit.HOUR, unit_price_cents=6_500,
        capacity=12, impact_goals=(PLANNED_CLOSURES, GOALS_REACHED),
        reporting_obligation=ReportingObligation(due_days=30),
    )
    return replace(terms, **changes)


def a_draft(**changes: Any) -> ServiceAgreement:
    """A draft whose own events are already collected, ready for the 'when'."""
    draft = ServiceAgreement.draft(provider_id=PROVIDER_ID, provider_active=True,
                                   terms=some_terms(**changes), actor="cm-1",
                                   occurred_on=DRAFTED_ON)
    draft.collect_events()
    return draft


def a_signed_agreement(**changes: Any) -> ServiceAgreement:
    agreement = a_draft(**changes)
    agreement.sign(actor="cm-2", occurred_on=SIGNED_ON)
    agreement.collect_events()
    return agreement


def an_amendment(**changes: Any) -> dict[str, Any]:
    amendment: dict[str, Any] = {"effective_date": date(2026, 4, 1),
                                 "reason": "Bedarf im Sozialraum gestiegen", "actor": "cm-2",
                                 "occurred_on": AMENDED_ON}
    return {**amendment, **changes}


def a_suspended_agreement() -> ServiceAgreement:
    agreement = a_signed_agreement()
    agreement.suspend(reason="Fachkraft fehlt", actor="cm-2", occurred_on=date(2026, 5, 4))
    agreement.collect_events()
    return agreement


def a_terminated_agreement() -> ServiceAgreement:
    agreement = a_signed_agreement()
    agreement.terminate(termination_date=date(2026, 10, 1), reason="Träger gibt auf",
                        actor="cm-2", occurred_on=date(2026, 8, 3))
    agreement.collect_events()
    return agreement


def some_figures(**changes: Any) -> ReportFigures:
    figures = ReportFigures(
        participants=30, units_delivered=Decimal("412.5"), expenditure_cents=2_681_250,
        outcomes=(GoalOutcome("planned_closure_rate", achieved=14, measured=20),
                  GoalOutcome("goal_attainment_rate", achieved=11, measured=25)),
        narrative="Zwei neue Gruppenangebote im Familienzentrum.",
    )
    return replace(figures, **changes)


def broken_rule(command: Callable[[], object]) -> str:
    """Run a command that must be refused; the name of the rule it broke."""
    with pytest.raises(AgreementError) as refusal:
        command()
    return refusal.value.rule
