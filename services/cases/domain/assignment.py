"""Which agreement admits a new service: active on its start, same field, a free place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.cases.domain import errors


@dataclass(frozen=True)
class AgreementOnRecord:
    """A service agreement (Leistungsvereinbarung) as the agreements topic told the cases service.

    Its standing on a day follows the agreements service's own rule: signed on
    or before that day, within the term, not terminated, not suspended.
    """

    agreement_id: UUID
    field_of_action: str
    pricing_unit: str
    capacity: int
    term_start: date
    term_end: date
    signed_on: date | None = None
    termination_date: date | None = None
    # Each suspension from its first day until (not including) the day it was resumed.
    suspensions: tuple[tuple[date, date | None], ...] = ()

    def is_active_on(self, day: date) -> bool:
        if self.signed_on is None or day < self.signed_on:
            return False
        if self.termination_date is not None and day >= self.termination_date:
            return False
        if not self.term_start <= day <= self.term_end:
            return False
        return not any(since <= day and (until is None or day < until)
                       for since, until in self.suspensions)

    def places_left(self, running_services: int) -> int:
        """Places no running service takes (none, too, when a cut left it overbooked)."""
        return max(self.capacity - running_services, 0)


def admitting_agreement(agreement: AgreementOnRecord | None, *, agreement_id: UUID,
                        field_of_action: str, start_date: date,
                        running_services: int) -> AgreementOnRecord:
    """The agreement, if it admits one more service of this field from `start_date` on."""
    if agreement is None:
        raise errors.AgreementUnknownError(f"Agreement {agreement_id} is not known.")
    if not agreement.is_active_on(start_date):
        raise errors.AgreementNotActiveError(
            f"Agreement {agreement_id} is not active on {start_date.isoformat()}.")
    if agreement.field_of_action != field_of_action:
        raise errors.AgreementFieldOfActionMismatchError(
            f"Agreement {agreement_id} covers {agreement.field_of_action}, "
            f"not {field_of_action}.")
    if agreement.places_left(running_services) == 0:
        raise errors.AgreementFullyBookedError(
            f"All {agreement.capacity} places of agreement {agreement_id} are taken.")
    return agreement
