"""Who is asking: a role and its scope, as a verified token says (see `shared.auth`).

Framework-free, so that the applications name their callers without importing the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PROVIDER = "provider"
    CASEWORKER = "caseworker"
    CONTRACT_MANAGER = "contract_manager"
    AUDITOR = "auditor"
    DATA_PROTECTION_OFFICER = "data_protection_officer"


@dataclass(frozen=True)
class Principal:
    """Who is asking, as the token says."""

    subject: str
    role: Role
    provider_id: str | None = None
    team: str | None = None

    @property
    def has_scope(self) -> bool:
        """Whether the role's scope is named: a caseworker's team, a provider's id."""
        return scope_is_named(self.role, team=self.team, provider_id=self.provider_id)


def scope_is_named(role: Role, *, team: str | None, provider_id: str | None) -> bool:
    """A caseworker acts for a team and a provider for itself; other roles need no scope."""
    if role is Role.CASEWORKER:
        return bool(team)
    if role is Role.PROVIDER:
        return bool(provider_id)
    return True
