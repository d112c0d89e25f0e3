"""The chainer: extends a service's hash chain as events are stored, and signs checkpoints.

It follows the notification log like the relay does. Every `checkpoint_every`
events, or when `checkpoint_seconds` have passed with new events, it signs the
chain's hash at the last position, keeps the checkpoint in the database and
publishes it (on `<prefix>.audit.checkpoints`), out of reach of the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import ApplicationRecorder

from shared.audit.chain import genesis, link
from shared.audit.checkpoint import Checkpoint
from shared.audit.store import AuditStore

_log = logging.getLogger("wirkung.audit")

PublishCheckpoint = Callable[[Checkpoint], Awaitable[Any]]


class AuditChainer:
    def __init__(self, *, service: str, recorder: ApplicationRecorder, store: AuditStore,
                 key: Ed25519PrivateKey | None, publish: PublishCheckpoint | None = None,
                 batch_size: int = 1000, checkpoint_every: int = 1000,
                 checkpoint_seconds: float = 60.0, poll_interval: float = 2.0) -> None:
        self.service = service
        self.recorder = recorder
        self.store = store
        self.key = key
        self.publish = publish
        self.batch_size = batch_size
        self.checkpoint_every = checkpoint_every
        self.checkpoint_seconds = checkpoint_seconds
        self.poll_interval = poll_interval
        self.wakeup = asyncio.Event()
        self._last_checkpoint_at = time.monotonic()

    def chain_batch(self) -> int:
        """Chain the next stored events; the number chained."""
        last = self.store.last_link()
        position, previous = last if last else (0, genesis(self.service))
        notifications = self.recorder.select_notifications(
            position, self.batch_size, inclusive_of_start=False)
        links = []
        for notification in notifications:
            links.append(link(previous, notification))
            previous = links[-1].chain_hash
        if links:
            self.store.append(links)
        return len(links)

    def checkpoint(self) -> Checkpoint | None:
        """Sign the chain's hash at its last position, unless that is signed already."""
        last = self.store.last_link()
        signed = self.store.last_checkpoint()
        if self.key is None or last is None or (signed is not None
                                                and signed.position >= last[0]):
            return None
        checkpoint = Checkpoint(self.service, last[0], last[1],
                                datetime.now(UTC)).signed(self.key)
        self.store.record_checkpoint(checkpoint)
        self._last_checkpoint_at = time.monotonic()
        return checkpoint

    def checkpoint_due(self) -> bool:
        if self.key is None:
            return False
        last = self.store.last_link()
        signed = self.store.last_checkpoint()
        if last is None:
            return False
        unsigned = last[0] - (signed.position if signed else 0)
        return unsigned > 0 and (
            unsigned >= self.checkpoint_every
            or time.monotonic() - self._last_checkpoint_at >= self.checkpoint_seconds)

    async def round(self) -> int:
        chained = await asyncio.to_thread(self.chain_batch)
        if await asyncio.to_thread(self.checkpoint_due):
            checkpoint = await asyncio.to_thread(self.checkpoint)
            if checkpoint is not None and self.publish is not None:
                await self.publish(checkpoint)
        return chained

    async def run(self) -> None:
        while True:
            chained = await self.round()
            if chained < self.batch_size:
                self.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wakeup.wait(), self.poll_interval)
