"""The case (Einzelfall): one client's help, from opening to closure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.cases.domain import errors
from services.cases.domain.assignment import AgreementOnRecord, admitting_agreement
from services.cases.domain.plan import (
    AssignedService,
    Delivery,
    Goal,
    Review,
    assigned_service,
    checked_end_date,
    checked_level,
    checked_levels,
    checked_period,
    checked_units,
    checked_weight,
    derived_delivery_id,
    standing_goal,
)
from services.cases.domain.progress import CaseProgress
from services.cases.domain.revisions import CaseRevisions
from services.cases.domain.status import CLOSURE_REASONS, CaseStatus


class Case(Aggregate, CaseRevisions, CaseProgress):
    """One client's case, from opening to closure, as caseworkers log it."""

    class Opened(Aggregate.Created):
        client_pseudonym: str
        field_of_action: str
        target_groups: list[str]
        district: str
        team: str
        legal_basis: str
        age_band: str
        actor: str
        occurred_on: date
        reentry: bool = False  # stored events from before re-entry was recorded read as False

    class Assessed(Aggregate.Event):
        summary: str
        actor: str
        occurred_on: date

    class GoalSet(Aggregate.Event):
        goal_id: UUID
        title: str
        levels: dict[str, str]
        weight: Decimal
        baseline: int
        actor: str
        occurred_on: date

    class ServiceAssigned(Aggregate.Event):
        service_id: UUID
        agreement_id: UUID
        units_planned: Decimal
        unit: str
        start_date: date
        actor: str
        occurred_on: date
        end_date: date | None = None  # "bewilligt bis"; stored events without one read as None

    class DeliveryRecorded(Aggregate.Event):
        service_id: UUID
        period: str
        units: Decimal
        actor: str
        occurred_on: date
        delivery_id: UUID | None = None  # None in events stored before deliveries had ids

    class ServiceEnded(Aggregate.Event):
        service_id: UUID
        reason: str
        actor: str
        occurred_on: date

    class GoalReviewed(Aggregate.Event):
        goal_id: UUID
        level: int
        note: str
        actor: str
        occurred_on: date

    class Closed(Aggregate.Event):
        reason: str
        ended_service_ids: list[UUID]
        actor: str
        occurred_on: date

    class Reopened(Aggregate.Event):
        reason: str
        actor: str
        occurred_on: date

    class GoalWithdrawn(Aggregate.Event):
        goal_id: UUID
        reason: str
        actor: str
        occurred_on: date

    class DeliveryReversed(Aggregate.Event):
        service_id: UUID
        delivery_id: UUID
        period: str
        units: Decimal
        reason: str
        actor: str
        occurred_on: date

    class HandedOver(Aggregate.Event):
        from_team: str
        to_team: str
        reason: str
        actor: str
        occurred_on: date

    @classmethod
    def open(cls, *, case_id: UUID, client_pseudonym: str, field_of_action: str,
             target_groups: list[str], district: str, team: str, legal_basis: str,
             age_band: str, actor: str, occurred_on: date, reentry: bool) -> Case:
        """Open a case under an id the application chose (an import names its cases)."""
        return cls._create(cls.Opened, id=case_id, client_pseudonym=client_pseudonym,
                           field_of_action=field_of_action, target_groups=target_groups,
                           district=district, team=team, legal_basis=legal_basis,
                           age_band=age_band, actor=actor, occurred_on=occurred_on,
                           reentry=reentry)

    # No bare `*` here: eventsourcing 9.5 treats a keyword-only parameter with a
    # default as required, and `reentry` must stay optional for existing callers.
    @event(Opened)
    def __init__(self, client_pseudonym: str, field_of_action: str, target_groups: list[str],
                 district: str, team: str, legal_basis: str, age_band: str, actor: str,
                 occurred_on: date, reentry: bool = False) -> None:
        self.client_pseudonym = client_pseudonym
        self.field_of_action = field_of_action
        self.target_groups = list(target_groups)
        self.district = district
        self.team = team
        self.legal_basis = legal_basis
        self.age_band = age_band
        self.reentry = reentry
        self.opened_on = occurred_on
        self.status = CaseStatus.OPEN
        self.assessed_on: date | None = None
        self.assessment_summary: str | None = None
        self.closed_on: date | None = None
        self.closure_reason: str | None = None
        self.goals: dict[UUID, Goal] = {}
        self.services: dict[UUID, AssignedService] = {}

    # Commands: check every rule, then record one event.

    def assess(self, *, summary: str, actor: str, occurred_on: date) -> None:
        self._require_open()
        self._assessed(summary=summary, actor=actor, occurred_on=occurred_on)

    def set_goal(self, *, goal_id: UUID, title: str, levels: Mapping[str, str],
                 baseline: int, actor: str, occurred_on: date,
                 weight: Decimal | int | str = 1) -> None:
        self._require_open()
        if goal_id in self.goals:
            raise errors.GoalAlreadySetError(f"Goal {goal_id} is already set on this case.")
        self._goal_set(goal_id=goal_id, title=title, levels=checked_levels(levels),
                       weight=checked_weight(weight), baseline=checked_level(baseline),
                       actor=actor, occurred_on=occurred_on)

    def assign_service(self, *, service_id: UUID, agreement_id: UUID,
                       units_planned: Decimal | int, unit: str, start_date: date,
                       actor: str, occurred_on: date, end_date: date | None = None) -> None:
        self._require_open()
        if service_id in self.services:
            raise errors.ServiceAlreadyAssignedError(f"Service {service_id} is already assigned.")
        self._service_assigned(service_id=service_id, agreement_id=agreement_id,
                               units_planned=checked_units(units_planned), unit=unit,
                               start_date=start_date, actor=actor, occurred_on=occurred_on,
                               end_date=checked_end_date(start_date, end_date))

    def assign_service_under(self, agreement: AgreementOnRecord | None, *,
                             running_services: int, service_id: UUID, agreement_id: UUID,
                             units_planned: Decimal | int, start_date: date, actor: str,
                             occurred_on: date, end_date: date | None = None) -> None:
        """Assign a service under an agreement that admits it, priced in its unit."""
        self._require_open()
        checked_end_date(start_date, end_date)  # a wrong value before the agreement's standing
        admitting = admitting_agreement(agreement, agreement_id=agreement_id,
                                        field_of_action=self.field_of_action,
                                        start_date=start_date, running_services=running_services)
        self.assign_service(service_id=service_id, agreement_id=agreement_id,
                            units_planned=units_planned, unit=admitting.pricing_unit,
                            start_date=start_date, actor=actor, occurred_on=occurred_on,
                            end_date=end_date)

    def record_delivery(self, *, service_id: UUID, period: str, units: Decimal | int,
                        actor: str, occurred_on: date, delivery_id: UUID | None = None) -> None:
        self._require_open()
        self._require_running(service_id)
        self._delivery_recorded(service_id=service_id, units=checked_units(units),
                                period=checked_period(period), actor=actor,
                                occurred_on=occurred_on, delivery_id=delivery_id)

    def end_service(self, *, service_id: UUID, reason: str, actor: str,
                    occurred_on: date) -> None:
        self._require_open()
        self._require_running(service_id)
        self._service_ended(service_id=service_id, reason=reason, actor=actor,
                            occurred_on=occurred_on)

    def review_goal(self, *, goal_id: UUID, level: int, note: str, actor: str,
                    occurred_on: date) -> None:
        self._require_open()
        standing_goal(self.goals, goal_id)
        self._goal_reviewed(goal_id=goal_id, level=checked_level(level), note=note,
                            actor=actor, occurred_on=occurred_on)

    def close(self, *, reason: str, actor: str, occurred_on: date) -> None:
        if self.status == CaseStatus.CLOSED:
            raise errors.CaseAlreadyClosedError("The case is already closed.")
        if reason not in CLOSURE_REASONS:
            raise errors.UnknownClosureReasonError(f"{reason!r} is no closure reason.")
        running = [sid for sid, service in self.services.items() if service.running]
        self._closed(reason=str(reason), ended_service_ids=running, actor=actor,
                     occurred_on=occurred_on)

    def reopen(self, *, reason: str, actor: str, occurred_on: date) -> None:
        if self.status != CaseStatus.CLOSED:
            raise errors.CaseNotClosedError("Only a closed case can be reopened.")
        self._reopened(reason=reason, actor=actor, occurred_on=occurred_on)

    def _require_open(self) -> None:
        if self.status != CaseStatus.OPEN:
            raise errors.CaseNotOpenError("The case is closed.")

    def _require_running(self, service_id: UUID) -> None:
        if not assigned_service(self.services, service_id).running:
            raise errors.ServiceAlreadyEndedError(f"Service {service_id} has ended.")

    # Events: these bodies run again at every replay, so they only change state.

    @event(Assessed)
    def _assessed(self, summary: str, actor: str, occurred_on: date) -> None:
        self.assessed_on = occurred_on
        self.assessment_summary = summary

    @event(GoalSet)
    def _goal_set(self, goal_id: UUID, title: str, levels: dict[str, str], weight: Decimal,
                  baseline: int, actor: str, occurred_on: date) -> None:
        self.goals[goal_id] = Goal(title=title, levels=dict(levels), weight=weight,
                                   baseline=baseline, set_on=occurred_on)

    @event(ServiceAssigned)
    def _service_assigned(self, service_id: UUID, agreement_id: UUID, units_planned: Decimal,
                          unit: str, start_date: date, actor: str, occurred_on: date,
                          end_date: date | None = None) -> None:
        self.services[service_id] = AssignedService(agreement_id=agreement_id,
                                                    units_planned=units_planned, unit=unit,
                                                    start_date=start_date, end_date=end_date)

    @event(DeliveryRecorded)
    def _delivery_recorded(self, service_id: UUID, period: str, units: Decimal, actor: str,
                           occurred_on: date, delivery_id: UUID | None = None) -> None:
        # Without an id (so stored before deliveries had one), one from the event's place:
        # the version here is still the one before this event.
        self.services[service_id].record(
            delivery_id or derived_delivery_id(self.id, self.version + 1),
            Delivery(period=period, units=units, occurred_on=occurred_on))

    @event(ServiceEnded)
    def _service_ended(self, service_id: UUID, reason: str, actor: str,
                       occurred_on: date) -> None:
        self.services[service_id].ended_on = occurred_on

    @event(GoalReviewed)
    def _goal_reviewed(self, goal_id: UUID, level: int, note: str, actor: str,
                       occurred_on: date) -> None:
        self.goals[goal_id].reviews.append(Review(level=level, note=note,
                                                  occurred_on=occurred_on,
                                                  version=self.version + 1))

    @event(Closed)
    def _closed(self, reason: str, ended_service_ids: list[UUID], actor: str,
                occurred_on: date) -> None:
        for service_id in ended_service_ids:
            self.services[service_id].ended_on = occurred_on
        self.status = CaseStatus.CLOSED
        self.closed_on = occurred_on
        self.closure_reason = reason

    @event(Reopened)
    def _reopened(self, reason: str, actor: str, occurred_on: date) -> None:
        self.status = CaseStatus.OPEN
        self.closed_on = None
        self.closure_reason = None

    @event(GoalWithdrawn)
    def _goal_withdrawn(self, goal_id: UUID, reason: str, actor: str,
                        occurred_on: date) -> None:
        self.goals[goal_id].withdraw(occurred_on, reason)

    @event(DeliveryReversed)
    def _delivery_reversed(self, service_id: UUID, delivery_id: UUID, period: str,
                           units: Decimal, reason: str, actor: str, occurred_on: date) -> None:
        self.services[service_id].reverse(delivery_id, occurred_on, reason)

    @event(HandedOver)
    def _handed_over(self, from_team: str, to_team: str, reason: str, actor: str,
                     occurred_on: date) -> None:
        self.team = to_team
