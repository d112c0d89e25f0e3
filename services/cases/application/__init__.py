"""The cases application: check who may, load, run one command, save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from services.cases.application.ports import (
    AgreementReplica,
    CaseIndex,
    CasesParts,
)
from services.cases.application.postgres import parts_from_settings, rewrap_client_keys
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
from services.cases.personal_data import SECURE, PersonalData, Randomness
from shared.clock import Clock
from shared.eventstore import event_store_environment
from shared.principals import Caller

if TYPE_CHECKING:
    from services.cases.settings import CasesSettings


class Cases(ClientCommands, ClientSearch, ClientUpdates, CaseCommands, WorkspaceReads,
            SubjectAccess, Erasure, HistoryImports):
    """Clients, cases, help-plan goals, services and outcomes."""

    @classmethod
    def from_settings(cls, settings: CasesSettings, *, clock: Clock, env: Any = None,
                      randomness: Randomness = SECURE) -> Cases:
        """The application on the settings' database, as the service runs it (the event
        store's environment made from the database URL unless given); its tables are first
        brought up to this code's version (`DatabaseNewerThanCode` if newer code made them).
        New client keys and the nonces of sealed texts come from the operating system's
        generator; only the simulation passes a `randomness` drawn from its seed."""
        return cls(env=env or event_store_environment(settings.database_url),
                   parts=parts_from_settings(settings, clock, randomness=randomness))

    @staticmethod
    def rotate_key_encryption_key(settings: CasesSettings) -> int:
        """Re-wrap every client key under the settings' key-encryption key, opening each with
        the previous one; how many were re-wrapped. Batch by batch, so an interrupted run
        can be run again; the events are not touched. `UnknownKeyEncryptionKey` names a
        key wrapped under neither."""
        return rewrap_client_keys(settings)


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
