"""Providers (Freie Träger): registered, updated, deactivated. No I/O here."""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.agreements.domain.errors import (
    NothingChangedError,
    ProviderAlreadyDeactivatedError,
    ProviderDeactivatedError,
)


class Provider(Aggregate):
    """An independent welfare provider (Freier Träger) the municipality funds."""

    class Registered(Aggregate.Created):
        name: str
        legal_form: str
        fields_of_action: list[str]
        contact: str
        actor: str
        occurred_on: date

    class Updated(Aggregate.Event):
        # Only the changed values; None means "unchanged".
        name: str | None
        legal_form: str | None
        fields_of_action: list[str] | None
        contact: str | None
        actor: str
        occurred_on: date

    class Deactivated(Aggregate.Event):
        actor: str
        occurred_on: date

    @classmethod
    def register(cls, *, name: str, legal_form: str, fields_of_action: list[str],
                 contact: str, actor: str, occurred_on: date,
                 provider_id: UUID | None = None) -> Provider:
        """Register a provider (under the id the application chose, if it chose one)."""
        return cls._create(cls.Registered, id=provider_id, name=name, legal_form=legal_form,
                           fields_of_action=fields_of_action, contact=contact, actor=actor,
                           occurred_on=occurred_on)

    @event(Registered)
    def __init__(self, *, name: str, legal_form: str, fields_of_action: list[str],
                 contact: str, actor: str, occurred_on: date) -> None:
        self.name = name
        self.legal_form = legal_form
        self.fields_of_action = list(fields_of_action)
        self.contact = contact
        self.active = True
        self.registered_on = occurred_on
        self.deactivated_on: date | None = None

    def update(self, *, name: str | None = None, legal_form: str | None = None,
               fields_of_action: list[str] | None = None, contact: str | None = None,
               actor: str, occurred_on: date) -> None:
        """Change the provider's details; pass only what changes."""
        if not self.active:
            raise ProviderDeactivatedError
        changed_name = _changed(self.name, name)
        changed_legal_form = _changed(self.legal_form, legal_form)
        changed_fields = _changed(self.fields_of_action, fields_of_action)
        changed_contact = _changed(self.contact, contact)
        if (changed_name, changed_legal_form, changed_fields, changed_contact) == (None,) * 4:
            raise NothingChangedError
        self._updated(name=changed_name, legal_form=changed_legal_form,
                      fields_of_action=changed_fields, contact=changed_contact,
                      actor=actor, occurred_on=occurred_on)

    @event(Updated)
    def _updated(self, *, name: str | None, legal_form: str | None,
                 fields_of_action: list[str] | None, contact: str | None, actor: str,
                 occurred_on: date) -> None:
        self.name = self.name if name is None else name
        self.legal_form = self.legal_form if legal_form is None else legal_form
        if fields_of_action is not None:
            self.fields_of_action = list(fields_of_action)
        self.contact = self.contact if contact is None else contact

    def deactivate(self, *, actor: str, occurred_on: date) -> None:
        """Stop working with the provider: it gets no new agreements."""
        if not self.active:
            raise ProviderAlreadyDeactivatedError
        self._deactivated(actor=actor, occurred_on=occurred_on)

    @event(Deactivated)
    def _deactivated(self, *, actor: str, occurred_on: date) -> None:
        self.active = False
        self.deactivated_on = occurred_on


T = TypeVar("T")


def _changed(current: T, new: T | None) -> T | None:
    return None if new is None or new == current else new
