"""Clients: registered with their personal data sealed in the vault, read, erased."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.cases.application.base import PersonalDataGone
from services.cases.application.client_search import ClientSearch
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.domain import Client, age_band_on
from services.cases.personal_data import PersonalData, PersonalDataErased
from shared.errors import Conflict, Kind, NotFound, Refused
from shared.history import StaleVersion
from shared.principals import Caller, Role


@dataclass(frozen=True)
class RegisteredClient:
    """A case's client, registered here: pseudonym and age band come from the record."""

    client_id: UUID


@dataclass(frozen=True)
class PseudonymousClient:
    """A case's client known only by a pseudonym (not registered here), with an age band."""

    pseudonym: str
    age_band: str


ClientRef = RegisteredClient | PseudonymousClient


def new_pseudonym() -> str:
    return f"p-{secrets.token_hex(8)}"


class ClientCommands(ClientSearch):
    """Register, read and erase clients."""

    def register_client(self, *, personal_data: PersonalData, gender_category: str | None,
                        caller: Caller, occurred_on: date,
                        register_anyway: bool = False) -> ClientDetails:
        """Register a client; 409 if the team knows the person already, unless told anyway."""
        team = self.own_team(caller)
        if not register_anyway:
            self.refuse_if_known(personal_data.name, personal_data.birth_date, caller)
        client = Client.register(pseudonym=new_pseudonym(), team=team,
                                 actor=caller.subject, occurred_on=occurred_on,
                                 gender_category=gender_category)
        self.parts.vault.store(client.id, personal_data)
        try:
            self.save(client)
        except BaseException:
            self.parts.vault.erase(client.id)
            raise
        return client_details(client)

    def client(self, client_id: UUID, *, caller: Caller) -> ClientDetails:
        """The client; the personal data for caseworkers, the pseudonym only for auditors."""
        client = self.visible_client(client_id, caller)
        self.granted(caller, "client", client.pseudonym)
        if caller.role is Role.AUDITOR:
            return client_details(client)
        return client_details(client, self._personal_data(client))

    def erase_personal_data(self, client_id: UUID, *, caller: Caller, occurred_on: date,
                            expected_version: int | None = None) -> ClientDetails:
        """Destroy the client's key (the data is unreadable for good) and record that."""
        if caller.role is not Role.DATA_PROTECTION_OFFICER:
            raise Refused("Only the data protection officer erases personal data.")
        client = self.client_aggregate(client_id)
        if client is None:
            raise NotFound(f"No client {client_id}.")
        if expected_version is not None and client.version != expected_version:
            raise StaleVersion(f"The client is at version {client.version}, not "
                               f"{expected_version}; read it again and retry.")
        client.erase_personal_data(actor=caller.subject, occurred_on=occurred_on)
        self.granted(caller, "client", client.pseudonym)
        # Key first: a failure after it leaves data gone and the erasure to record again.
        self.parts.vault.erase(client.id)
        self.save(client)
        return client_details(client)

    def client_at_opening(self, client: ClientRef, caller: Caller,
                          opened_on: date) -> tuple[str, str]:
        """The pseudonym and age band a new case of this client records."""
        if isinstance(client, PseudonymousClient):
            if Client.create_id(client.pseudonym) in self.repository:
                raise Conflict("This pseudonym belongs to a registered client; open the "
                               "case with its client_id.", rule="client_registered")
            return client.pseudonym, client.age_band
        registered = self.visible_client(client.client_id, caller)
        self.granted(caller, "client", registered.pseudonym)
        birth_date = self._personal_data(registered, kind=Kind.CONFLICT).birth_date
        return registered.pseudonym, age_band_on(birth_date, opened_on).value

    def _personal_data(self, client: Client, *, kind: Kind = Kind.GONE) -> PersonalData:
        try:
            return self.parts.vault.read(client.id)
        except PersonalDataErased as error:
            raise PersonalDataGone("This client's personal data was erased.",
                                   kind=kind) from error
