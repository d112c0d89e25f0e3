"""The event recorder that marks a command's idempotency key saved with its events.

eventsourcing calls `_insert_events` inside the transaction that stores the
events; when the save belongs to a command with an `Idempotency-Key`
(`shared.idempotency.COMMAND_KEY`, set by the middleware and carried into the
worker thread with the context), the key's row is marked saved in that same
transaction. Either both are committed or neither is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow

from shared.idempotency import COMMAND_KEY


class KeyedRecorder(PostgresApplicationRecorder):
    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        command = COMMAND_KEY.get()
        if command is not None:
            curs.execute("UPDATE idempotency_keys SET saved_at = clock_timestamp() "
                         "WHERE scope = %s AND key = %s", command)
