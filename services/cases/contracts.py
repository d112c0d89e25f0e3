"""The one place where cases' domain events become public contracts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.cases.domain import Case, Client
from shared.contracts import (
    CaseAssessed,
    CaseClosed,
    CaseHandedOver,
    CaseOpened,
    CaseReopened,
    ClientPersonalDataErased,
    ClientPersonalDataUpdated,
    ClientRegistered,
    DeliveryReversed,
    GoalReviewed,
    GoalWithdrawn,
    HelpPlanGoalSetV2,
    IntegrationEvent,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from shared.vocabulary import AgeBand, ClosureReason, FieldOfAction, GenderCategory


def to_contract(domain_event: Any) -> IntegrationEvent | None:
    """The integration event for a domain event (None: nothing to publish)."""
    translate = _TRANSLATIONS.get(type(domain_event))
    return None if translate is None else translate(domain_event)


# CaseOpened v1 has no re-entry flag; the metrics service derives re-entry from
# the opening and closure dates itself, so it is not published yet.
def _case_opened(event: Case.Opened) -> CaseOpened:
    return CaseOpened(
        case_id=event.originator_id, client_pseudonym=event.client_pseudonym,
        field_of_action=FieldOfAction(event.field_of_action), target_groups=event.target_groups,
        district=event.district, team=event.team, legal_basis=event.legal_basis,
        age_band=AgeBand(event.age_band), occurred_on=event.occurred_on, actor=event.actor,
    )


def _case_assessed(event: Case.Assessed) -> CaseAssessed:
    return CaseAssessed(case_id=event.originator_id, occurred_on=event.occurred_on,
                        actor=event.actor)


# v2: the goal's title is the caseworker's free text about the person; it stays in the case.
def _goal_set(event: Case.GoalSet) -> HelpPlanGoalSetV2:
    return HelpPlanGoalSetV2(case_id=event.originator_id, goal_id=event.goal_id,
                             weight=event.weight, baseline=event.baseline,
                             occurred_on=event.occurred_on, actor=event.actor)


def _service_assigned(event: Case.ServiceAssigned) -> ServiceAssigned:
    return ServiceAssigned(case_id=event.originator_id, service_id=event.service_id,
                           agreement_id=event.agreement_id, units_planned=event.units_planned,
                           unit=event.unit, start_date=event.start_date,
                           end_date=event.end_date, occurred_on=event.occurred_on,
                           actor=event.actor)


def _delivery_recorded(event: Case.DeliveryRecorded) -> ServiceDeliveryRecorded:
    return ServiceDeliveryRecorded(case_id=event.originator_id, service_id=event.service_id,
                                   period=event.period, units=event.units,
                                   occurred_on=event.occurred_on, actor=event.actor)


def _service_ended(event: Case.ServiceEnded) -> ServiceEnded:
    return ServiceEnded(case_id=event.originator_id, service_id=event.service_id,
                        occurred_on=event.occurred_on, actor=event.actor)


def _goal_reviewed(event: Case.GoalReviewed) -> GoalReviewed:
    return GoalReviewed(case_id=event.originator_id, goal_id=event.goal_id, level=event.level,
                        occurred_on=event.occurred_on, actor=event.actor)


def _case_closed(event: Case.Closed) -> CaseClosed:
    return CaseClosed(case_id=event.originator_id, reason=ClosureReason(event.reason),
                      ended_service_ids=event.ended_service_ids,
                      occurred_on=event.occurred_on, actor=event.actor)


def _case_reopened(event: Case.Reopened) -> CaseReopened:
    return CaseReopened(case_id=event.originator_id, occurred_on=event.occurred_on,
                        actor=event.actor)


# The reasons of the corrections and of the hand-over are a caseworker's free text
# about the person: they stay in the event store.
def _goal_withdrawn(event: Case.GoalWithdrawn) -> GoalWithdrawn:
    return GoalWithdrawn(case_id=event.originator_id, goal_id=event.goal_id,
                         occurred_on=event.occurred_on, actor=event.actor)


def _delivery_reversed(event: Case.DeliveryReversed) -> DeliveryReversed:
    return DeliveryReversed(case_id=event.originator_id, service_id=event.service_id,
                            delivery_id=event.delivery_id, period=event.period,
                            units=event.units, occurred_on=event.occurred_on,
                            actor=event.actor)


def _case_handed_over(event: Case.HandedOver) -> CaseHandedOver:
    return CaseHandedOver(case_id=event.originator_id, from_team=event.from_team,
                          to_team=event.to_team, occurred_on=event.occurred_on,
                          actor=event.actor)


def _client_registered(event: Client.Registered) -> ClientRegistered:
    gender = None if event.gender_category is None else GenderCategory(event.gender_category)
    return ClientRegistered(client_id=event.originator_id, client_pseudonym=event.pseudonym,
                            gender_category=gender, team=event.team,
                            occurred_on=event.occurred_on, actor=event.actor)


def _personal_data_erased(event: Client.PersonalDataErased) -> ClientPersonalDataErased:
    return ClientPersonalDataErased(client_id=event.originator_id,
                                    occurred_on=event.occurred_on, actor=event.actor)


def _personal_data_updated(event: Client.PersonalDataUpdated) -> ClientPersonalDataUpdated:
    return ClientPersonalDataUpdated(client_id=event.originator_id,
                                     occurred_on=event.occurred_on, actor=event.actor)


_TRANSLATIONS: dict[type[Any], Callable[[Any], IntegrationEvent]] = {
    Case.Opened: _case_opened,
    Case.Assessed: _case_assessed,
    Case.GoalSet: _goal_set,
    Case.ServiceAssigned: _service_assigned,
    Case.DeliveryRecorded: _delivery_recorded,
    Case.ServiceEnded: _service_ended,
    Case.GoalReviewed: _goal_reviewed,
    Case.Closed: _case_closed,
    Case.Reopened: _case_reopened,
    Case.GoalWithdrawn: _goal_withdrawn,
    Case.DeliveryReversed: _delivery_reversed,
    Case.HandedOver: _case_handed_over,
    Client.Registered: _client_registered,
    Client.PersonalDataErased: _personal_data_erased,
    Client.PersonalDataUpdated: _personal_data_updated,
}
