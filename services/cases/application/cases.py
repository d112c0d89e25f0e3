"""The cases application: load an aggregate, run one command, save."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.cases.domain import Case
from shared.auth import Principal, Role
from shared.eventstore import ServiceApplication
from shared.problems import Forbidden, NotFound

_log = logging.getLogger("wirkung.cases")


@dataclass(frozen=True)
class CaseView:
    """A case as the API shows it."""

    id: UUID
    version: int
    client_pseudonym: str
    field_of_action: str
    target_groups: list[str]
    district: str
    team: str
    legal_basis: str
    age_band: str
    opened_on: date
    status: str


class Cases(ServiceApplication):
    """Clients, cases, help-plan goals, services and outcomes."""

    def open_case(self, *, client_pseudonym: str, field_of_action: str,
                  target_groups: list[str], district: str, team: str, legal_basis: str,
                  age_band: str, actor: Principal, occurred_on: date) -> CaseView:
        if actor.role is Role.CASEWORKER and actor.team != team:
            raise Forbidden(f"Caseworkers open cases for their own team ({actor.team}) only.")
        case = Case(client_pseudonym=client_pseudonym, field_of_action=field_of_action,
                    target_groups=target_groups, district=district, team=team,
                    legal_basis=legal_basis, age_band=age_band, actor=actor.subject,
                    occurred_on=occurred_on)
        self.save(case)
        return _view(case)

    def case(self, case_id: UUID, *, reader: Principal) -> CaseView:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError as error:
            raise NotFound(f"No case {case_id}.") from error
        if reader.role is Role.CASEWORKER and reader.team != case.team:
            _log.warning("refused read of case %s by %s", case_id, reader.subject)
            raise NotFound(f"No case {case_id}.")
        return _view(case)


def _view(case: Case) -> CaseView:
    return CaseView(id=case.id, version=case.version, client_pseudonym=case.client_pseudonym,
                    field_of_action=case.field_of_action, target_groups=case.target_groups,
                    district=case.district, team=case.team, legal_basis=case.legal_basis,
                    age_band=case.age_band, opened_on=case.opened_on, status=case.status)
