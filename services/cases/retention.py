"""Retention periods (Löschfristen): when a person's personal data falls due for erasure.

A period is set per field of action, in years, counted from the closure of the
person's cases: the data falls due when every case of the person is closed and the
last of their periods has run (a case of youth welfare closed in 2020 and one of
housing closed in 2023 keep the data until the later of 2030 and 2028). A reopened
case is open: its person is not due. Erasure is crypto-shredding (the client's key is
destroyed, as when the data protection officer erases); the cases still count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

# Years after the closure, per field of action; the installation may set its own.
DEFAULT_YEARS: Mapping[str, int] = {"jugend": 10, "soziales": 10, "gesundheit": 10,
                                    "wohnen": 5, "arbeit": 5, "bildung": 5}


@dataclass(frozen=True)
class RetentionPeriods:
    """Years to keep personal data after the closure, per field of action."""

    years: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_YEARS))
    otherwise: int = 10  # a field of action without a period of its own

    def of(self, field_of_action: str) -> int:
        return self.years.get(field_of_action, self.otherwise)


@dataclass(frozen=True)
class DueForErasure:
    """A person whose personal data is due, and why: the case whose period ran last."""

    client_id: UUID
    pseudonym: str
    field_of_action: str
    closed_on: date
    years: int
    due_on: date

    @property
    def reason(self) -> str:
        return (f"every case closed; the last period ({self.field_of_action}, {self.years} "
                f"years after the closure on {self.closed_on.isoformat()}) ran on "
                f"{self.due_on.isoformat()}")
