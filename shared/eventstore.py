"""The event store of a write service: eventsourcing on PostgreSQL (or in memory).

`ServiceApplication` is the base of each service's `Application`: it reads its
persistence settings from a database URL, knows how to store dates, and keeps
the request's correlation id beside each stored event (not inside the domain
event), so the relay can hand it on in the Kafka headers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording, Transcoding

from shared.correlation import correlation_id
from shared.errors import Conflict

_CORRELATION_KEY = "_correlation_id"
_CORRELATION_PREFIX = b'{"' + _CORRELATION_KEY.encode() + b'":'


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class CorrelatingTranscoder(JSONTranscoder):
    """JSON transcoder that stores the current correlation id with each event state."""

    def encode(self, obj: Any) -> bytes:
        correlation = correlation_id.get()
        if correlation and isinstance(obj, dict):
            obj = {_CORRELATION_KEY: correlation, **obj}
        return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        decoded = super().decode(data)
        if isinstance(decoded, dict):
            decoded.pop(_CORRELATION_KEY, None)
        return decoded


def stored_correlation_id(state: bytes) -> str:
    """The correlation id stored with an event state, or ''."""
    if not state.startswith(_CORRELATION_PREFIX):
        return ""
    value, _ = json.JSONDecoder().raw_decode(state.decode(), len(_CORRELATION_PREFIX))
    return str(value)


def event_store_environment(database_url: str) -> dict[str, str]:
    """eventsourcing's settings for a `postgresql://` URL, or `memory://` for tests."""
    if database_url.startswith("memory:"):
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        # Marks a command's Idempotency-Key saved in the transaction of its events.
        "APPLICATION_RECORDER_TOPIC": "shared.keyed_recorder:KeyedRecorder",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "localhost",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": "8",
        "POSTGRES_MAX_OVERFLOW": "8",
        "POSTGRES_PRE_PING": "y",
        "POSTGRES_CONNECT_TIMEOUT": "5",
    }


def single_writer_environment(database_url: str) -> dict[str, str]:
    """The settings for a process that alone writes the store for a while (the simulation):
    what it saved it reads back from its own memory, not the database, as
    `ServiceApplication.saving_together` needs; no connection is tested before each use (the
    process ends with an error if the database goes away)."""
    return {**event_store_environment(database_url), "AGGREGATE_CACHE_MAXSIZE": "0",
            "AGGREGATE_CACHE_FASTFORWARD": "n", "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
            "POSTGRES_PRE_PING": "n"}


class ConcurrentChange(Conflict):
    title = "Concurrent change"
    rule = "expected_version"


class ServiceApplication(Application[Any]):
    """Base of the write services' applications."""

    # Set by the service: its read model, and a wait until it has applied an event.
    view: Any = None
    view_catch_up: Callable[[int | None], None] | None = None
    # What the commands in a `saving_together` block saved, by id, until it ends.
    _held: dict[Any, Any] | None = None

    def fresh_view(self) -> Any:
        """The read model, once it has applied every event stored so far.

        Lists read through this, so a client that writes and then lists sees
        what it wrote, while commands never wait for the read model.
        """
        if self.view_catch_up is not None:
            self.view_catch_up(self.recorder.max_notification_id())
        return self.view

    @contextmanager
    def saving_together(self) -> Iterator[None]:
        """Hold what the commands in the block save, and store it all in one transaction when
        the block ends (nothing, if it raises); meanwhile the commands read what they saved.

        For a long history recorded at once, where a transaction per command would take most
        of the time. Only with `single_writer_environment`: the commands read from memory.
        """
        repository = self.repository
        if not repository.cache or repository.fastforward or repository.deepcopy_from_cache:
            raise RuntimeError("saving together needs the single_writer_environment()")
        held: dict[Any, Any] = {}
        self._held = held
        try:
            yield
            self._held = None
            if held:
                self.save(*held.values())
        except BaseException:
            for aggregate_id in held:  # what was never stored is read from the store again
                repository.cache.get(aggregate_id, evict=True)
            raise
        finally:
            self._held = None

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """Save; a concurrent writer that saved first turns this save into a 409."""
        held, cache = self._held, self.repository.cache
        if held is not None and cache is not None:
            # Kept for the end of the block; the commands read them from the cache.
            for aggregate in objs:
                if held.setdefault(aggregate.id, aggregate) is not aggregate:
                    raise ConcurrentChange(f"{aggregate.id} was made twice in one batch.")
                cache.put(aggregate.id, aggregate)
            return []
        try:
            recordings = super().save(*objs, **kwargs)
        except IntegrityError as error:
            raise ConcurrentChange(
                "Someone else changed this object at the same time; read it again and retry."
            ) from error
        return recordings

    def construct_transcoder(self) -> JSONTranscoder:
        transcoder = CorrelatingTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
