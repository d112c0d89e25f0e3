"""Public message contracts: what other services may rely on, versioned."""

from shared.contracts.agreements import (
    GoalOutcomeCounts,
    ImpactGoalTerm,
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
from shared.contracts.base import IntegrationEvent, contract_for, json_schemas
from shared.contracts.cases import CaseOpened

__all__ = [
    "CaseOpened",
    "GoalOutcomeCounts",
    "ImpactGoalTerm",
    "IntegrationEvent",
    "ProviderDeactivated",
    "ProviderRegistered",
    "ProviderReportAccepted",
    "ProviderReportRejected",
    "ProviderReportResubmitted",
    "ProviderReportSubmitted",
    "ProviderUpdated",
    "ServiceAgreementAmended",
    "ServiceAgreementDrafted",
    "ServiceAgreementEdited",
    "ServiceAgreementResumed",
    "ServiceAgreementSigned",
    "ServiceAgreementSuspended",
    "ServiceAgreementTerminated",
    "contract_for",
    "json_schemas",
]
