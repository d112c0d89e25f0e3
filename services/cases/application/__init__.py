"""The cases application: check who may, load, run one command, save."""

from __future__ import annotations

from services.cases.application.base import PersonalDataGone
from services.cases.application.cases import CaseCommands
from services.cases.application.client_search import ClientSearch
from services.cases.application.client_update import ClientUpdates
from services.cases.application.clients import (
    ClientCommands,
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
from services.cases.application.erasure import Erasure
from services.cases.application.history_import import HistoryImport, HistoryImports
from services.cases.application.on_postgres import OnPostgres
from services.cases.application.ports import (
    AgreementReplica,
    CaseIndex,
    CasesParts,
)
from services.cases.application.subject_access import SubjectAccess
from services.cases.application.workspace import WorkspaceReads
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
from services.cases.domain import AgreementOnRecord
from services.cases.key_wrapping import UnknownKeyEncryptionKey
from services.cases.personal_data import PersonalData, Randomness
from shared.principals import Caller


class Cases(ClientCommands, ClientSearch, ClientUpdates, CaseCommands, WorkspaceReads,
            SubjectAccess, Erasure, HistoryImports, OnPostgres):
    """Clients, cases, help-plan goals, services and outcomes."""

# With the values its commands take (the client of a case, personal data, an agreement as on
# record, the caller, where keys and nonces come from) and the error the key rotation raises.
__all__ = [
    "AgreementOffer",
    "AgreementOnRecord",
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
    "HistoryImport",
    "PersonalData",
    "PersonalDataGone",
    "PseudonymousClient",
    "Randomness",
    "RegisteredClient",
    "ServiceDetails",
    "UnknownKeyEncryptionKey",
    "WorkItem",
    "WorkKind",
    "WorkList",
]
