"""Provider reports (Leistungs- und Sachberichte): submission, review, correction. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.agreements.domain.agreement import ServiceAgreement
from services.agreements.domain.errors import (
    AchievedExceedsMeasuredError,
    DuplicateOutcomeError,
    MeasuredExceedsParticipantsError,
    NegativeAmountError,
    NothingChangedError,
    PeriodNotEndedError,
    PeriodOutsideTermError,
    ReasonRequiredError,
    ReportForUnsignedAgreementError,
    ResubmissionOfUnreviewedReportError,
    ReviewOfUnsubmittedReportError,
    UnknownImpactGoalError,
)
from services.agreements.domain.values import ReportFigures, ReportStatus, reporting_period

_REPORT_IDS = UUID("3b0c6f0e-5d7a-4d55-9a0e-7265706f7274")
_REVIEWABLE = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)
_REVIEWED = (ReportStatus.ACCEPTED, ReportStatus.REJECTED)


@dataclass(frozen=True)
class ReportRevision:
    """One submitted version of a report's figures."""

    number: int
    figures: ReportFigures
    submitted_by: str
    submitted_on: date


class ProviderReport(Aggregate):
    """A provider's report (Leistungs- und Sachbericht) on one agreement and period."""

    class Submitted(Aggregate.Created):
        agreement_id: UUID
        provider_id: UUID
        period: str
        period_start: date
        period_end: date
        due_on: date
        impact_goal_indicators: list[str]  # the goals the report answers
        figures: dict[str, Any]
        actor: str
        occurred_on: date

    class Resubmitted(Aggregate.Event):
        revision: int
        figures: dict[str, Any]
        actor: str
        occurred_on: date

    class Accepted(Aggregate.Event):
        revision: int
        actor: str
        occurred_on: date

    class Rejected(Aggregate.Event):
        revision: int
        reason: str
        actor: str
        occurred_on: date

    @staticmethod
    def create_id(agreement_id: UUID, period: str) -> UUID:
        """One report per agreement and period, so its id follows from both."""
        return uuid5(_REPORT_IDS, f"{agreement_id}/{period}")

    @classmethod
    def submit(cls, *, agreement: ServiceAgreement, period: str, figures: ReportFigures,
               actor: str, occurred_on: date) -> ProviderReport:
        """The provider reports on a period of a signed agreement once the period is over."""
        if agreement.signed_on is None:
            raise ReportForUnsignedAgreementError
        reported = reporting_period(period, agreement.terms.reporting_obligation)
        if reported.end < agreement.terms.term_start or reported.start > agreement.runs_until:
            raise PeriodOutsideTermError
        if occurred_on <= reported.end:
            raise PeriodNotEndedError
        indicators = [goal.indicator_id for goal in agreement.terms.impact_goals]
        _check_figures(figures, indicators)
        return cls(agreement_id=agreement.id, provider_id=agreement.provider_id,
                   period=reported.label, period_start=reported.start,
                   period_end=reported.end, due_on=reported.due_on,
                   impact_goal_indicators=indicators, figures=figures.to_event(),
                   actor=actor, occurred_on=occurred_on)

    @event(Submitted)
    def __init__(self, *, agreement_id: UUID, provider_id: UUID, period: str,
                 period_start: date, period_end: date, due_on: date,
                 impact_goal_indicators: list[str], figures: dict[str, Any], actor: str,
                 occurred_on: date) -> None:
        self.agreement_id = agreement_id
        self.provider_id = provider_id
        self.period = period
        self.period_start = period_start
        self.period_end = period_end
        self.due_on = due_on
        self.impact_goal_indicators = list(impact_goal_indicators)
        # Timeliness is a matter of the first submission; a correction is not late.
        self.late = occurred_on > due_on
        self.revisions = [ReportRevision(1, ReportFigures.from_event(figures), actor, occurred_on)]
        self.status = ReportStatus.SUBMITTED
        self.rejection_reason = ""

    @property
    def revision(self) -> int:
        return self.revisions[-1].number

    @property
    def figures(self) -> ReportFigures:
        return self.revisions[-1].figures

    @property
    def superseded(self) -> list[ReportRevision]:
        """The earlier versions, kept as history."""
        return self.revisions[:-1]

    def resubmit(self, *, figures: ReportFigures, actor: str, occurred_on: date) -> None:
        """Correct a reviewed report with new figures; the earlier ones are superseded."""
        if self.status not in _REVIEWED:
            raise ResubmissionOfUnreviewedReportError
        _check_figures(figures, self.impact_goal_indicators)
        if figures == self.figures:
            raise NothingChangedError
        self._resubmitted(revision=self.revision + 1, figures=figures.to_event(), actor=actor,
                          occurred_on=occurred_on)

    @event(Resubmitted)
    def _resubmitted(self, *, revision: int, figures: dict[str, Any], actor: str,
                     occurred_on: date) -> None:
        self.revisions.append(
            ReportRevision(revision, ReportFigures.from_event(figures), actor, occurred_on))
        self.status = ReportStatus.RESUBMITTED
        self.rejection_reason = ""

    def accept(self, *, actor: str, occurred_on: date) -> None:
        """The contract manager accepts the current revision."""
        if self.status not in _REVIEWABLE:
            raise ReviewOfUnsubmittedReportError
        self._accepted(revision=self.revision, actor=actor, occurred_on=occurred_on)

    @event(Accepted)
    def _accepted(self, *, revision: int, actor: str, occurred_on: date) -> None:
        self.status = ReportStatus.ACCEPTED

    def reject(self, *, reason: str, actor: str, occurred_on: date) -> None:
        """The contract manager rejects the current revision, saying why."""
        if self.status not in _REVIEWABLE:
            raise ReviewOfUnsubmittedReportError
        if not reason.strip():
            raise ReasonRequiredError
        self._rejected(revision=self.revision, reason=reason, actor=actor,
                       occurred_on=occurred_on)

    @event(Rejected)
    def _rejected(self, *, revision: int, reason: str, actor: str, occurred_on: date) -> None:
        self.status = ReportStatus.REJECTED
        self.rejection_reason = reason


def _check_figures(figures: ReportFigures, indicators: Sequence[str]) -> None:
    counts = [figures.participants, figures.expenditure_cents]
    counts += [count for item in figures.outcomes for count in (item.achieved, item.measured)]
    if min(counts) < 0 or figures.units_delivered < 0:
        raise NegativeAmountError
    answered = [outcome.indicator_id for outcome in figures.outcomes]
    if any(indicator not in indicators for indicator in answered):
        raise UnknownImpactGoalError
    if len(set(answered)) != len(answered):
        raise DuplicateOutcomeError
    for outcome in figures.outcomes:
        if outcome.achieved > outcome.measured:
            raise AchievedExceedsMeasuredError
        if outcome.measured > figures.participants:
            raise MeasuredExceedsParticipantsError
