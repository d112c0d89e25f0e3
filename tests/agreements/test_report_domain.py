"""Submitting, reviewing and correcting a provider report (Leistungs- und Sachbericht)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.agreements.domain import (
    GoalOutcome,
    ProviderReport,
    ReportStatus,
    ServiceAgreement,
)
from tests.agreements.builders import (
    PROVIDER_ID,
    a_draft,
    a_signed_agreement,
    broken_rule,
    some_figures,
)

SUBMITTED_ON = date(2026, 4, 20)  # Q1 is due on 30 April


def a_submission(agreement: ServiceAgreement | None = None, **changes: Any) -> dict[str, Any]:
    submission: dict[str, Any] = {"agreement": agreement or a_signed_agreement(),
                                  "period": "2026-Q1", "figures": some_figures(),
                                  "actor": "provider-7", "occurred_on": SUBMITTED_ON}
    return {**submission, **changes}


def a_report(**changes: Any) -> ProviderReport:
    report = ProviderReport.submit(**a_submission(**changes))
    report.collect_events()
    return report


def a_reviewed_report(verdict: str) -> ProviderReport:
    report = a_report()
    if verdict == "accepted":
        report.accept(actor="cm-2", occurred_on=date(2026, 5, 4))
    else:
        report.reject(reason="Ausgaben ohne Belege", actor="cm-2", occurred_on=date(2026, 5, 4))
    report.collect_events()
    return report


# Submitting


def test_submitting_records_the_period_its_due_date_and_the_figures() -> None:
    agreement = a_signed_agreement()

    report = ProviderReport.submit(**a_submission(agreement))

    [submitted] = report.collect_events()
    assert isinstance(submitted, ProviderReport.Submitted)
    assert (submitted.agreement_id, submitted.provider_id) == (agreement.id, PROVIDER_ID)
    assert (submitted.period, submitted.period_start, submitted.period_end) == (
        "2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert submitted.due_on == date(2026, 4, 30)
    assert submitted.figures["units_delivered"] == "412.5"
    assert submitted.figures["outcomes"][0] == {
        "indicator_id": "planned_closure_rate", "achieved": 14, "measured": 20}
    assert (submitted.actor, submitted.occurred_on) == ("provider-7", SUBMITTED_ON)
    assert report.status is ReportStatus.SUBMITTED
    assert report.revision == 1
    assert report.figures == some_figures()


def test_one_agreement_and_period_make_one_report() -> None:
    agreement = a_signed_agreement()

    first = ProviderReport.submit(**a_submission(agreement))
    again = ProviderReport.submit(**a_submission(agreement, occurred_on=date(2026, 4, 21)))
    other = ProviderReport.submit(**a_submission(agreement, period="2026-Q2",
                                                 occurred_on=date(2026, 7, 6)))

    assert first.id == again.id != other.id


@pytest.mark.parametrize(("submitted_on", "late"), [
    (date(2026, 4, 30), False),
    (date(2026, 5, 1), True),
])
def test_a_report_submitted_after_its_due_date_is_late(submitted_on: date, late: bool) -> None:
    report = ProviderReport.submit(**a_submission(occurred_on=submitted_on))

    assert report.late is late


def test_a_report_on_a_draft_agreement_is_rejected() -> None:
    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(a_draft())))

    assert rule == "report_requires_signed_agreement"


def test_a_report_on_a_period_outside_the_term_is_rejected() -> None:
    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(
        period="2025-Q4", occurred_on=date(2026, 1, 10))))

    assert rule == "period_inside_term"


def test_a_report_on_a_period_after_termination_is_rejected() -> None:
    agreement = a_signed_agreement()
    agreement.terminate(termination_date=date(2026, 7, 1), reason="Träger gibt auf",
                        actor="cm-2", occurred_on=date(2026, 5, 4))

    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(
        agreement, period="2026-Q3", occurred_on=date(2026, 10, 5))))

    assert rule == "period_inside_term"


def test_a_term_starting_within_a_period_still_reports_that_period() -> None:
    agreement = a_signed_agreement(term_start=date(2026, 2, 15))

    report = ProviderReport.submit(**a_submission(agreement))

    assert report.period_start == date(2026, 1, 1)


def test_a_report_before_its_period_has_ended_is_rejected() -> None:
    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(
        occurred_on=date(2026, 3, 31))))

    assert rule == "report_after_period_end"


@pytest.mark.parametrize("figures", [
    some_figures(participants=-1),
    some_figures(units_delivered=Decimal("-0.5")),
    some_figures(expenditure_cents=-100),
    some_figures(outcomes=(GoalOutcome("planned_closure_rate", achieved=-1, measured=5),)),
], ids=["participants", "units", "expenditure", "outcome"])
def test_negative_figures_are_rejected(figures: Any) -> None:
    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(figures=figures)))

    assert rule == "amounts_must_not_be_negative"


def test_more_cases_achieving_a_goal_than_measured_are_rejected() -> None:
    figures = some_figures(outcomes=(GoalOutcome("planned_closure_rate", achieved=21,
                                                 measured=20),))

    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(figures=figures)))

    assert rule == "achieved_not_above_measured"


def test_more_cases_measured_than_participants_are_rejected() -> None:
    figures = some_figures(participants=19)

    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(figures=figures)))

    assert rule == "measured_not_above_participants"


def test_an_outcome_for_a_goal_the_agreement_does_not_have_is_rejected() -> None:
    figures = some_figures(outcomes=(GoalOutcome("re_entry_rate", achieved=1, measured=2),))

    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(figures=figures)))

    assert rule == "outcome_for_agreed_impact_goal"


def test_two_outcomes_for_one_goal_are_rejected() -> None:
    outcome = GoalOutcome("planned_closure_rate", achieved=1, measured=2)

    rule = broken_rule(lambda: ProviderReport.submit(**a_submission(
        figures=some_figures(outcomes=(outcome, outcome)))))

    assert rule == "one_outcome_per_impact_goal"


# Reviewing


def test_accepting_a_submitted_report_records_the_revision_accepted() -> None:
    report = a_report()

    report.accept(actor="cm-2", occurred_on=date(2026, 5, 4))

    [accepted] = report.collect_events()
    assert isinstance(accepted, ProviderReport.Accepted)
    assert (accepted.revision, accepted.actor) == (1, "cm-2")
    assert report.status is ReportStatus.ACCEPTED


def test_rejecting_a_submitted_report_records_the_reason() -> None:
    report = a_report()

    report.reject(reason="Ausgaben ohne Belege", actor="cm-2", occurred_on=date(2026, 5, 4))

    [rejected] = report.collect_events()
    assert isinstance(rejected, ProviderReport.Rejected)
    assert (rejected.revision, rejected.reason) == (1, "Ausgaben ohne Belege")
    assert report.status is ReportStatus.REJECTED


def test_rejecting_without_a_reason_is_rejected() -> None:
    report = a_report()

    rule = broken_rule(lambda: report.reject(reason="", actor="cm-2",
                                             occurred_on=date(2026, 5, 4)))

    assert rule == "reason_required"
    assert not report.collect_events()


@pytest.mark.parametrize("verdict", ["accepted", "rejected"])
@pytest.mark.parametrize("review", ["accept", "reject"])
def test_reviewing_a_report_that_is_not_submitted_is_rejected(verdict: str, review: str) -> None:
    report = a_reviewed_report(verdict)
    reviews = {
        "accept": lambda: report.accept(actor="cm-2", occurred_on=date(2026, 5, 5)),
        "reject": lambda: report.reject(reason="nochmal", actor="cm-2",
                                        occurred_on=date(2026, 5, 5)),
    }

    rule = broken_rule(reviews[review])

    assert rule == "review_requires_submitted_report"
    assert not report.collect_events()


# Correcting


@pytest.mark.parametrize("verdict", ["accepted", "rejected"])
def test_resubmitting_supersedes_the_earlier_revision(verdict: str) -> None:
    report = a_reviewed_report(verdict)
    corrected = some_figures(expenditure_cents=2_500_000)

    report.resubmit(figures=corrected, actor="provider-7", occurred_on=date(2026, 5, 11))

    [resubmitted] = report.collect_events()
    assert isinstance(resubmitted, ProviderReport.Resubmitted)
    assert resubmitted.revision == 2
    assert resubmitted.figures["expenditure_cents"] == 2_500_000
    assert report.status is ReportStatus.RESUBMITTED
    assert report.figures == corrected
    assert [revision.figures for revision in report.superseded] == [some_figures()]
    assert not report.late


def test_a_resubmitted_report_is_reviewed_again() -> None:
    report = a_reviewed_report("rejected")
    report.resubmit(figures=some_figures(expenditure_cents=2_500_000), actor="provider-7",
                    occurred_on=date(2026, 5, 11))
    report.collect_events()

    report.accept(actor="cm-2", occurred_on=date(2026, 5, 18))

    [accepted] = report.collect_events()
    assert isinstance(accepted, ProviderReport.Accepted)
    assert accepted.revision == 2


def test_resubmitting_a_report_under_review_is_rejected() -> None:
    report = a_report()

    rule = broken_rule(lambda: report.resubmit(figures=some_figures(participants=31),
                                               actor="provider-7",
                                               occurred_on=date(2026, 4, 22)))

    assert rule == "resubmit_requires_reviewed_report"
    assert not report.collect_events()


def test_a_resubmission_is_checked_like_a_submission() -> None:
    report = a_reviewed_report("rejected")

    rule = broken_rule(lambda: report.resubmit(figures=some_figures(participants=10),
                                               actor="provider-7",
                                               occurred_on=date(2026, 5, 11)))

    assert rule == "measured_not_above_participants"
    assert not report.collect_events()


def test_a_resubmission_with_the_same_figures_is_rejected() -> None:
    report = a_reviewed_report("rejected")

    rule = broken_rule(lambda: report.resubmit(figures=some_figures(), actor="provider-7",
                                               occurred_on=date(2026, 5, 11)))

    assert rule == "change_must_not_be_empty"
    assert not report.collect_events()


# Replay


def test_replaying_the_events_rebuilds_the_same_report() -> None:
    report = ProviderReport.submit(**a_submission(occurred_on=date(2026, 5, 2)))
    report.reject(reason="Ausgaben ohne Belege", actor="cm-2", occurred_on=date(2026, 5, 4))
    report.resubmit(figures=some_figures(expenditure_cents=2_500_000), actor="provider-7",
                    occurred_on=date(2026, 5, 11))
    report.accept(actor="cm-2", occurred_on=date(2026, 5, 18))

    replayed = None
    for domain_event in report.collect_events():
        replayed = domain_event.mutate(replayed)

    assert isinstance(replayed, ProviderReport)
    assert replayed.revisions == report.revisions
    assert (replayed.status, replayed.revision, replayed.late) == (
        ReportStatus.ACCEPTED, 2, True)
