"""Drafting, editing and signing a service agreement, and its status on any day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.agreements.domain import AgreementStatus, ImpactGoal, ServiceAgreement
from shared.vocabulary import Comparison
from tests.agreements.builders import (
    DRAFTED_ON,
    PLANNED_CLOSURES,
    PROVIDER_ID,
    SIGNED_ON,
    TERM_END,
    TERM_START,
    a_draft,
    a_signed_agreement,
    an_amendment,
    broken_rule,
    some_terms,
)

# Drafting and editing


def test_drafting_records_the_terms_who_drafted_them_and_when() -> None:
    agreement = ServiceAgreement.draft(provider_id=PROVIDER_ID, provider_active=True,
                                       terms=some_terms(), actor="cm-1", occurred_on=DRAFTED_ON)

    [drafted] = agreement.collect_events()

    assert isinstance(drafted, ServiceAgreement.Drafted)
    assert (drafted.provider_id, drafted.actor, drafted.occurred_on) == (
        PROVIDER_ID, "cm-1", DRAFTED_ON)
    assert drafted.terms["annual_budget_cents"] == 24_000_000
    assert drafted.terms["impact_goals"][0] == {
        "text": "Zwei Drittel der Hilfen enden planmäßig", "indicator_id": "planned_closure_rate",
        "comparison": ">=", "target_value": "0.66"}
    assert drafted.terms["reporting_obligation"] == {"frequency": "quarterly", "due_days": 30}
    assert agreement.terms == some_terms()
    assert agreement.status_on(DRAFTED_ON) is AgreementStatus.DRAFT


def test_drafting_for_a_deactivated_provider_is_rejected() -> None:
    rule = broken_rule(lambda: ServiceAgreement.draft(
        provider_id=PROVIDER_ID, provider_active=False, terms=some_terms(), actor="cm-1",
        occurred_on=DRAFTED_ON))

    assert rule == "new_agreement_requires_active_provider"


def test_a_term_that_does_not_end_after_it_starts_is_rejected() -> None:
    rule = broken_rule(lambda: ServiceAgreement.draft(
        provider_id=PROVIDER_ID, provider_active=True,
        terms=some_terms(term_end=TERM_START), actor="cm-1", occurred_on=DRAFTED_ON))

    assert rule == "term_must_end_after_start"


@pytest.mark.parametrize("term", ["annual_budget_cents", "unit_price_cents", "capacity"])
def test_a_negative_amount_in_the_terms_is_rejected(term: str) -> None:
    rule = broken_rule(lambda: ServiceAgreement.draft(
        provider_id=PROVIDER_ID, provider_active=True, terms=some_terms(**{term: -1}),
        actor="cm-1", occurred_on=DRAFTED_ON))

    assert rule == "amounts_must_not_be_negative"


def test_two_impact_goals_on_the_same_indicator_are_rejected() -> None:
    twin = ImpactGoal(text="Auch planmäßig", indicator_id="planned_closure_rate",
                      comparison=Comparison.AT_MOST, target_value=Decimal("0.9"))

    rule = broken_rule(lambda: ServiceAgreement.draft(
        provider_id=PROVIDER_ID, provider_active=True,
        terms=some_terms(impact_goals=(PLANNED_CLOSURES, twin)), actor="cm-1",
        occurred_on=DRAFTED_ON))

    assert rule == "impact_goal_indicators_must_be_distinct"


def test_editing_a_draft_records_only_the_changed_terms() -> None:
    draft = a_draft()

    draft.edit(terms=some_terms(capacity=14, districts=("Nordstadt", "Hafen")), actor="cm-1",
               occurred_on=date(2025, 11, 10))

    [edited] = draft.collect_events()
    assert isinstance(edited, ServiceAgreement.Edited)
    assert edited.changes == {"capacity": 14, "districts": ["Nordstadt", "Hafen"]}
    assert draft.terms.capacity == 14


def test_an_edit_that_changes_nothing_is_rejected() -> None:
    draft = a_draft()

    rule = broken_rule(lambda: draft.edit(terms=some_terms(), actor="cm-1",
                                          occurred_on=date(2025, 11, 10)))

    assert rule == "change_must_not_be_empty"
    assert not draft.collect_events()


def test_an_edit_is_checked_like_a_draft() -> None:
    draft = a_draft()

    rule = broken_rule(lambda: draft.edit(terms=some_terms(capacity=-3), actor="cm-1",
                                          occurred_on=date(2025, 11, 10)))

    assert rule == "amounts_must_not_be_negative"
    assert not draft.collect_events()


def test_editing_a_signed_agreement_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.edit(terms=some_terms(capacity=14), actor="cm-1",
                                              occurred_on=date(2026, 1, 10)))

    assert rule == "edit_requires_draft"
    assert not agreement.collect_events()


# Signing


def test_signing_records_who_signed_and_when() -> None:
    draft = a_draft()

    draft.sign(actor="cm-2", occurred_on=SIGNED_ON)

    [signed] = draft.collect_events()
    assert isinstance(signed, ServiceAgreement.Signed)
    assert (signed.actor, signed.occurred_on) == ("cm-2", SIGNED_ON)
    assert (draft.signed_by, draft.signed_on) == ("cm-2", SIGNED_ON)


def test_a_signed_agreement_is_active_only_within_its_term() -> None:
    agreement = a_signed_agreement()

    assert agreement.status_on(date(2025, 11, 30)) is AgreementStatus.DRAFT
    assert agreement.status_on(SIGNED_ON) is AgreementStatus.SIGNED
    assert agreement.status_on(TERM_START) is AgreementStatus.ACTIVE
    assert agreement.status_on(TERM_END) is AgreementStatus.ACTIVE
    assert agreement.status_on(date(2027, 1, 1)) is AgreementStatus.EXPIRED
    assert not agreement.is_active_on(date(2025, 12, 31))
    assert agreement.is_active_on(date(2026, 7, 1))


def test_an_agreement_signed_after_its_start_is_active_only_from_signing() -> None:
    agreement = a_draft()
    agreement.sign(actor="cm-2", occurred_on=date(2026, 1, 15))

    assert agreement.status_on(date(2026, 1, 14)) is AgreementStatus.DRAFT
    assert agreement.is_active_on(date(2026, 1, 15))


def test_signing_twice_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.sign(actor="cm-2", occurred_on=date(2025, 12, 2)))

    assert rule == "sign_requires_draft"
    assert not agreement.collect_events()


def test_signing_without_an_impact_goal_is_rejected() -> None:
    draft = a_draft(impact_goals=())

    rule = broken_rule(lambda: draft.sign(actor="cm-2", occurred_on=SIGNED_ON))

    assert rule == "impact_goal_required"
    assert not draft.collect_events()


# Replay


def test_replaying_the_events_rebuilds_the_same_agreement() -> None:
    agreement = ServiceAgreement.draft(provider_id=PROVIDER_ID, provider_active=True,
                                       terms=some_terms(), actor="cm-1", occurred_on=DRAFTED_ON)
    agreement.edit(terms=some_terms(capacity=10), actor="cm-1", occurred_on=date(2025, 11, 10))
    agreement.sign(actor="cm-2", occurred_on=SIGNED_ON)
    agreement.amend(**an_amendment(capacity=14))
    agreement.suspend(reason="Fachkraft fehlt", actor="cm-2", occurred_on=date(2026, 5, 4))
    agreement.resume(actor="cm-2", occurred_on=date(2026, 6, 1))
    agreement.terminate(termination_date=date(2026, 10, 1), reason="Träger gibt auf",
                        actor="cm-2", occurred_on=date(2026, 8, 3))

    replayed = None
    for domain_event in agreement.collect_events():
        replayed = domain_event.mutate(replayed)

    assert isinstance(replayed, ServiceAgreement)
    assert replayed.terms == agreement.terms == some_terms(capacity=14)
    assert replayed.signed_by == "cm-2"
    assert replayed.suspensions == agreement.suspensions
    assert replayed.termination_date == date(2026, 10, 1)
