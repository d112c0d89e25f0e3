"""The caseworker's free text sealed on its way into the event store, opened on its way out.

A case's commands record plain text in their events; when the application
saves a case, its mapper seals the free text of each event (`FREE_TEXT`) with
the key of the case's client, so only ciphertext is stored, hashed into the
audit chain and kept in backups. Reads open it with the same key; once the
client is erased, every text reads as `ERASED_TEXT`. The relay, the read
model and the audit chain never need to open anything.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from services.cases.domain import FREE_TEXT, Case, Client
from services.cases.personal_data import SECURE, PersonalDataErased, Randomness, Vault
from services.cases.sealed_text import is_sealed, seal, unseal
from shared.history import HistoryEntry

Text = Callable[[str], str]
# Whether the client's erasure is recorded (for a client erased before the vault kept a
# keyless row for each erased key, the vault alone cannot tell).
ErasedBefore = Callable[[UUID], bool]

# The sealers of the cases being saved, by case id: set around a save, read by the mapper.
_SEALERS: ContextVar[Mapping[UUID, Text] | None] = ContextVar("wirkung_case_sealers",
                                                               default=None)
_BY_NAME = {event_class.__qualname__: fields for event_class, fields in FREE_TEXT.items()}


@dataclass
class Sealer:
    """Seals a client's texts; fetches (or makes) the client's key at the first text."""

    client_id: UUID
    vault: Vault
    erased_before: ErasedBefore
    _key: bytes | None = field(default=None, repr=False)
    randomness: Randomness = SECURE

    def __call__(self, text: str) -> str:
        if not text.strip() or is_sealed(text):
            return text
        if self._key is None:
            self._key = self.vault.key_to_open(self.client_id)
        if self._key is None:
            if self.erased_before(self.client_id):
                raise PersonalDataErased(self.client_id)
            self._key = self.vault.key_to_seal(self.client_id)
        return seal(self._key, self.client_id, text, randomness=self.randomness)


@dataclass(frozen=True)
class Opener:
    """Opens a client's sealed texts; after the erasure, each reads as the marker."""

    client_id: UUID
    key: bytes | None = field(repr=False)
    erased: bool

    def __call__(self, text: str) -> str:
        return unseal(self.key, self.client_id, text, erased=self.erased)


def client_of(case: Case) -> UUID:
    return Client.create_id(case.client_pseudonym)


def opener(vault: Vault, case: Case, erased_before: ErasedBefore) -> Opener:
    """What opens the texts of a case: its client's key, if not erased."""
    client_id = client_of(case)
    try:
        key = vault.key_to_open(client_id)
    except PersonalDataErased:
        return Opener(client_id, None, erased=True)
    return Opener(client_id, key, erased=key is None and erased_before(client_id))


@contextmanager
def sealing(vault: Vault, objs: Sequence[Any], erased_before: ErasedBefore, *,
            randomness: Randomness = SECURE) -> Iterator[None]:
    """While saving `objs`, the mapper seals each case's texts with its client's key (each
    text under a nonce of its own, from `randomness`)."""
    cases = [obj for obj in objs if isinstance(obj, Case)]
    # One sealer per client; for a bulk save (an import) the keys fetched in one go, for a
    # command at its first text only.
    sealers = {client_id: Sealer(client_id, vault, erased_before, key, randomness)
               for client_id, key in
               vault.keys_to_open(list({client_of(case) for case in cases})).items()
               } if len(cases) > 1 else {}
    token = _SEALERS.set({case.id: sealers.setdefault(client_of(case), Sealer(
        client_of(case), vault, erased_before, randomness=randomness)) for case in cases})
    try:
        yield
    finally:
        _SEALERS.reset(token)


def with_texts(state: Any, fields: Sequence[str], text: Text) -> Any:
    """A copy of an event (or a dict of its data) with its free text passed through `text`;
    the event itself if that changed none (blank text, as most reviews' notes)."""
    if isinstance(state, dict):
        return {**state, **{name: _passed(state[name], text) for name in fields}}
    changed = {name: passed for name in fields
               if (passed := _passed(original := getattr(state, name), text)) is not original}
    if not changed:
        return state
    sealed = copy.copy(state)
    for name, value in changed.items():
        object.__setattr__(sealed, name, value)  # a frozen event, copied only to be stored
    return sealed


def _passed(value: Any, text: Text) -> Any:
    if isinstance(value, dict):
        return {key: _passed(item, text) for key, item in value.items()}
    return text(value) if isinstance(value, str) else value


class SealingMapper(Mapper[UUID]):
    """Stores the free text of a case's events sealed, never as written."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        fields = FREE_TEXT.get(type(domain_event))
        if fields:
            sealer = (_SEALERS.get() or {}).get(domain_event.originator_id)
            if sealer is None:
                raise RuntimeError("a case's free text to store, without its client's key: "
                                   "save cases through the Cases application")
            domain_event = with_texts(domain_event, fields, sealer)
        return super().to_stored_event(domain_event)


def opened_history(entries: Sequence[HistoryEntry], text: Text) -> list[HistoryEntry]:
    """A case's history with its free text opened (or the marker, once erased)."""
    return [replace(entry, data=with_texts(entry.data, _BY_NAME[entry.type], text))
            if entry.type in _BY_NAME else entry for entry in entries]
