"""The application as the service runs it: on the PostgreSQL its settings name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from services.cases.application.base import CasesBase
from services.cases.application.postgres import parts_from_settings, rewrap_client_keys
from services.cases.personal_data import SECURE, Randomness
from shared.clock import Clock
from shared.eventstore import event_store_environment

if TYPE_CHECKING:
    from services.cases.settings import CasesSettings


class OnPostgres(CasesBase):
    """Built from the service's settings, and the key rotation on its database."""

    @classmethod
    def from_settings(cls, settings: CasesSettings, *, clock: Clock, env: Any = None,
                      randomness: Randomness = SECURE) -> Self:
        """The application on the settings' database, as the service runs it (the event
        store's environment made from the database URL unless given); its tables are first
        brought up to this code's version (`DatabaseNewerThanCode` if newer code made them).
        New client keys and the nonces of sealed texts come from the operating system's
        generator; only the simulation passes a `randomness` drawn from its seed."""
        return cls(env=env or event_store_environment(settings.database_url),
                   parts=parts_from_settings(settings, clock, randomness=randomness))

    @staticmethod
    def rotate_key_encryption_key(settings: CasesSettings) -> int:
        """Re-wrap every client key under the settings' key-encryption key, opening each with
        the previous one; how many were re-wrapped. Batch by batch, so an interrupted run
        can be run again; the events are not touched. `UnknownKeyEncryptionKey` names a
        key wrapped under neither."""
        return rewrap_client_keys(settings)
