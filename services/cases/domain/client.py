"""The client (Klient/in), known to the events by pseudonym only.

The person's data (name, birth date, address) never enters these events: the
application keeps it encrypted outside the event store, with a key per client,
and erasing the client destroys that key. The aggregate records that it happened.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.cases.domain.errors import (
    PersonalDataAlreadyErasedError,
    PersonalDataErasedError,
    UnknownGenderCategoryError,
)
from shared.vocabulary import GenderCategory

# Ids derive from the pseudonym, so one pseudonym can be registered only once.
_CLIENT_NAMESPACE = UUID("0b4c5a8e-2f61-4d7a-9c3e-636c69656e74")
_GENDER_CATEGORIES = frozenset(GenderCategory)


class Client(Aggregate):
    """A client of the social services, as a pseudonym and coarse attributes."""

    class Registered(Aggregate.Created):
        pseudonym: str
        gender_category: str | None
        team: str
        actor: str
        occurred_on: date

    class PersonalDataErased(Aggregate.Event):
        actor: str
        occurred_on: date

    class PersonalDataUpdated(Aggregate.Event):
        """The name, birth date or address changed; the new data is in the vault, not here."""

        actor: str
        occurred_on: date

    @staticmethod
    def create_id(pseudonym: str) -> UUID:
        return uuid5(_CLIENT_NAMESPACE, pseudonym)

    @classmethod
    def register(cls, *, pseudonym: str, team: str, actor: str, occurred_on: date,
                 gender_category: str | None = None) -> Client:
        if gender_category is not None and gender_category not in _GENDER_CATEGORIES:
            raise UnknownGenderCategoryError(f"{gender_category!r} is no gender category.")
        return cls(pseudonym=pseudonym, gender_category=gender_category, team=team,
                   actor=actor, occurred_on=occurred_on)

    @event(Registered)
    def __init__(self, *, pseudonym: str, gender_category: str | None, team: str, actor: str,
                 occurred_on: date) -> None:
        self.pseudonym = pseudonym
        self.gender_category = gender_category
        self.team = team
        self.registered_on = occurred_on
        self.erased_on: date | None = None

    @property
    def personal_data_erased(self) -> bool:
        return self.erased_on is not None

    def erase_personal_data(self, *, actor: str, occurred_on: date) -> None:
        if self.personal_data_erased:
            raise PersonalDataAlreadyErasedError("This client's personal data is already erased.")
        self._personal_data_erased(actor=actor, occurred_on=occurred_on)

    def update_personal_data(self, *, actor: str, occurred_on: date) -> None:
        if self.personal_data_erased:
            raise PersonalDataErasedError("This client's personal data was erased.")
        self._personal_data_updated(actor=actor, occurred_on=occurred_on)

    @event(PersonalDataErased)
    def _personal_data_erased(self, actor: str, occurred_on: date) -> None:
        self.erased_on = occurred_on

    @event(PersonalDataUpdated)
    def _personal_data_updated(self, actor: str, occurred_on: date) -> None:
        pass  # the data lives in the vault; the event records who changed it and when
