"""Erasure of a client's personal data: on the data protection officer's order, or when the
retention period has run (who is due, and erasing them)."""

from __future__ import annotations

import logging
from datetime import date
from uuid import UUID

from services.cases.application.base import CasesBase
from services.cases.application.dtos import ClientDetails, client_details
from services.cases.domain import Client
from services.cases.retention import DueForErasure
from shared.errors import NotFound, Refused
from shared.history import StaleVersion
from shared.principals import Caller, Principal, Role

_log = logging.getLogger("wirkung.cases.retention")
# Who erases on the schedule: the access log and the erasure event name it.
RETENTION_SCHEDULE = Caller(Principal("wirkung-retention", Role.DATA_PROTECTION_OFFICER),
                            "retention")


class Erasure(CasesBase):
    """Crypto-shredding: the client's key destroyed, the erasure recorded."""

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

    def due_for_erasure(self, today: date) -> list[DueForErasure]:
        """Registered clients whose personal data is due by `today` and not yet erased."""
        due = []
        for pseudonym, field_of_action, closed_on, years, due_on in self.index.retention_due(
                self.parts.retention, today):
            client = self.client_aggregate(Client.create_id(pseudonym))
            if client is None or client.personal_data_erased:  # pseudonymous, or erased
                continue
            due.append(DueForErasure(client.id, pseudonym, field_of_action, closed_on, years,
                                     due_on))
        return due

    def erase_due(self, today: date) -> list[DueForErasure]:
        """Erase whoever is due (crypto-shredding); each erasure logged. What it erased."""
        erased = []
        for item in self.due_for_erasure(today):
            self.erase_personal_data(item.client_id, caller=RETENTION_SCHEDULE,
                                     occurred_on=today)
            _log.info("personal data of %s erased: %s", item.pseudonym, item.reason,
                      extra={"client_pseudonym": item.pseudonym})
            erased.append(item)
        return erased
