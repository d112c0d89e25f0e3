"""Rows for the events of the cases topic: clients, cases, goals, services."""

from __future__ import annotations

from services.metrics.facts.rows import Rows
from services.metrics.facts.tables import (
    CASE_STATUS,
    CASES,
    CLIENTS,
    DELIVERIES,
    DELIVERY_REVERSALS,
    GOAL_WITHDRAWALS,
    GOALS,
    REVIEWS,
    SERVICES,
)
from services.metrics.periods import parse_period
from shared.contracts import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ClientPersonalDataErased,
    ClientRegistered,
    DeliveryReversed,
    GoalReviewed,
    GoalWithdrawn,
    HelpPlanGoalSet,
    HelpPlanGoalSetV2,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)
from shared.envelope import Envelope


def client_registered(rows: Rows, envelope: Envelope, event: ClientRegistered) -> None:
    gender = None if event.gender_category is None else str(event.gender_category)
    rows.add(CLIENTS, event.client_id, envelope.aggregate_version, "registered",
             event.client_pseudonym, gender, event.team, event.occurred_on, envelope.time)


def client_erased(rows: Rows, envelope: Envelope, event: ClientPersonalDataErased) -> None:
    # Only the fact of the erasure: the pseudonymous history stays countable.
    rows.add(CLIENTS, event.client_id, envelope.aggregate_version, "erased", None, None, None,
             event.occurred_on, envelope.time)


def case_opened(rows: Rows, envelope: Envelope, event: CaseOpened) -> None:
    rows.add(CASES, event.case_id, envelope.aggregate_version, event.client_pseudonym,
             str(event.field_of_action), event.target_groups, event.district, event.team,
             event.legal_basis, str(event.age_band), event.occurred_on, envelope.time)


def case_assessed(rows: Rows, envelope: Envelope, event: CaseAssessed) -> None:
    rows.add(CASE_STATUS, event.case_id, envelope.aggregate_version, "assessed", None,
             event.occurred_on, envelope.time)


def case_closed(rows: Rows, envelope: Envelope, event: CaseClosed) -> None:
    rows.add(CASE_STATUS, event.case_id, envelope.aggregate_version, "closed", str(event.reason),
             event.occurred_on, envelope.time)
    for service_id in event.ended_service_ids:
        rows.add(SERVICES, event.case_id, service_id, envelope.aggregate_version, "ended", None,
                 None, None, None, event.occurred_on, envelope.time)


def case_reopened(rows: Rows, envelope: Envelope, event: CaseReopened) -> None:
    rows.add(CASE_STATUS, event.case_id, envelope.aggregate_version, "reopened", None,
             event.occurred_on, envelope.time)


def goal_set(rows: Rows, envelope: Envelope,
             event: HelpPlanGoalSet | HelpPlanGoalSetV2) -> None:
    # v1 and v2 alike: the title (v1 only) stays out, no indicator needs the caseworker's words.
    rows.add(GOALS, event.case_id, event.goal_id, envelope.aggregate_version, event.weight,
             event.baseline, event.occurred_on, envelope.time)


def goal_reviewed(rows: Rows, envelope: Envelope, event: GoalReviewed) -> None:
    rows.add(REVIEWS, event.case_id, event.goal_id, envelope.aggregate_version, event.level,
             event.occurred_on, envelope.time)


def service_assigned(rows: Rows, envelope: Envelope, event: ServiceAssigned) -> None:
    rows.add(SERVICES, event.case_id, event.service_id, envelope.aggregate_version, "assigned",
             event.agreement_id, event.units_planned, event.unit, event.start_date,
             event.occurred_on, envelope.time)


def service_ended(rows: Rows, envelope: Envelope, event: ServiceEnded) -> None:
    rows.add(SERVICES, event.case_id, event.service_id, envelope.aggregate_version, "ended",
             None, None, None, None, event.occurred_on, envelope.time)


def delivery_recorded(rows: Rows, envelope: Envelope, event: ServiceDeliveryRecorded) -> None:
    period = parse_period(event.period)
    rows.add(DELIVERIES, event.case_id, event.service_id, envelope.aggregate_version,
             event.period, period.start, period.end, event.units, event.occurred_on,
             envelope.time)


def goal_withdrawn(rows: Rows, envelope: Envelope, event: GoalWithdrawn) -> None:
    rows.add(GOAL_WITHDRAWALS, event.case_id, event.goal_id, envelope.aggregate_version,
             event.occurred_on, envelope.time)


def delivery_reversed(rows: Rows, envelope: Envelope, event: DeliveryReversed) -> None:
    # The reversed delivery's period and units, as positive units: readers subtract them.
    period = parse_period(event.period)
    rows.add(DELIVERY_REVERSALS, event.case_id, event.service_id, event.delivery_id,
             envelope.aggregate_version, event.period, period.start, period.end, event.units,
             event.occurred_on, envelope.time)
