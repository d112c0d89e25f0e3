"""Cases (Einzelfälle): aggregates, their events and rules. No I/O here."""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate, event


class CaseError(Exception):
    """A rule about cases was broken."""


class Case(Aggregate):
    """One client's case, from opening to closure, as caseworkers log it."""

    class Opened(Aggregate.Created):
        client_pseudonym: str
        field_of_action: str
        target_groups: list[str]
        district: str
        team: str
        legal_basis: str
        age_band: str
        actor: str
        occurred_on: date

    @event(Opened)
    def __init__(self, *, client_pseudonym: str, field_of_action: str, target_groups: list[str],
                 district: str, team: str, legal_basis: str, age_band: str, actor: str,
                 occurred_on: date) -> None:
        self.client_pseudonym = client_pseudonym
        self.field_of_action = field_of_action
        self.target_groups = list(target_groups)
        self.district = district
        self.team = team
        self.legal_basis = legal_basis
        self.age_band = age_band
        self.opened_on = occurred_on
        self.status = "open"
