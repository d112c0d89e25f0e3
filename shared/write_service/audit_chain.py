"""The audit chain of a write service: its chainer, its signed checkpoints, the audit API's
monitor (see `shared.audit`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder
from fastapi import FastAPI

from shared.audit import api as audit_api
from shared.audit.chainer import AuditChainer
from shared.audit.check import ChainCheck, check_service_chain
from shared.audit.checkpoint import Checkpoint, private_key, public_key_text
from shared.audit.monitor import ChainMonitor
from shared.audit.store import AuditStore
from shared.audit.topic import read_checkpoints
from shared.eventstore import ServiceApplication
from shared.settings import WriteServiceSettings
from shared.tasks import Job
from shared.topics import Topics
from shared.write_service.stores import ServiceStores

_log = logging.getLogger("wirkung.audit")


@dataclass(frozen=True)
class AuditChainWriter:
    """Chains the application's stored events in the stores' audit store and publishes
    its checkpoints, signed with the service's audit key if it has one."""

    service: str
    stores: ServiceStores
    settings: WriteServiceSettings
    publish: Callable[[Checkpoint], Awaitable[Any]]

    async def start(self, app: FastAPI) -> list[Job]:
        """The chainer, with the store as `app.state.audit_store` and what the audit API
        reads as `app.state.audit_chain`; nothing if the stores keep no chain."""
        audit = await self.stores.open_audit()
        if audit is None:
            return []
        store: ServiceApplication = app.state.application
        settings = self.settings
        key = settings.audit_key.get_secret_value() if settings.audit_key else None
        app.state.audit_store = audit
        chainer = AuditChainer(service=self.service, recorder=store.recorder, store=audit,
                               key=private_key(key) if key else None,
                               publish=self.publish,
                               checkpoint_every=settings.audit_checkpoint_events,
                               checkpoint_seconds=settings.audit_checkpoint_seconds)
        signing = private_key(key) if key else None
        # Without a key nothing is signed: a throwaway key then finds any old signature
        # forged, as the auditor's key would not match it either.
        verifying = (signing or Ed25519PrivateKey.generate()).public_key()
        app.state.audit_chain = audit_api.AuditChain(
            service=self.service, store=audit,
            monitor=ChainMonitor(partial(chain_check, self.service, store.recorder, audit,
                                         settings, verifying)),
            public_key=public_key_text(signing) if signing else None)
        return [Job(f"{self.service}-audit", chainer.run)]


async def stop_audit_chain(app: FastAPI) -> None:
    """Stop a verification under way, if the service keeps a chain."""
    chain: audit_api.AuditChain | None = getattr(app.state, "audit_chain", None)
    if chain is not None:
        await chain.monitor.stop()


def chain_check(service: str, recorder: ApplicationRecorder, audit: AuditStore,
                settings: WriteServiceSettings, key: Ed25519PublicKey) -> ChainCheck:
    """`wirkung audit verify` for this service: the store, the database's and the topic's
    checkpoints (if the broker answers; the database's are checked regardless)."""
    topic = Topics(settings.topic_prefix).audit_checkpoints
    try:
        published = asyncio.run(read_checkpoints(settings.kafka_bootstrap_servers, topic,
                                                 service))
    except Exception as error:
        _log.warning("checkpoints topic not read: %s", type(error).__name__)
        published = []
    return check_service_chain(service, recorder, audit, published, key)
