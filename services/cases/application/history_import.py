"""Importing a history that happened elsewhere: a migration's clients and cases, or the demo's.

Each step is recorded by the domain's own command, so every rule of a case holds, and
only a caseworker of the case's team records it, as with the live commands. A live command
reads this service's read models as of today; an import happened before them, so the
importer states those facts as they were on the day: how many services an agreement's
places were taken by, and when the client's last case closed. The importer names the
cases, goals and services it records (an import run twice records the same history). A
client may come without personal data (a history kept by pseudonym, as the simulation's):
it gets its key, but no birth date, so the importer states the age band of each of its
cases as it was on the day. Nothing is stored until `save`: the clients' personal data and
keys first, then every event recorded since, in one transaction (sealed as any other).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from services.cases.application.base import CasesBase, PersonalDataGone
from services.cases.domain import AgreementOnRecord, Case, Client, age_band_on, is_reentry
from services.cases.personal_data import PersonalData, PersonalDataErased
from shared.errors import Invalid, NotFound, Refused
from shared.principals import Caller, Role
from shared.vocabulary import AgeBand

AGE_BANDS = tuple(band.value for band in AgeBand)


class HistoryImport:
    """Clients and cases recorded here, in memory, until `save`."""

    def __init__(self, cases: CasesBase) -> None:
        self._cases = cases
        self._clients: list[tuple[Client, PersonalData | None]] = []
        self._changed: dict[UUID, Case] = {}
        self._registered: dict[UUID, tuple[str, date | None]] = {}  # pseudonym, birth date

    def register_client(self, *, pseudonym: str, personal_data: PersonalData | None,
                        gender_category: str | None, caller: Caller,
                        occurred_on: date) -> UUID:
        """Register a client of the caller's team under the pseudonym it had (without
        personal data if the history has none)."""
        client = Client.register(pseudonym=pseudonym, team=self._cases.own_team(caller),
                                 actor=caller.subject, occurred_on=occurred_on,
                                 gender_category=gender_category)
        self._clients.append((client, personal_data))
        self._registered[client.id] = (
            pseudonym, personal_data.birth_date if personal_data is not None else None)
        return client.id

    def open_case(self, *, client_id: UUID, field_of_action: str, target_groups: list[str],
                  district: str, legal_basis: str, caller: Caller, occurred_on: date,
                  last_closure: date | None = None, age_band: str | None = None,
                  case_id: UUID | None = None) -> UUID:
        """Open a case of a registered client for the caller's team, in the client's age band
        on that day (`age_band`, stated, for a client without a birth date here, and only
        then); a re-entry if `last_closure` (of the client's last case) was recent."""
        pseudonym, birth_date = self._client(client_id)
        case = Case.open(
            case_id=case_id or uuid4(), client_pseudonym=pseudonym,
            field_of_action=field_of_action, target_groups=target_groups, district=district,
            team=self._cases.own_team(caller), legal_basis=legal_basis,
            age_band=_age_band(birth_date, age_band, occurred_on),
            actor=caller.subject, occurred_on=occurred_on,
            reentry=is_reentry(last_closure, occurred_on))
        self._changed[case.id] = case
        return case.id

    def assess(self, case_id: UUID, *, summary: str, caller: Caller,
               occurred_on: date) -> None:
        self._case(case_id, caller).assess(summary=summary, actor=caller.subject,
                                           occurred_on=occurred_on)

    def set_goal(self, case_id: UUID, *, goal_id: UUID, title: str, levels: Mapping[str, str],
                 baseline: int, weight: Decimal | int | str, caller: Caller,
                 occurred_on: date) -> None:
        self._case(case_id, caller).set_goal(
            goal_id=goal_id, title=title, levels=levels, baseline=baseline, weight=weight,
            actor=caller.subject, occurred_on=occurred_on)

    def review_goal(self, case_id: UUID, goal_id: UUID, *, level: int, note: str,
                    caller: Caller, occurred_on: date) -> None:
        self._case(case_id, caller).review_goal(goal_id=goal_id, level=level, note=note,
                                                actor=caller.subject, occurred_on=occurred_on)

    def assign_service(self, case_id: UUID, *, service_id: UUID, agreement: AgreementOnRecord,
                       running_services: int, units_planned: Decimal | int, start_date: date,
                       caller: Caller, occurred_on: date, end_date: date | None = None) -> None:
        """Assign a service under the agreement as it was on record, with `running_services`
        of its places taken then (AssignmentError if it did not admit one more)."""
        self._case(case_id, caller).assign_service_under(
            agreement, running_services=running_services, service_id=service_id,
            agreement_id=agreement.agreement_id, units_planned=units_planned,
            start_date=start_date, actor=caller.subject, occurred_on=occurred_on,
            end_date=end_date)

    def record_delivery(self, case_id: UUID, service_id: UUID, *, period: str,
                        units: Decimal | int, caller: Caller, occurred_on: date) -> None:
        self._case(case_id, caller).record_delivery(
            service_id=service_id, period=period, units=units, actor=caller.subject,
            occurred_on=occurred_on)

    def end_service(self, case_id: UUID, service_id: UUID, *, reason: str, caller: Caller,
                    occurred_on: date) -> None:
        self._case(case_id, caller).end_service(service_id=service_id, reason=reason,
                                                actor=caller.subject, occurred_on=occurred_on)

    def close_case(self, case_id: UUID, *, reason: str, caller: Caller,
                   occurred_on: date) -> None:
        self._case(case_id, caller).close(reason=reason, actor=caller.subject,
                                          occurred_on=occurred_on)

    def reopen_case(self, case_id: UUID, *, reason: str, caller: Caller,
                    occurred_on: date) -> None:
        self._case(case_id, caller).reopen(reason=reason, actor=caller.subject,
                                           occurred_on=occurred_on)

    def save(self) -> int:
        """Store what was recorded since the last save; how many events that was.

        The personal data and the keys go into the vault first and out again if the save
        fails. The read model catches up on its own: an import does not wait for it.
        """
        clients = self._clients
        recorded = [*(client for client, _ in clients), *self._changed.values()]
        events = sum(len(aggregate.pending_events) for aggregate in recorded)
        vault = self._cases.parts.vault
        with_data = [(client.id, data) for client, data in clients if data is not None]
        by_pseudonym = [client.id for client, data in clients if data is None]
        if with_data:
            vault.store_many(with_data)
        if by_pseudonym:
            vault.make_keys(by_pseudonym)
        try:
            self._cases.save(*recorded)
        except BaseException:
            for client, _ in clients:
                vault.erase(client.id)
            raise
        self._clients, self._changed = [], {}
        return events

    def _client(self, client_id: UUID) -> tuple[str, date | None]:
        """The pseudonym and birth date (None if imported without) of a client registered
        here or before."""
        if client_id in self._registered:
            return self._registered[client_id]
        client = self._cases.client_aggregate(client_id)
        if client is None:
            raise NotFound(f"No client {client_id}.")
        try:
            return client.pseudonym, self._cases.parts.vault.read(client_id).birth_date
        except PersonalDataErased:
            if client.personal_data_erased:
                raise PersonalDataGone("This client's personal data was erased.") from None
            return client.pseudonym, None  # a key only: imported without personal data

    def _case(self, case_id: UUID, caller: Caller) -> Case:
        """The case recorded here (or stored before) if the caller's team has it."""
        case = self._changed.get(case_id)
        if case is None:
            found = self._cases.repository.get(case_id) if case_id in self._cases.repository \
                else None
            if not isinstance(found, Case):
                raise NotFound(f"No case {case_id}.")
            case = self._changed[case_id] = found
        if caller.role is not Role.CASEWORKER:
            raise Refused(f"The role {caller.role.value} may not change cases.")
        if caller.team != case.team:
            raise NotFound(f"No case {case_id}.")
        return case


def _age_band(birth_date: date | None, stated: str | None, day: date) -> str:
    """The age band on the day from the birth date, or as stated for a client without one."""
    if birth_date is not None and stated is None:
        return age_band_on(birth_date, day).value
    if birth_date is None and stated in AGE_BANDS:
        return str(stated)
    raise Invalid("A case's age band comes from its client's birth date; state one of "
                  f"{', '.join(AGE_BANDS)} only for a client imported without it.")


class HistoryImports(CasesBase):
    """Record a history that happened elsewhere (see `HistoryImport`)."""

    def import_history(self) -> HistoryImport:
        return HistoryImport(self)
