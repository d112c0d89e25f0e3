"""Read models (views) of a write service, kept in its own PostgreSQL database.

A view follows the service's notification log in batches: a batch of events
and the view's position are written in one transaction, so a view never skips
or double-applies an event, and catches up quickly after a bulk import.
Projections are eventsourcing `Projection`s: `process_event(event, tracking)`
changes the view inside `view.changing(tracking)`. Lists wait (briefly) until
the view has applied every event stored so far.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import Environment
from psycopg import Cursor
from psycopg.rows import DictRow

from shared.eventstore import ServiceApplication

_log = logging.getLogger("wirkung.views")


class View(PostgresTrackingRecorder):
    """A view: its tables and its position, in one database.

    Its tables are made by its service's migrations (`shared.migrations`); the view
    itself creates only its position's table (eventsourcing's tracking table).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batch = threading.local()

    @contextlib.contextmanager
    def changing(self, tracking: Tracking) -> Iterator[Cursor[DictRow]]:
        """Change the view for one event; inside `batch()` the batch's transaction."""
        cursor: Cursor[DictRow] | None = getattr(self._batch, "cursor", None)
        if cursor is not None:
            self._batch.tracking = tracking
            yield cursor
            return
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor
            self._insert_tracking(cursor, tracking)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many events; the last one's position is recorded."""
        with self.datastore.transaction(commit=True) as cursor:
            self._batch.cursor, self._batch.tracking = cursor, None
            try:
                yield
                if self._batch.tracking is not None:
                    self._insert_tracking(cursor, self._batch.tracking)
            finally:
                self._batch.cursor = None

    def query(self, sql: str, params: Any = None) -> list[DictRow]:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class ViewRunner:
    """Keeps one projection's view in step with an application's notification log."""

    def __init__(self, *, application: ServiceApplication,
                 projection_class: type[Projection[Any]], view_class: type[View],
                 environment: dict[str, str], batch_size: int = 500) -> None:
        factory = InfrastructureFactory.construct(
            env=Environment(projection_class.name, {**os.environ, **environment}))
        view = factory.tracking_recorder(view_class)
        assert isinstance(view, View)
        self.view = view
        self.projection = projection_class(view=self.view)
        self.application = application
        self.batch_size = batch_size
        self._stopping = threading.Event()
        self._wakeup = threading.Event()
        self._thread = threading.Thread(target=self._follow, name=f"view-{projection_class.name}",
                                        daemon=True)
        self._thread.start()

    @property
    def position(self) -> int:
        return self.view.max_tracking_id(self.application.name) or 0

    def apply_batch(self) -> int:
        """Apply the next batch of stored events; the number applied."""
        notifications = self.application.recorder.select_notifications(
            self.position, self.batch_size, inclusive_of_start=False)
        if notifications:
            with self.view.batch():
                for notification in notifications:
                    event = self.application.mapper.to_domain_event(notification)
                    self.projection.process_event(
                        event, Tracking(self.application.name, notification.id))
        return len(notifications)

    def _follow(self) -> None:
        while not self._stopping.is_set():
            try:
                applied = self.apply_batch()
            except Exception:
                _log.exception("view %s failed; retrying", type(self.projection).__name__)
                self._stopping.wait(1.0)
                continue
            if applied < self.batch_size:
                self._wakeup.wait(0.05)
                self._wakeup.clear()

    def catch_up(self, notification_id: int | None, timeout: float = 5.0) -> None:
        """Wait until the view has applied `notification_id` (or time is up)."""
        deadline = time.monotonic() + timeout
        pause = 0.001
        while not self.view.has_tracking_id(self.application.name, notification_id):
            if time.monotonic() > deadline:
                _log.warning("view still behind notification %s", notification_id)
                return
            self._wakeup.set()
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def stop(self) -> None:
        """Stop following and close the view's connections."""
        self._stopping.set()
        self._wakeup.set()
        self._thread.join(10)
        self.view.datastore.close()
