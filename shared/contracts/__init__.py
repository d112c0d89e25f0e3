"""Public message contracts: what other services may rely on, versioned."""

from shared.contracts.agreements import ProviderRegistered
from shared.contracts.base import IntegrationEvent, contract_for, json_schemas
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    ClientPersonalDataErased,
    ClientRegistered,
    GoalReviewed,
    HelpPlanGoalSet,
    ServiceAssigned,
    ServiceDeliveryRecorded,
    ServiceEnded,
)

__all__ = ["CaseOpened", "IntegrationEvent", "ProviderRegistered", "contract_for", "json_schemas"]
__all__ += [
    "CaseAssessed",
    "CaseClosed",
    "CaseReopened",
    "ClientPersonalDataErased",
    "ClientRegistered",
    "GoalReviewed",
    "HelpPlanGoalSet",
    "ServiceAssigned",
    "ServiceDeliveryRecorded",
    "ServiceEnded",
]
