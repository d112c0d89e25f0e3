"""Finding a client by name and birth date through the blind index, never decrypting everyone."""

from __future__ import annotations

from datetime import date

from services.cases.application.base import CasesBase
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.personal_data import PersonalDataErased
from shared.principals import Caller, Role


class ClientSearch(CasesBase):
    """Clients the caller may see, found by their name and birth date."""

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
