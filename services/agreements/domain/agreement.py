"""Service agreements (Leistungsvereinbarungen): their lifecycle and rules. No I/O here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.agreements.domain.errors import (
    AgreementAlreadySignedError,
    AgreementExpiredError,
    AgreementNotDraftError,
    AgreementTerminatedError,
    AmendmentOfUnsignedAgreementError,
    EffectiveDateOutsideTermError,
    ImpactGoalRequiredError,
    NothingChangedError,
    ProviderInactiveError,
    ReasonRequiredError,
    ResumptionOfUnsuspendedAgreementError,
    SuspensionOfInactiveAgreementError,
    TermEndBeforeEffectiveDateError,
    TerminationDateOutsideTermError,
    TerminationOfUnsignedAgreementError,
)
from services.agreements.domain.values import AgreementStatus, AgreementTerms, ImpactGoal

T = TypeVar("T")


class ServiceAgreement(Aggregate):
    """A service agreement (Leistungsvereinbarung) funding a provider, with impact goals."""

    class Drafted(Aggregate.Created):
        provider_id: UUID
        terms: dict[str, Any]
        actor: str
        occurred_on: date

    class Edited(Aggregate.Event):
        changes: dict[str, Any]  # only the terms that changed, in their event form
        actor: str
        occurred_on: date

    class Signed(Aggregate.Event):
        actor: str  # who signed
        occurred_on: date  # the day of signing

    class Amended(Aggregate.Event):
        effective_date: date
        reason: str
        changes: dict[str, Any]  # only the terms that changed, in their event form
        actor: str
        occurred_on: date

    class Suspended(Aggregate.Event):
        reason: str
        actor: str
        occurred_on: date

    class Resumed(Aggregate.Event):
        actor: str
        occurred_on: date

    class Terminated(Aggregate.Event):
        termination_date: date
        reason: str
        actor: str
        occurred_on: date

    @classmethod
    def draft(cls, *, provider_id: UUID, provider_active: bool, terms: AgreementTerms,
              actor: str, occurred_on: date,
              agreement_id: UUID | None = None) -> ServiceAgreement:
        """Draft an agreement with a provider that is still active (under the id the
        application chose, if it chose one)."""
        if not provider_active:
            raise ProviderInactiveError
        terms.check()
        return cls._create(cls.Drafted, id=agreement_id, provider_id=provider_id,
                           terms=terms.to_event(), actor=actor, occurred_on=occurred_on)

    @event(Drafted)
    def __init__(self, *, provider_id: UUID, terms: dict[str, Any], actor: str,
                 occurred_on: date) -> None:
        self.provider_id = provider_id
        self.terms = AgreementTerms.from_event(terms)
        self.drafted_on = occurred_on
        self.signed_by: str | None = None
        self.signed_on: date | None = None
        # Each suspension from its first day until (not including) the day it was resumed.
        self.suspensions: list[tuple[date, date | None]] = []
        self.termination_date: date | None = None

    def edit(self, *, terms: AgreementTerms, actor: str, occurred_on: date) -> None:
        """Replace the draft's terms; a signed agreement is amended instead."""
        if self.signed_on is not None:
            raise AgreementNotDraftError
        terms.check()
        changes = self.terms.changes_to(terms)
        if not changes:
            raise NothingChangedError
        self._edited(changes=changes, actor=actor, occurred_on=occurred_on)

    @event(Edited)
    def _edited(self, *, changes: dict[str, Any], actor: str, occurred_on: date) -> None:
        self.terms = self.terms.with_changes(changes)

    def sign(self, *, actor: str, occurred_on: date) -> None:
        """Sign the draft: it is active from its term's start."""
        if self.signed_on is not None:
            raise AgreementAlreadySignedError
        if not self.terms.impact_goals:
            raise ImpactGoalRequiredError
        self._signed(actor=actor, occurred_on=occurred_on)

    @event(Signed)
    def _signed(self, *, actor: str, occurred_on: date) -> None:
        self.signed_by = actor
        self.signed_on = occurred_on

    def amend(self, *, effective_date: date, reason: str, annual_budget_cents: int | None = None,
              unit_price_cents: int | None = None, capacity: int | None = None,
              impact_goals: Sequence[ImpactGoal] | None = None, term_end: date | None = None,
              actor: str, occurred_on: date) -> None:
        """Change a signed agreement from an effective date on; pass only what changes."""
        self._check_not_terminated()
        status = self.status_on(occurred_on)
        if status is AgreementStatus.DRAFT:
            raise AmendmentOfUnsignedAgreementError
        if status is AgreementStatus.EXPIRED:
            raise AgreementExpiredError
        _check_reason(reason)
        if not self.terms.term_start <= effective_date <= self.terms.term_end:
            raise EffectiveDateOutsideTermError
        amended = replace(
            self.terms,
            annual_budget_cents=_given(annual_budget_cents, self.terms.annual_budget_cents),
            unit_price_cents=_given(unit_price_cents, self.terms.unit_price_cents),
            capacity=_given(capacity, self.terms.capacity),
            impact_goals=tuple(_given(impact_goals, self.terms.impact_goals)),
            term_end=_given(term_end, self.terms.term_end),
        )
        amended.check()
        if not amended.impact_goals:
            raise ImpactGoalRequiredError
        if amended.term_end < effective_date:
            raise TermEndBeforeEffectiveDateError
        changes = self.terms.changes_to(amended)
        if not changes:
            raise NothingChangedError
        self._amended(effective_date=effective_date, reason=reason, changes=changes,
                      actor=actor, occurred_on=occurred_on)

    @event(Amended)
    def _amended(self, *, effective_date: date, reason: str, changes: dict[str, Any],
                 actor: str, occurred_on: date) -> None:
        self.terms = self.terms.with_changes(changes)

    def suspend(self, *, reason: str, actor: str, occurred_on: date) -> None:
        """Pause an active agreement from `occurred_on` on."""
        self._check_not_terminated()
        if self.status_on(occurred_on) is not AgreementStatus.ACTIVE or self._suspended_now:
            raise SuspensionOfInactiveAgreementError
        _check_reason(reason)
        self._suspended(reason=reason, actor=actor, occurred_on=occurred_on)

    @event(Suspended)
    def _suspended(self, *, reason: str, actor: str, occurred_on: date) -> None:
        self.suspensions.append((occurred_on, None))

    def resume(self, *, actor: str, occurred_on: date) -> None:
        """End the current suspension on `occurred_on`."""
        self._check_not_terminated()
        if self.status_on(occurred_on) is not AgreementStatus.SUSPENDED or (
                not self._suspended_now):
            raise ResumptionOfUnsuspendedAgreementError
        self._resumed(actor=actor, occurred_on=occurred_on)

    @event(Resumed)
    def _resumed(self, *, actor: str, occurred_on: date) -> None:
        since, _ = self.suspensions[-1]
        self.suspensions[-1] = (since, occurred_on)

    def terminate(self, *, termination_date: date, reason: str, actor: str,
                  occurred_on: date) -> None:
        """End a signed agreement for good: from `termination_date` on it no longer runs."""
        self._check_not_terminated()
        if self.signed_on is None:
            raise TerminationOfUnsignedAgreementError
        _check_reason(reason)
        if not self.terms.term_start <= termination_date <= self.terms.term_end:
            raise TerminationDateOutsideTermError
        self._terminated(termination_date=termination_date, reason=reason, actor=actor,
                         occurred_on=occurred_on)

    @event(Terminated)
    def _terminated(self, *, termination_date: date, reason: str, actor: str,
                    occurred_on: date) -> None:
        self.termination_date = termination_date

    def status_on(self, day: date) -> AgreementStatus:
        """Where the agreement stands on `day`, as far as its history is known."""
        if self.signed_on is None or day < self.signed_on:
            return AgreementStatus.DRAFT
        if self.termination_date is not None and day >= self.termination_date:
            return AgreementStatus.TERMINATED
        if day > self.terms.term_end:
            return AgreementStatus.EXPIRED
        if day < self.terms.term_start:
            return AgreementStatus.SIGNED
        if any(since <= day and (until is None or day < until)
               for since, until in self.suspensions):
            return AgreementStatus.SUSPENDED
        return AgreementStatus.ACTIVE

    def is_active_on(self, day: date) -> bool:
        return self.status_on(day) is AgreementStatus.ACTIVE

    @property
    def runs_until(self) -> date:
        """The last day of the term, or the day before the agreement was terminated."""
        if self.termination_date is None:
            return self.terms.term_end
        return min(self.terms.term_end, self.termination_date - timedelta(days=1))

    @property
    def _suspended_now(self) -> bool:
        return bool(self.suspensions) and self.suspensions[-1][1] is None

    def _check_not_terminated(self) -> None:
        if self.termination_date is not None:
            raise AgreementTerminatedError


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise ReasonRequiredError


def _given(new: T | None, current: T) -> T:
    return current if new is None else new
