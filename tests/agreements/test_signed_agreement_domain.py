"""What happens to a signed agreement: amended, suspended, resumed, terminated."""

from __future__ import annotations

from datetime import date

import pytest

from services.agreements.domain import AgreementStatus, ServiceAgreement
from tests.agreements.builders import (
    AMENDED_ON,
    GOALS_REACHED,
    a_draft,
    a_signed_agreement,
    a_suspended_agreement,
    a_terminated_agreement,
    an_amendment,
    broken_rule,
)

# Amending


def test_an_amendment_carries_only_the_changed_terms_its_effective_date_and_reason() -> None:
    agreement = a_signed_agreement()

    agreement.amend(**an_amendment(annual_budget_cents=26_000_000, capacity=12,
                                   term_end=date(2027, 6, 30)))

    [amended] = agreement.collect_events()
    assert isinstance(amended, ServiceAgreement.Amended)
    assert amended.changes == {"annual_budget_cents": 26_000_000, "term_end": date(2027, 6, 30)}
    assert amended.effective_date == date(2026, 4, 1)
    assert amended.reason == "Bedarf im Sozialraum gestiegen"
    assert (amended.actor, amended.occurred_on) == ("cm-2", AMENDED_ON)
    assert agreement.terms.annual_budget_cents == 26_000_000
    assert agreement.is_active_on(date(2027, 3, 1))


def test_amending_the_impact_goals_replaces_them() -> None:
    agreement = a_signed_agreement()

    agreement.amend(**an_amendment(impact_goals=[GOALS_REACHED]))

    [amended] = agreement.collect_events()
    assert isinstance(amended, ServiceAgreement.Amended)
    assert [goal["indicator_id"] for goal in amended.changes["impact_goals"]] == [
        "goal_attainment_rate"]
    assert agreement.terms.impact_goals == (GOALS_REACHED,)


def test_a_suspended_agreement_can_be_amended() -> None:
    agreement = a_suspended_agreement()

    agreement.amend(**an_amendment(unit_price_cents=6_800, occurred_on=date(2026, 5, 11)))

    [amended] = agreement.collect_events()
    assert isinstance(amended, ServiceAgreement.Amended)
    assert amended.changes == {"unit_price_cents": 6_800}


def test_amending_a_draft_is_rejected() -> None:
    draft = a_draft()

    rule = broken_rule(lambda: draft.amend(**an_amendment(capacity=14)))

    assert rule == "amend_requires_signed_agreement"
    assert not draft.collect_events()


def test_amending_an_expired_agreement_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(
        term_end=date(2027, 12, 31), occurred_on=date(2027, 1, 4))))

    assert rule == "amend_requires_unexpired_agreement"
    assert not agreement.collect_events()


@pytest.mark.parametrize("reason", ["", "   "])
def test_amending_without_a_reason_is_rejected(reason: str) -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(capacity=14, reason=reason)))

    assert rule == "reason_required"
    assert not agreement.collect_events()


@pytest.mark.parametrize("effective_date", [date(2025, 12, 31), date(2027, 1, 1)])
def test_an_amendment_effective_outside_the_term_is_rejected(effective_date: date) -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(
        capacity=14, effective_date=effective_date)))

    assert rule == "effective_date_inside_term"
    assert not agreement.collect_events()


def test_an_amendment_ending_the_term_before_it_takes_effect_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(term_end=date(2026, 3, 31))))

    assert rule == "term_end_not_before_effective_date"
    assert not agreement.collect_events()


def test_an_amendment_removing_every_impact_goal_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(impact_goals=[])))

    assert rule == "impact_goal_required"
    assert not agreement.collect_events()


def test_an_amendment_with_a_negative_capacity_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(capacity=-1)))

    assert rule == "amounts_must_not_be_negative"
    assert not agreement.collect_events()


def test_an_amendment_that_changes_nothing_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.amend(**an_amendment(capacity=12)))

    assert rule == "change_must_not_be_empty"
    assert not agreement.collect_events()


# Suspending and resuming


def test_suspending_and_resuming_show_in_the_status_of_each_day() -> None:
    agreement = a_signed_agreement()

    agreement.suspend(reason="Fachkraft fehlt", actor="cm-2", occurred_on=date(2026, 5, 4))
    agreement.resume(actor="cm-2", occurred_on=date(2026, 6, 1))

    suspended, resumed = agreement.collect_events()
    assert isinstance(suspended, ServiceAgreement.Suspended)
    assert suspended.reason == "Fachkraft fehlt"
    assert isinstance(resumed, ServiceAgreement.Resumed)
    assert agreement.status_on(date(2026, 5, 3)) is AgreementStatus.ACTIVE
    assert agreement.status_on(date(2026, 5, 4)) is AgreementStatus.SUSPENDED
    assert agreement.status_on(date(2026, 5, 31)) is AgreementStatus.SUSPENDED
    assert agreement.status_on(date(2026, 6, 1)) is AgreementStatus.ACTIVE


@pytest.mark.parametrize(("agreement", "day"), [
    (a_draft(), date(2026, 5, 4)),
    (a_signed_agreement(), date(2025, 12, 15)),
    (a_signed_agreement(), date(2027, 1, 4)),
    (a_suspended_agreement(), date(2026, 6, 1)),
], ids=["draft", "before its term", "expired", "already suspended"])
def test_suspending_an_agreement_that_is_not_active_is_rejected(
        agreement: ServiceAgreement, day: date) -> None:
    rule = broken_rule(lambda: agreement.suspend(reason="Fachkraft fehlt", actor="cm-2",
                                                 occurred_on=day))

    assert rule == "suspend_requires_active_agreement"
    assert not agreement.collect_events()


def test_suspending_without_a_reason_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.suspend(reason="", actor="cm-2",
                                                 occurred_on=date(2026, 5, 4)))

    assert rule == "reason_required"
    assert not agreement.collect_events()


@pytest.mark.parametrize(("agreement", "day"), [
    (a_signed_agreement(), date(2026, 6, 1)),
    (a_suspended_agreement(), date(2026, 5, 1)),
], ids=["not suspended", "before the suspension began"])
def test_resuming_an_agreement_that_is_not_suspended_is_rejected(
        agreement: ServiceAgreement, day: date) -> None:
    rule = broken_rule(lambda: agreement.resume(actor="cm-2", occurred_on=day))

    assert rule == "resume_requires_suspended_agreement"
    assert not agreement.collect_events()


# Terminating


def test_a_terminated_agreement_no_longer_runs_from_its_termination_date() -> None:
    agreement = a_signed_agreement()

    agreement.terminate(termination_date=date(2026, 10, 1), reason="Träger gibt auf",
                        actor="cm-2", occurred_on=date(2026, 8, 3))

    [terminated] = agreement.collect_events()
    assert isinstance(terminated, ServiceAgreement.Terminated)
    assert (terminated.termination_date, terminated.reason) == (
        date(2026, 10, 1), "Träger gibt auf")
    assert agreement.status_on(date(2026, 9, 30)) is AgreementStatus.ACTIVE
    assert agreement.status_on(date(2026, 10, 1)) is AgreementStatus.TERMINATED
    assert agreement.runs_until == date(2026, 9, 30)


def test_terminating_a_draft_is_rejected() -> None:
    draft = a_draft()

    rule = broken_rule(lambda: draft.terminate(termination_date=date(2026, 10, 1),
                                               reason="Träger gibt auf", actor="cm-2",
                                               occurred_on=date(2026, 8, 3)))

    assert rule == "terminate_requires_signed_agreement"
    assert not draft.collect_events()


def test_terminating_without_a_reason_is_rejected() -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.terminate(termination_date=date(2026, 10, 1),
                                                   reason=" ", actor="cm-2",
                                                   occurred_on=date(2026, 8, 3)))

    assert rule == "reason_required"
    assert not agreement.collect_events()


@pytest.mark.parametrize("termination_date", [date(2025, 12, 31), date(2027, 1, 1)])
def test_a_termination_date_outside_the_term_is_rejected(termination_date: date) -> None:
    agreement = a_signed_agreement()

    rule = broken_rule(lambda: agreement.terminate(termination_date=termination_date,
                                                   reason="Träger gibt auf", actor="cm-2",
                                                   occurred_on=date(2026, 8, 3)))

    assert rule == "termination_date_inside_term"
    assert not agreement.collect_events()


@pytest.mark.parametrize("command", ["amend", "suspend", "resume", "terminate"])
def test_a_terminated_agreement_is_final(command: str) -> None:
    agreement = a_terminated_agreement()
    day = date(2026, 8, 10)
    commands = {
        "amend": lambda: agreement.amend(**an_amendment(capacity=14, occurred_on=day)),
        "suspend": lambda: agreement.suspend(reason="Pause", actor="cm-2", occurred_on=day),
        "resume": lambda: agreement.resume(actor="cm-2", occurred_on=day),
        "terminate": lambda: agreement.terminate(termination_date=date(2026, 9, 1),
                                                 reason="früher", actor="cm-2", occurred_on=day),
    }

    rule = broken_rule(commands[command])

    assert rule == "terminated_agreement_is_final"
    assert not agreement.collect_events()
