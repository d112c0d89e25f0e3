"""The one place where agreements' domain events become public contracts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from services.agreements.domain import Provider, ProviderReport, ServiceAgreement
from shared.contracts import (
    IntegrationEvent,
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


def to_contract(domain_event: Any) -> IntegrationEvent | None:
    """The integration event for a domain event (None: nothing to publish)."""
    mapper = _MAPPERS.get(type(domain_event))
    return None if mapper is None else mapper(domain_event)


def _fact(event: Any) -> dict[str, Any]:
    return {"occurred_on": event.occurred_on, "actor": event.actor}


def _terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    """Contract fields of an agreement's terms (all or only the changed) in their event form."""
    fields = {name: value for name, value in terms.items() if name != "reporting_obligation"}
    if "reporting_obligation" in terms:
        fields["reporting_frequency"] = terms["reporting_obligation"]["frequency"]
        fields["reporting_due_days"] = terms["reporting_obligation"]["due_days"]
    return fields


def _figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    # The narrative is free text about people; it does not leave the service.
    return {name: value for name, value in figures.items() if name != "narrative"}


def _provider_registered(event: Any) -> IntegrationEvent:
    return ProviderRegistered(provider_id=event.originator_id, name=event.name,
                              legal_form=event.legal_form,
                              fields_of_action=event.fields_of_action, **_fact(event))


def _provider_updated(event: Any) -> IntegrationEvent:
    return ProviderUpdated(provider_id=event.originator_id, name=event.name,
                           legal_form=event.legal_form,
                           fields_of_action=event.fields_of_action, **_fact(event))


def _provider_deactivated(event: Any) -> IntegrationEvent:
    return ProviderDeactivated(provider_id=event.originator_id, **_fact(event))


def _agreement_drafted(event: Any) -> IntegrationEvent:
    return ServiceAgreementDrafted(agreement_id=event.originator_id,
                                   provider_id=event.provider_id, **_terms(event.terms),
                                   **_fact(event))


def _agreement_edited(event: Any) -> IntegrationEvent:
    return ServiceAgreementEdited(agreement_id=event.originator_id, **_terms(event.changes),
                                  **_fact(event))


def _agreement_signed(event: Any) -> IntegrationEvent:
    return ServiceAgreementSigned(agreement_id=event.originator_id, **_fact(event))


def _agreement_amended(event: Any) -> IntegrationEvent:
    return ServiceAgreementAmended(agreement_id=event.originator_id,
                                   effective_date=event.effective_date, reason=event.reason,
                                   **_terms(event.changes), **_fact(event))


def _agreement_suspended(event: Any) -> IntegrationEvent:
    return ServiceAgreementSuspended(agreement_id=event.originator_id, reason=event.reason,
                                     **_fact(event))


def _agreement_resumed(event: Any) -> IntegrationEvent:
    return ServiceAgreementResumed(agreement_id=event.originator_id, **_fact(event))


def _agreement_terminated(event: Any) -> IntegrationEvent:
    return ServiceAgreementTerminated(agreement_id=event.originator_id,
                                      termination_date=event.termination_date,
                                      reason=event.reason, **_fact(event))


def _report_submitted(event: Any) -> IntegrationEvent:
    return ProviderReportSubmitted(
        report_id=event.originator_id, agreement_id=event.agreement_id,
        provider_id=event.provider_id, period=event.period, period_start=event.period_start,
        period_end=event.period_end, due_on=event.due_on,
        late=event.occurred_on > event.due_on, **_figures(event.figures), **_fact(event),
    )


def _report_resubmitted(event: Any) -> IntegrationEvent:
    return ProviderReportResubmitted(report_id=event.originator_id, revision=event.revision,
                                     **_figures(event.figures), **_fact(event))


def _report_accepted(event: Any) -> IntegrationEvent:
    return ProviderReportAccepted(report_id=event.originator_id, revision=event.revision,
                                  **_fact(event))


def _report_rejected(event: Any) -> IntegrationEvent:
    return ProviderReportRejected(report_id=event.originator_id, revision=event.revision,
                                  reason=event.reason, **_fact(event))


_MAPPERS: dict[type[Any], Callable[[Any], IntegrationEvent]] = {
    Provider.Registered: _provider_registered,
    Provider.Updated: _provider_updated,
    Provider.Deactivated: _provider_deactivated,
    ServiceAgreement.Drafted: _agreement_drafted,
    ServiceAgreement.Edited: _agreement_edited,
    ServiceAgreement.Signed: _agreement_signed,
    ServiceAgreement.Amended: _agreement_amended,
    ServiceAgreement.Suspended: _agreement_suspended,
    ServiceAgreement.Resumed: _agreement_resumed,
    ServiceAgreement.Terminated: _agreement_terminated,
    ProviderReport.Submitted: _report_submitted,
    ProviderReport.Resubmitted: _report_resubmitted,
    ProviderReport.Accepted: _report_accepted,
    ProviderReport.Rejected: _report_rejected,
}
