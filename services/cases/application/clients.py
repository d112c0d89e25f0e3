"""Clients: registered with their personal data sealed in the vault, read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.cases.application.base import CasesBase
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.domain import Client
from services.cases.personal_data import PersonalData
from shared.errors import Conflict
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


class ClientAlreadyKnown(Conflict):
    """The person is registered with the caller's team already (`matches` names them)."""

    title = "Client already known"
    rule = "client_already_known"


def new_pseudonym() -> str:
    return f"p-{secrets.token_hex(8)}"


class ClientCommands(CasesBase):
    """Register and read clients."""

    def register_client(self, *, personal_data: PersonalData, gender_category: str | None,
                        caller: Caller, occurred_on: date,
                        register_anyway: bool = False) -> ClientDetails:
        """Register a client; 409 if the team knows the person already, unless told anyway."""
        team = self.own_team(caller)
        if not register_anyway:
            self._refuse_if_known(personal_data.name, personal_data.birth_date, caller)
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
        return client_details(client, self.personal_data_of(client))

    def _refuse_if_known(self, name: str, birth_date: date, caller: Caller) -> None:
        """409 naming the caller's clients who are this person, if there are any."""
        known = self.same_person(name, birth_date, caller)
        if known:
            # The refusal names clients: a disclosure, logged as a search finding them is.
            self.granted(caller, "client_search", f"team:{self.own_team(caller)}")
            for client in known:
                self.granted(caller, "client", client.pseudonym)
            raise ClientAlreadyKnown(
                "Your team knows a client of this name and birth date; open that one, or "
                "register anyway (register_anyway) if it is another person.",
                extensions={"matches": [str(client.id) for client in known]})
