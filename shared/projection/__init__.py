"""The exactly-once batch consumer: event topics into PostgreSQL tables.

Used by the metrics service (facts) and by the cases service (its replica of
the agreements). Per batch, one PostgreSQL transaction writes the rows, the last version
applied per aggregate and the input position per partition; offsets are
committed to Kafka only after that commit. A redelivered event (version not
above the applied one) is skipped; an event whose predecessor is missing is
held back and retried, and its partition's offset is not committed past it.
A message that cannot be decoded or applied goes to the dead-letter topic with
its origin and error class, and the consumer goes on.
"""

from shared.projection.consumer import ProjectionConsumer
from shared.projection.instruments import EVENTS_APPLIED
from shared.projection.kinds import Connection, DeadLetterSender
from shared.projection.runtime import tune_garbage_collection
from shared.projection.tracking import TRACKING_TABLES

__all__ = ["EVENTS_APPLIED", "TRACKING_TABLES", "Connection", "DeadLetterSender",
           "ProjectionConsumer", "tune_garbage_collection"]
