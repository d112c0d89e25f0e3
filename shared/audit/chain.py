"""The hash chain: each stored event's hash bound to the one before it.

`link(previous, event)` hashes the event's position in the notification log,
its aggregate and version, its type and its stored bytes, together with the
previous link's hash. Editing, deleting, inserting or reordering any stored
event changes every hash from there on; a signed checkpoint of the chain's
hash at a position makes that visible to anyone who holds the public key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from eventsourcing.persistence import Notification


@dataclass(frozen=True)
class Link:
    """One event's place in the chain."""

    position: int
    aggregate_id: str
    version: int
    topic: str
    state_hash: bytes
    chain_hash: bytes


def genesis(service: str) -> bytes:
    """The hash the chain of `service` starts from."""
    return hashlib.sha256(f"wirkung-audit-chain:{service}".encode()).digest()


def state_hash(state: bytes) -> bytes:
    return hashlib.sha256(state).digest()


def link(previous: bytes, notification: Notification) -> Link:
    """The link of one stored event after the link whose hash is `previous`."""
    hashed_state = state_hash(notification.state)
    digest = hashlib.sha256()
    for part in (previous, str(notification.id).encode(), str(notification.originator_id).encode(),
                 str(notification.originator_version).encode(), notification.topic.encode(),
                 hashed_state):
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return Link(position=notification.id, aggregate_id=str(notification.originator_id),
                version=notification.originator_version, topic=notification.topic,
                state_hash=hashed_state, chain_hash=digest.digest())
