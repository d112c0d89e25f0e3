"""Providers (Freie Träger): aggregates, their events and rules. No I/O here."""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate, event


class ProviderError(Exception):
    """A rule about providers was broken."""


class Provider(Aggregate):
    """An independent welfare provider (Freier Träger) the municipality funds."""

    class Registered(Aggregate.Created):
        name: str
        legal_form: str
        fields_of_action: list[str]
        contact: str
        actor: str
        occurred_on: date

    @event(Registered)
    def __init__(self, *, name: str, legal_form: str, fields_of_action: list[str],
                 contact: str, actor: str, occurred_on: date) -> None:
        self.name = name
        self.legal_form = legal_form
        self.fields_of_action = list(fields_of_action)
        self.contact = contact
        self.active = True
        self.registered_on = occurred_on
