"""Purpose binding (Zweckbindung): why personal and case data may be read, and by whom.

Every read of a client's or a case's data names a purpose (the `X-Purpose` header)
from the caller's role's list; without one, the role's first purpose applies. A
purpose the catalog does not know, or does not allow the role, is refused (403) and
logged as refused. The catalog is the installation's: a JSON file
(`WIRKUNG_CASES_PURPOSES_FILE`) with a list of objects `{"key", "name",
"legal_basis", "roles"}`; without one, `DEFAULT_PURPOSES` below applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shared.auth import Role


class InvalidPurposes(ValueError):
    """A purposes file that cannot be read as a catalog."""


@dataclass(frozen=True)
class Purpose:
    """One purpose: its key (sent in `X-Purpose`), its name, its legal basis, who may."""

    key: str
    name: str
    legal_basis: str
    roles: frozenset[Role]


class Purposes:
    """The installation's catalog of purposes."""

    def __init__(self, purposes: Iterable[Purpose]) -> None:
        self.all = list(purposes)
        self._by_key = {purpose.key: purpose for purpose in self.all}
        if len(self._by_key) != len(self.all):
            raise InvalidPurposes("a purpose key appears twice")

    def for_role(self, role: Role) -> list[Purpose]:
        return [purpose for purpose in self.all if role in purpose.roles]

    def default_for(self, role: Role) -> str | None:
        """The role's first purpose: what a read without `X-Purpose` is for."""
        allowed = self.for_role(role)
        return allowed[0].key if allowed else None

    def allows(self, key: str, role: Role) -> bool:
        purpose = self._by_key.get(key)
        return purpose is not None and role in purpose.roles

    @classmethod
    def from_file(cls, path: Path) -> Purposes:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            return cls(Purpose(key=str(entry["key"]), name=str(entry["name"]),
                               legal_basis=str(entry["legal_basis"]),
                               roles=frozenset(Role(role) for role in entry["roles"]))
                       for entry in entries)
        except OSError as error:
            raise InvalidPurposes(f"cannot read {path}: {error.strerror or error}") from error
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidPurposes(f"{path}: a list of objects with key, name, legal_basis and "
                                  f"roles (of {', '.join(r.value for r in Role)}) is expected: "
                                  f"{error}") from error


DEFAULT_PURPOSES = Purposes([
    Purpose("casework", "Fallführung", "SGB X § 67c Abs. 1 (Erfüllung der Aufgabe)",
            frozenset({Role.CASEWORKER})),
    Purpose("assistance_planning", "Hilfeplanung", "SGB VIII § 36",
            frozenset({Role.CASEWORKER})),
    Purpose("handover", "Fallübergabe an ein anderes Team", "SGB X § 67c Abs. 1",
            frozenset({Role.CASEWORKER})),
    Purpose("audit", "Rechnungsprüfung", "SGB X § 67c Abs. 3 (Prüfung); Gemeindeordnung",
            frozenset({Role.AUDITOR})),
    Purpose("erasure", "Löschung", "DSGVO Art. 17; SGB X § 84",
            frozenset({Role.DATA_PROTECTION_OFFICER})),
    Purpose("retention", "Löschung nach Ablauf der Aufbewahrungsfrist",
            "SGB X § 84 Abs. 2; DSGVO Art. 17 Abs. 1 a", frozenset({Role.DATA_PROTECTION_OFFICER})),
    Purpose("subject_access", "Auskunft an die betroffene Person", "DSGVO Art. 15; SGB X § 83",
            frozenset({Role.DATA_PROTECTION_OFFICER})),
])
