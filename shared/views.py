"""Read models (views) of a write service, kept in its own PostgreSQL database.

A view follows the service's notification log with eventsourcing's
`ProjectionRunner`: each event and the view's position are written in one
transaction, so a view never skips or double-applies an event. After a
command, the service waits (briefly) until its views have caught up, so a
client that writes and then lists sees what it wrote.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed

from shared.eventstore import ServiceApplication

_log = logging.getLogger("wirkung.views")


class View(PostgresTrackingRecorder):
    """A view: its tables (`create_statements`) and its position, in one database."""

    create_statements: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(statement)])
                                          for statement in self.create_statements)

    @contextlib.contextmanager
    def changing(self, tracking: Tracking) -> Iterator[Cursor[DictRow]]:
        """A transaction that changes the view and records `tracking` with it."""
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor
            self._insert_tracking(cursor, tracking)

    def query(self, sql: str, params: Any = None) -> list[DictRow]:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class ViewRunner:
    """Runs one projection into its view for the lifetime of a service."""

    def __init__(self, *, application_class: type[ServiceApplication],
                 projection_class: type[Projection[Any]], view_class: type[View],
                 environment: dict[str, str]) -> None:
        self.runner: ProjectionRunner[Any, Any] = ProjectionRunner(
            application_class=application_class, projection_class=projection_class,
            view_class=view_class, env=environment,
        )
        self.runner.__enter__()
        self.view: View = self.runner.view

    def catch_up(self, notification_id: int | None, timeout: float = 5.0) -> None:
        """Wait until the view has applied `notification_id` (or time is up).

        The view usually follows within milliseconds, so this polls briefly and
        often (eventsourcing's own `wait` starts at 100 ms).
        """
        deadline = time.monotonic() + timeout
        pause = 0.001
        name = self.runner.app_name
        while not self.view.has_tracking_id(name, notification_id):
            if time.monotonic() > deadline:
                _log.warning("view still behind notification %s", notification_id)
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def stop(self) -> None:
        self.runner.__exit__(None, None, None)
