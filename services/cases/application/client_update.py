"""Changing a client's name, birth date or address: sealed anew, the blind index with it."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from services.cases.application.base import CasesBase
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.personal_data import PersonalData
from shared.history import check_version
from shared.principals import Caller


class ClientUpdates(CasesBase):
    """The one command on a client's personal data besides its erasure."""

    def update_personal_data(self, client_id: UUID, *, personal_data: PersonalData,
                             caller: Caller,
                             expected_version: int | None = None) -> ClientDetails:
        """New data for a client the caller may see: 404 otherwise, 410 once erased, 409
        when the caller read another version."""
        self.own_team(caller)
        vault = self.parts.vault
        # Checked and written under a lock: a second change waits, then finds a new version.
        with vault.changing(client_id):
            client = self.visible_client(client_id, caller)
            previous = self.personal_data_of(client)
            check_version(client, expected_version, "client")
            client.update_personal_data(actor=caller.subject, occurred_on=self.today())
            changed = replace(personal_data, gender=previous.gender)
            vault.replace(client.id, changed)
            try:
                self.save(client)
            except BaseException:
                vault.replace(client.id, previous)  # never revives data erased meanwhile
                raise
        self.granted(caller, "client", client.pseudonym)
        return client_details(client, changed)
