"""The cases application (one per service) and what it hands out."""

from services.cases.application.cases import Cases
from services.cases.application.clients import (
    ClientRef,
    PersonalDataGone,
    PseudonymousClient,
    RegisteredClient,
)
from services.cases.application.dto import (
    CaseDetails,
    CasePage,
    CaseQuery,
    CaseSummary,
    ClientDetails,
    GoalDetails,
    ServiceDetails,
)
from services.cases.application.ports import (
    AgreementReplica,
    Caller,
    CaseIndex,
    CasesParts,
)

__all__ = [
    "AgreementReplica",
    "Caller",
    "CaseDetails",
    "CaseIndex",
    "CasePage",
    "CaseQuery",
    "CaseSummary",
    "Cases",
    "CasesParts",
    "ClientDetails",
    "ClientRef",
    "GoalDetails",
    "PersonalDataGone",
    "PseudonymousClient",
    "RegisteredClient",
    "ServiceDetails",
]
