"""Cases: opened for a client, read, and changed by one command at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

from services.cases.application.base import CasesBase
from services.cases.application.clients import ClientRef, PseudonymousClient
from services.cases.application.dtos import (
    CaseDetails,
    CasePage,
    CaseQuery,
    GoalDetails,
    ServiceDetails,
    case_details,
)
from services.cases.application.sealing import opened_history
from services.cases.application.workspace_dtos import CaseOrder, WorkKind
from services.cases.domain import Case, Client, age_band_on, is_reentry
from shared.errors import Conflict, Kind, NotFound, Refused
from shared.history import HistoryEntry, history
from shared.principals import Caller, Role

Part = TypeVar("Part", GoalDetails, ServiceDetails)


class CaseCommands(CasesBase):
    """Open, read and change cases: help-plan goals, services, deliveries, closure."""

    def open_case(self, *, client: ClientRef, field_of_action: str, target_groups: list[str],
                  district: str, legal_basis: str, caller: Caller, occurred_on: date,
                  team: str | None = None) -> CaseDetails:
        own_team = self.own_team(caller)
        if team is not None and team != own_team:
            raise Refused(f"Caseworkers open cases for their own team ({own_team}) only.")
        pseudonym, age_band = self._client_at_opening(client, caller, occurred_on)
        last_closure = self.index.last_closure(pseudonym, on_or_before=occurred_on)
        case = Case(client_pseudonym=pseudonym, field_of_action=field_of_action,
                    target_groups=target_groups, district=district, team=own_team,
                    legal_basis=legal_basis, age_band=age_band, actor=caller.subject,
                    occurred_on=occurred_on, reentry=is_reentry(last_closure, occurred_on))
        self.save(case)
        return self.details(case)

    # Reads: each one is in the access log.

    def case(self, case_id: UUID, *, caller: Caller, version: int | None = None,
             as_of: datetime | None = None) -> CaseDetails:
        case = self.visible_case(case_id, caller, version=version, as_of=as_of)
        self.granted(caller, "case", str(case_id), person=case.client_pseudonym)
        return self.named(case_details(case, self.texts_for(case, caller)))

    def details(self, case: Case) -> CaseDetails:
        """The case as handed out: its free text opened, its agreements named."""
        return self.named(case_details(case, self.texts(case)))

    def goal(self, case_id: UUID, goal_id: UUID, *, caller: Caller) -> GoalDetails:
        details = self.case(case_id, caller=caller)
        return _one(details.goals, goal_id, f"No goal {goal_id} in case {case_id}.")

    def service(self, case_id: UUID, service_id: UUID, *, caller: Caller) -> ServiceDetails:
        details = self.case(case_id, caller=caller)
        return _one(details.services, service_id, f"No service {service_id} in case {case_id}.")

    def case_history(self, case_id: UUID, *, caller: Caller) -> list[HistoryEntry]:
        case = self.visible_case(case_id, caller)
        self.granted(caller, "case", str(case_id), person=case.client_pseudonym)
        return opened_history(history(self, case_id), self.texts_for(case, caller))

    def cases(self, *, caller: Caller, status: str | None = None,
              field_of_action: str | None = None, district: str | None = None,
              limit: int = 50, offset: int = 0, reentry: bool | None = None,
              due: WorkKind | None = None,
              sort: CaseOrder = CaseOrder.NEWEST_FIRST,
              client_pseudonym: str | None = None) -> CasePage:
        """A page of the caller's team's cases (auditors: of every team); of one client if
        a pseudonym is given, logged under that pseudonym so the log reads per person."""
        team = None if caller.role is Role.AUDITOR else self.own_team(caller)
        self.granted(caller, "case_list", client_pseudonym or f"team:{team or '*'}")
        return self.index.cases(CaseQuery(
            team=team, status=status, field_of_action=field_of_action, district=district,
            limit=limit, offset=offset, reentry=reentry, due=due, sort=sort,
            today=self.today(), deadlines=self.parts.deadlines,
            client_pseudonym=client_pseudonym))

    # Commands on a case: the caller's team only, at the version the caller read.

    def assess(self, case_id: UUID, *, summary: str, caller: Caller, occurred_on: date,
               expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.assess(
            summary=summary, actor=caller.subject, occurred_on=occurred_on))

    def set_goal(self, case_id: UUID, *, title: str, levels: dict[str, str], baseline: int,
                 weight: Decimal | int, caller: Caller, occurred_on: date,
                 expected_version: int | None = None) -> tuple[CaseDetails, UUID]:
        goal_id = uuid4()
        return self._change(case_id, caller, expected_version, lambda case: case.set_goal(
            goal_id=goal_id, title=title, levels=levels, baseline=baseline, weight=weight,
            actor=caller.subject, occurred_on=occurred_on)), goal_id

    def review_goal(self, case_id: UUID, goal_id: UUID, *, level: int, note: str,
                    caller: Caller, occurred_on: date,
                    expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.review_goal(
            goal_id=goal_id, level=level, note=note, actor=caller.subject,
            occurred_on=occurred_on))

    def assign_service(self, case_id: UUID, *, agreement_id: UUID, units_planned: Decimal | int,
                       start_date: date, caller: Caller, occurred_on: date,
                       expected_version: int | None = None,
                       end_date: date | None = None) -> tuple[CaseDetails, UUID]:
        """Assign a service under an agreement the replica says admits it."""
        service_id = uuid4()
        case = self.case_to_change(case_id, caller, expected_version)
        agreements = self.parts.agreements
        # Counting the places taken and saving the new service must not interleave.
        with agreements.assignment_lock(agreement_id):
            case.assign_service_under(
                agreements.agreement(agreement_id),
                running_services=self.index.running_services(agreement_id),
                service_id=service_id, agreement_id=agreement_id,
                units_planned=units_planned, start_date=start_date, actor=caller.subject,
                occurred_on=occurred_on, end_date=end_date)
            self.save(case)
        return self.details(case), service_id

    def record_delivery(self, case_id: UUID, service_id: UUID, *, period: str,
                        units: Decimal | int, caller: Caller, occurred_on: date,
                        expected_version: int | None = None) -> CaseDetails:
        delivery_id = uuid4()
        return self._change(case_id, caller, expected_version, lambda case: (
            case.record_delivery(service_id=service_id, period=period, units=units,
                                 actor=caller.subject, occurred_on=occurred_on,
                                 delivery_id=delivery_id)))

    def end_service(self, case_id: UUID, service_id: UUID, *, reason: str, caller: Caller,
                    occurred_on: date, expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.end_service(
            service_id=service_id, reason=reason, actor=caller.subject,
            occurred_on=occurred_on))

    def close_case(self, case_id: UUID, *, reason: str, caller: Caller, occurred_on: date,
                   expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.close(
            reason=reason, actor=caller.subject, occurred_on=occurred_on))

    def reopen_case(self, case_id: UUID, *, reason: str, caller: Caller, occurred_on: date,
                    expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.reopen(
            reason=reason, actor=caller.subject, occurred_on=occurred_on))

    def withdraw_goal(self, case_id: UUID, goal_id: UUID, *, reason: str, caller: Caller,
                      occurred_on: date, expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: case.withdraw_goal(
            goal_id=goal_id, reason=reason, actor=caller.subject, occurred_on=occurred_on))

    def reverse_delivery(self, case_id: UUID, service_id: UUID, delivery_id: UUID, *,
                         reason: str, caller: Caller, occurred_on: date,
                         expected_version: int | None = None) -> CaseDetails:
        return self._change(case_id, caller, expected_version, lambda case: (
            case.reverse_delivery(service_id=service_id, delivery_id=delivery_id,
                                  reason=reason, actor=caller.subject,
                                  occurred_on=occurred_on)))

    def hand_over(self, case_id: UUID, *, team: str, reason: str, caller: Caller,
                  occurred_on: date, expected_version: int | None = None) -> CaseDetails:
        """Hand the case to another team; from then on only that team sees it."""
        handed = self._change(case_id, caller, expected_version, lambda case: case.hand_over(
            to_team=team, reason=reason, actor=caller.subject, occurred_on=occurred_on))
        # Another team sees the case and its client from now on: a disclosure to log.
        self.granted(caller, "case_handover", str(case_id), person=handed.client_pseudonym)
        return handed

    def _client_at_opening(self, client: ClientRef, caller: Caller,
                           opened_on: date) -> tuple[str, str]:
        """The pseudonym and age band a new case of this client records."""
        if isinstance(client, PseudonymousClient):
            if Client.create_id(client.pseudonym) in self.repository:
                raise Conflict("This pseudonym belongs to a registered client; open the "
                               "case with its client_id.", rule="client_registered")
            return client.pseudonym, client.age_band
        registered = self.visible_client(client.client_id, caller)
        self.granted(caller, "client", registered.pseudonym)
        birth_date = self.personal_data_of(registered, kind=Kind.CONFLICT).birth_date
        return registered.pseudonym, age_band_on(birth_date, opened_on).value

    def _change(self, case_id: UUID, caller: Caller, expected_version: int | None,
                command: Callable[[Case], Any]) -> CaseDetails:
        case = self.case_to_change(case_id, caller, expected_version)
        command(case)
        self.save(case)
        return self.details(case)


def _one(parts: list[Part], part_id: UUID, missing: str) -> Part:
    found = [part for part in parts if part.id == part_id]
    if not found:
        raise NotFound(missing)
    return found[0]
