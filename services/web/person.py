"""Who is signed in, as the session holds it (the token, and what its claims say)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from shared.auth import Role

# Where each role starts.
HOMES = {
    Role.CASEWORKER.value: "/faelle",
    Role.PROVIDER.value: "/meine-vereinbarungen",
    Role.CONTRACT_MANAGER.value: "/steuerung",
    Role.AUDITOR.value: "/revision",
    Role.DATA_PROTECTION_OFFICER.value: "/datenschutz",
}


@dataclass(frozen=True)
class Person:
    """The signed-in person: their bearer token for the services and its claims."""

    token: str
    subject: str
    role: str
    expires_at: int
    team: str | None = None
    provider_id: str | None = None
    id_token: str | None = None

    @property
    def expired(self) -> bool:
        # A few seconds early: the token must still be valid when the service reads it.
        return time.time() > self.expires_at - 5

    @property
    def is_caseworker(self) -> bool:
        return self.role == Role.CASEWORKER.value

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER.value

    @property
    def is_contract_manager(self) -> bool:
        return self.role == Role.CONTRACT_MANAGER.value

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR.value

    @property
    def is_data_protection_officer(self) -> bool:
        return self.role == Role.DATA_PROTECTION_OFFICER.value

    def as_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, session: dict[str, Any]) -> Person | None:
        data = session.get("person")
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def home_of(person: Person | None) -> str:
    """The first page of the person's role (the sign-in for no one)."""
    return HOMES.get(person.role, "/anmelden") if person else "/anmelden"
