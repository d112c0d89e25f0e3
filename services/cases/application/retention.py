"""Erasure when the retention period has run: who is due, and erasing them."""

from __future__ import annotations

import logging
from datetime import date

from services.cases.application.client_update import ClientUpdates
from services.cases.domain import Client
from services.cases.retention import DueForErasure
from shared.principals import Caller, Principal, Role

_log = logging.getLogger("wirkung.cases.retention")
# Who erases on the schedule: the access log and the erasure event name it.
RETENTION_SCHEDULE = Caller(Principal("wirkung-retention", Role.DATA_PROTECTION_OFFICER),
                            "retention")


class RetentionErasure(ClientUpdates):
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
