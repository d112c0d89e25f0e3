"""One service's chain check, as `wirkung audit verify` and the service's audit API run it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder

from shared.audit.checkpoint import Checkpoint
from shared.audit.store import AuditStore
from shared.audit.verify import Verification, stored_events, verify_chain


@dataclass(frozen=True)
class ChainCheck:
    """One service's verification, and where its checkpoints came from."""

    verification: Verification
    kept: int  # checkpoints in the service's database
    published: int  # checkpoints on the topic


def check_service_chain(service: str, recorder: ApplicationRecorder, audit: AuditStore,
                        published: Sequence[Checkpoint],
                        public_key: Ed25519PublicKey) -> ChainCheck:
    """Recompute the chain from the store; check it against every checkpoint, kept in the
    database and published on the topic. Reads the whole store: run it in a worker thread."""
    kept = audit.checkpoints()
    result = verify_chain(service, stored_events(recorder), audit.stream_links(),
                          [*kept, *published], public_key)
    return ChainCheck(result, len(kept), len(published))
