"""Finding a client by name and birth date through the blind index, never decrypting everyone."""

from __future__ import annotations

from datetime import date

from services.cases.application.base import CasesBase
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.domain import Client
from services.cases.personal_data import PersonalDataErased
from shared.errors import Conflict
from shared.principals import Caller, Role


class ClientAlreadyKnown(Conflict):
    """The person is registered with the caller's team already (`matches` names them)."""

    title = "Client already known"
    rule = "client_already_known"


class ClientSearch(CasesBase):
    """Clients the caller may see, found by their name and birth date."""

    def same_person(self, name: str, birth_date: date, caller: Caller) -> list[Client]:
        """Visible clients whose name (as normalised) and birth date are these."""
        found = (self.client_aggregate(client_id)
                 for client_id in self.parts.vault.find(name, birth_date))
        return [client for client in found
                if client is not None and self.sees_client(caller, client)]

    def find_clients(self, *, name: str, birth_date: date,
                     caller: Caller) -> list[ClientDetails]:
        """The caller's team's clients of this name and birth date, with their personal data
        (the data protection officer's search, for a person's request, spans every team)."""
        scope = ("all" if caller.role is Role.DATA_PROTECTION_OFFICER
                 else f"team:{self.own_team(caller)}")
        self.granted(caller, "client_search", scope)
        found = []
        for client in self.same_person(name, birth_date, caller):
            try:
                personal_data = self.parts.vault.read(client.id)
            except PersonalDataErased:
                continue  # erased since the index was read
            self.granted(caller, "client", client.pseudonym)
            found.append(client_details(client, personal_data))
        return found

    def refuse_if_known(self, name: str, birth_date: date, caller: Caller) -> None:
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
