"""Rows for the events of the agreements topic: providers, agreements, reports."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from services.metrics.facts.rows import Rows
from services.metrics.facts.tables import AGREEMENTS, PROVIDERS, REPORT_OUTCOMES, REPORTS
from shared.contracts import (
    GoalOutcomeCounts,
    ProviderDeactivated,
    ProviderRegistered,
    ProviderReportAccepted,
    ProviderReportRejected,
    ProviderReportResubmitted,
    ProviderReportSubmitted,
    ProviderUpdated,
    ServiceAgreementAmended,
    ServiceAgreementDrafted,
    ServiceAgreementEdited,
    ServiceAgreementResumed,
    ServiceAgreementSigned,
    ServiceAgreementSuspended,
    ServiceAgreementTerminated,
)
from shared.envelope import Envelope


def provider_registered(rows: Rows, envelope: Envelope, event: ProviderRegistered) -> None:
    rows.add(PROVIDERS, event.provider_id, envelope.aggregate_version, "registered", event.name,
             event.legal_form, [str(field) for field in event.fields_of_action],
             event.occurred_on, envelope.time)


def provider_updated(rows: Rows, envelope: Envelope, event: ProviderUpdated) -> None:
    fields = None if event.fields_of_action is None else [str(f) for f in event.fields_of_action]
    rows.add(PROVIDERS, event.provider_id, envelope.aggregate_version, "updated", event.name,
             event.legal_form, fields, event.occurred_on, envelope.time)


def provider_deactivated(rows: Rows, envelope: Envelope, event: ProviderDeactivated) -> None:
    rows.add(PROVIDERS, event.provider_id, envelope.aggregate_version, "deactivated", None, None,
             None, event.occurred_on, envelope.time)


def _terms(event: Any) -> tuple[Any, ...]:
    """The term columns of a drafted, edited or amended agreement (None: unchanged)."""
    value = event.__dict__.get
    goals = value("impact_goals")
    field = value("field_of_action")
    unit = value("pricing_unit")
    frequency = value("reporting_frequency")
    return (
        value("title"), value("budget_product_code"), None if field is None else str(field),
        value("target_groups"), value("districts"), value("term_start"), value("term_end"),
        value("annual_budget_cents"), None if unit is None else str(unit),
        value("unit_price_cents"), value("capacity"),
        None if goals is None else json.dumps([goal.model_dump(mode="json") for goal in goals]),
        None if frequency is None else str(frequency), value("reporting_due_days"),
    )


_NO_TERMS = (None,) * 14


def agreement_drafted(rows: Rows, envelope: Envelope, event: ServiceAgreementDrafted) -> None:
    rows.add(AGREEMENTS, event.agreement_id, envelope.aggregate_version, "drafted", None,
             event.provider_id, *_terms(event), None, event.occurred_on, envelope.time)


def agreement_edited(rows: Rows, envelope: Envelope, event: ServiceAgreementEdited) -> None:
    rows.add(AGREEMENTS, event.agreement_id, envelope.aggregate_version, "edited", None, None,
             *_terms(event), None, event.occurred_on, envelope.time)


def agreement_amended(rows: Rows, envelope: Envelope, event: ServiceAgreementAmended) -> None:
    rows.add(AGREEMENTS, event.agreement_id, envelope.aggregate_version, "amended",
             event.effective_date, None, *_terms(event), event.reason, event.occurred_on,
             envelope.time)


def agreement_signed(rows: Rows, envelope: Envelope, event: ServiceAgreementSigned) -> None:
    _status(rows, envelope, event, "signed", event.occurred_on, None)


def agreement_suspended(rows: Rows, envelope: Envelope,
                        event: ServiceAgreementSuspended) -> None:
    _status(rows, envelope, event, "suspended", event.occurred_on, event.reason)


def agreement_resumed(rows: Rows, envelope: Envelope, event: ServiceAgreementResumed) -> None:
    _status(rows, envelope, event, "resumed", event.occurred_on, None)


def agreement_terminated(rows: Rows, envelope: Envelope,
                         event: ServiceAgreementTerminated) -> None:
    _status(rows, envelope, event, "terminated", event.termination_date, event.reason)


def _status(rows: Rows, envelope: Envelope, event: Any, change: str, effective_on: Any,
            reason: str | None) -> None:
    rows.add(AGREEMENTS, event.agreement_id, envelope.aggregate_version, change, effective_on,
             None, *_NO_TERMS, reason, event.occurred_on, envelope.time)


def report_submitted(rows: Rows, envelope: Envelope, event: ProviderReportSubmitted) -> None:
    rows.add(REPORTS, event.report_id, envelope.aggregate_version, "submitted", 1,
             event.agreement_id, event.provider_id, event.period, event.period_start,
             event.period_end, event.due_on, event.late, event.participants,
             Decimal(event.units_delivered), event.expenditure_cents, None, event.occurred_on,
             envelope.time)
    _outcomes(rows, envelope, event.report_id, 1, event.outcomes, event.occurred_on)


def report_resubmitted(rows: Rows, envelope: Envelope,
                       event: ProviderReportResubmitted) -> None:
    rows.add(REPORTS, event.report_id, envelope.aggregate_version, "resubmitted", event.revision,
             None, None, None, None, None, None, None, event.participants,
             Decimal(event.units_delivered), event.expenditure_cents, None, event.occurred_on,
             envelope.time)
    _outcomes(rows, envelope, event.report_id, event.revision, event.outcomes, event.occurred_on)


def report_accepted(rows: Rows, envelope: Envelope, event: ProviderReportAccepted) -> None:
    rows.add(REPORTS, event.report_id, envelope.aggregate_version, "accepted", event.revision,
             *(None,) * 10, None, event.occurred_on, envelope.time)


def report_rejected(rows: Rows, envelope: Envelope, event: ProviderReportRejected) -> None:
    rows.add(REPORTS, event.report_id, envelope.aggregate_version, "rejected", event.revision,
             *(None,) * 10, event.reason, event.occurred_on, envelope.time)


def _outcomes(rows: Rows, envelope: Envelope, report_id: Any, revision: int,
              outcomes: list[GoalOutcomeCounts], occurred_on: Any) -> None:
    for outcome in outcomes:
        rows.add(REPORT_OUTCOMES, report_id, revision, outcome.indicator_id, outcome.achieved,
                 outcome.measured, occurred_on, envelope.time)
