"""The cases application (one per service) and what it hands out."""

from services.cases.application.base import PersonalDataGone
from services.cases.application.cases import Cases
from services.cases.application.clients import (
    ClientRef,
    PseudonymousClient,
    RegisteredClient,
)
from services.cases.application.dtos import (
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
    CaseIndex,
    CasesParts,
)
from services.cases.application.workspace_dtos import (
    AgreementOffer,
    AssignableAgreement,
    CaseCounts,
    CaseOrder,
    Deadlines,
    WorkItem,
    WorkKind,
    WorkList,
)
from services.cases.personal_data import PersonalData
from shared.principals import Caller

__all__ = [
    "AgreementOffer",
    "AgreementReplica",
    "AssignableAgreement",
    "Caller",
    "CaseCounts",
    "CaseDetails",
    "CaseIndex",
    "CaseOrder",
    "CasePage",
    "CaseQuery",
    "CaseSummary",
    "Cases",
    "CasesParts",
    "ClientDetails",
    "ClientRef",
    "Deadlines",
    "GoalDetails",
    "PersonalData",
    "PersonalDataGone",
    "PseudonymousClient",
    "RegisteredClient",
    "ServiceDetails",
    "WorkItem",
    "WorkKind",
    "WorkList",
]
