"""Composition shared by the write services: event store, relay, Kafka, HTTP.

One part a module, each readable alone: `stores` (where the service keeps things, chosen
once from the database URL), `read_model` (its view), `outbox` (the relay and its wake-up
listener), `audit_chain` (the chain and its checkpoints), and `assembly`, which puts them
behind the app and the Kafka router.
"""

from shared.write_service.assembly import Background, create_write_service
from shared.write_service.read_model import ViewSpec

__all__ = ["Background", "ViewSpec", "create_write_service"]
