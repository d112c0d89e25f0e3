"""Who is asking: a role and its scope, as a verified token says (see `shared.auth`), and why.

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


# The purpose a role reads for when the request names none (the cases service's `X-Purpose`).
DEFAULT_PURPOSES = {Role.CASEWORKER: "casework", Role.AUDITOR: "audit",
                    Role.DATA_PROTECTION_OFFICER: "erasure"}


@dataclass(frozen=True)
class Caller:
    """Who calls a command or a query (from the token) and why: every application takes one.

    The purpose goes into the access log with every read; a service that reads for one
    purpose only (agreements) always names that one.
    """

    principal: Principal
    purpose: str

    @classmethod
    def of(cls, principal: Principal, purpose: str | None = None) -> Caller:
        return cls(principal, purpose or DEFAULT_PURPOSES.get(principal.role, "unspecified"))

    @property
    def subject(self) -> str:
        return self.principal.subject

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def team(self) -> str | None:
        return self.principal.team

    @property
    def provider_id(self) -> str | None:
        return self.principal.provider_id
