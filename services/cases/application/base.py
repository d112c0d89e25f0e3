"""What every part of the cases application shares: who may, the access log, the vault."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import Mapper, Recording

from services.cases.application.dtos import CaseDetails
from services.cases.application.ports import CaseIndex, CasesParts
from services.cases.application.sealing import Opener, SealingMapper, Text, opener, sealing
from services.cases.domain import Case, Client
from services.cases.personal_data import PersonalData, PersonalDataErased
from services.cases.sealed_text import withheld
from shared.access_log import Access, AccessCount
from shared.errors import Gone, Kind, NotFound, Refused
from shared.eventstore import ServiceApplication
from shared.history import check_version, load
from shared.principals import Caller, Role


class PersonalDataGone(Gone):
    title = "Personal data erased"
    rule = "personal_data_erased"


class CasesBase(ServiceApplication):
    """The shared part: the event store, the collaborators, and the rules of access to cases
    and clients."""

    def __init__(self, env: Any = None, *, parts: CasesParts | None = None) -> None:
        # Without parts (as a view runner builds it) the application only reads its store.
        super().__init__(env)
        self._parts = parts

    @property
    def parts(self) -> CasesParts:
        if self._parts is None:
            raise RuntimeError("this Cases application was built without its collaborators")
        return self._parts

    def named(self, details: CaseDetails) -> CaseDetails:
        """The case's services with their agreements' titles and providers (from the replica)."""
        names = self.parts.agreements.names([service.agreement_id
                                             for service in details.services])
        services = [replace(service, agreement_title=names[service.agreement_id].title,
                            provider_name=names[service.agreement_id].provider_name)
                    if service.agreement_id in names else service
                    for service in details.services]
        return replace(details, services=services)

    def construct_mapper(self) -> Mapper[Any]:
        return self.factory.mapper(transcoder=self.construct_transcoder(),
                                   mapper_class=SealingMapper)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """Save, the free text of the cases sealed with their clients' keys."""
        try:
            with sealing(self.parts.vault, objs, self._erased_before,
                         randomness=self.parts.randomness):
                return super().save(*objs, **kwargs)
        except PersonalDataErased as error:
            raise PersonalDataGone("This client's personal data was erased: no new text "
                                   "about the person can be recorded.",
                                   kind=Kind.CONFLICT) from error

    def texts(self, case: Case) -> Opener:
        """What opens the free text of the case (the marker for each, once erased)."""
        return opener(self.parts.vault, case, self._erased_before)

    def texts_for(self, case: Case, caller: Caller) -> Text:
        """The case's free text as the caller may read it: auditors read a marker instead."""
        return withheld if caller.role is Role.AUDITOR else self.texts(case)

    def _erased_before(self, client_id: UUID) -> bool:
        client = self.client_aggregate(client_id)
        return client is not None and client.personal_data_erased

    def today(self) -> date:
        """The day it is for the application (its clock, fixed in tests)."""
        return self.parts.clock.today()

    def on(self, day: date | None) -> date:
        """The day a step happened: as given, else today."""
        return day or self.today()

    @property
    def index(self) -> CaseIndex:
        """The read model, once it has applied every event stored so far."""
        self.fresh_view()
        return self.parts.index

    def close(self) -> None:
        super().close()
        if self._parts is not None:
            self._parts.close()

    # The access log: every read and every refusal.

    def granted(self, caller: Caller, object_type: str, object_ref: str, *,
                person: str | None = None) -> None:
        """Log a granted access; `person` is the pseudonym of the client a case is of (a
        client is logged under its pseudonym, `object_ref`)."""
        self._log_access(caller, object_type, object_ref, granted=True,
                         person=object_ref if object_type == "client" else person)

    def refused(self, caller: Caller, object_type: str, object_ref: str, *,
                person: str | None = None) -> None:
        self._log_access(caller, object_type, object_ref, granted=False,
                         person=object_ref if object_type == "client" else person)

    def access_log(self, *, object_ref: str | None = None, subject: str | None = None,
                   granted: bool | None = None, client_pseudonym: str | None = None,
                   limit: int = 100, offset: int = 0) -> list[Access]:
        """The access log, newest first, for auditors and the data protection officer."""
        return self.parts.access_log.entries(object_ref=object_ref, subject=subject,
                                             granted=granted, client_pseudonym=client_pseudonym,
                                             limit=limit, offset=offset)

    def access_counts(self, since: datetime, until: datetime) -> list[AccessCount]:
        """The accesses from `since` to `until` by role and purpose (the auditor's report)."""
        return self.parts.access_log.counts(since, until)

    def role_refused(self, caller: Caller, object_type: str, object_id: str) -> None:
        """Log a refusal for the caller's role, naming a client by its pseudonym if known
        (a case by its id, under its client's pseudonym)."""
        reference, person = object_id, None
        try:
            found: Any = self.repository.get(UUID(object_id))
        except (ValueError, AggregateNotFoundError):
            found = None
        if object_type == "client" and isinstance(found, Client):
            reference = person = found.pseudonym
        elif object_type == "case" and isinstance(found, Case):
            person = found.client_pseudonym
        self._log_access(caller, object_type, reference, granted=False, person=person)

    def _log_access(self, caller: Caller, object_type: str, object_ref: str, *,
                    granted: bool, person: str | None = None) -> None:
        self.parts.access_log.record(Access(
            subject=caller.subject, role=caller.role.value, object_type=object_type,
            object_ref=object_ref, purpose=caller.purpose, granted=granted,
            client_pseudonym=person))

    # Cases: caseworkers see and change their team's, auditors see all; others see nothing.

    def visible_case(self, case_id: UUID, caller: Caller, *, version: int | None = None,
                     as_of: datetime | None = None) -> Case:
        """The case (at a version or moment, if asked) if the caller may see it; else 404."""
        case = self._case_or_refuse(case_id, caller)
        if not _sees(caller, case.team):
            self.refused(caller, "case", str(case_id), person=case.client_pseudonym)
            raise NotFound(f"No case {case_id}.")
        if version is None and as_of is None:
            return case
        past: Case = load(self, case_id, version=version, as_of=as_of, what="case")
        return past

    def case_to_change(self, case_id: UUID, caller: Caller,
                       expected_version: int | None) -> Case:
        """The case if the caller may change it and has seen its latest version."""
        case = self._case_or_refuse(case_id, caller)
        if not _changes(caller, case.team):
            self.refused(caller, "case", str(case_id), person=case.client_pseudonym)
            if caller.role is Role.CASEWORKER:
                raise NotFound(f"No case {case_id}.")
            raise Refused(f"The role {caller.role.value} may not change cases.")
        check_version(case, expected_version, "case")
        return case

    def _case_or_refuse(self, case_id: UUID, caller: Caller) -> Case:
        try:
            case: Any = self.repository.get(case_id)
        except AggregateNotFoundError:
            case = None
        if not isinstance(case, Case):  # no such aggregate, or a client's id
            self.refused(caller, "case", str(case_id))
            raise NotFound(f"No case {case_id}.")
        return case

    # Clients: the teams with a case of the client, or, before the first case, the team that
    # registered it; auditors see pseudonyms. A client follows its cases: a team that hands
    # over its last case of the client no longer sees the client.

    def visible_client(self, client_id: UUID, caller: Caller) -> Client:
        """The client if the caller may see it; else 404 (and the refusal is logged)."""
        client = self.client_aggregate(client_id)
        if client is None:  # no such client: no person to log it under
            self._log_access(caller, "client", str(client_id), granted=False)
            raise NotFound(f"No client {client_id}.")
        if self.sees_client(caller, client):
            return client
        self.refused(caller, "client", client.pseudonym)
        raise NotFound(f"No client {client_id}.")

    def sees_client(self, caller: Caller, client: Client) -> bool:
        """Auditors and the data protection officer see every client, caseworkers their
        team's and those their team helps."""
        if caller.role in (Role.AUDITOR, Role.DATA_PROTECTION_OFFICER):
            return True
        # A client follows its cases: the registering team sees it only until a case exists,
        # so a team that hands over its last case of a client no longer sees the client.
        teams = self.index.teams_with_cases(client.pseudonym)
        return caller.role is Role.CASEWORKER and caller.team in (teams or {client.team})

    def same_person(self, name: str, birth_date: date, caller: Caller) -> list[Client]:
        """Visible clients whose name (as normalised) and birth date are these (found through
        the blind index, never by decrypting everyone)."""
        found = (self.client_aggregate(client_id)
                 for client_id in self.parts.vault.find(name, birth_date))
        return [client for client in found
                if client is not None and self.sees_client(caller, client)]

    def personal_data_of(self, client: Client, *, kind: Kind = Kind.GONE) -> PersonalData:
        """The client's personal data from the vault; `PersonalDataGone` once erased."""
        try:
            return self.parts.vault.read(client.id)
        except PersonalDataErased as error:
            raise PersonalDataGone("This client's personal data was erased.",
                                   kind=kind) from error

    def client_aggregate(self, client_id: UUID) -> Client | None:
        try:
            client: Any = self.repository.get(client_id)
        except AggregateNotFoundError:
            return None
        return client if isinstance(client, Client) else None

    @staticmethod
    def own_team(caller: Caller) -> str:
        """The caseworker's team; others may not register clients or open cases."""
        if caller.role is not Role.CASEWORKER or not caller.team:
            raise Refused("Only a caseworker of a team may do this.")
        return caller.team


def _sees(caller: Caller, team: str) -> bool:
    return caller.role is Role.AUDITOR or _changes(caller, team)


def _changes(caller: Caller, team: str) -> bool:
    return caller.role is Role.CASEWORKER and caller.team == team
