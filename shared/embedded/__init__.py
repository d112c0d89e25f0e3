"""The embedded stack: a real PostgreSQL and a Kafka-protocol broker from wheels.

Used alike by `wirkung dev` and by the test fixtures. Each server runs as a
child process that this package starts, waits for, and stops again — also on
Ctrl-C or a crash of the parent, where the kernel's parent-death signal ends it.
"""

from shared.embedded.broker import EmbeddedBroker
from shared.embedded.postgres import EmbeddedPostgres
from shared.embedded.stack import EmbeddedStack, StackAddresses

__all__ = ["EmbeddedBroker", "EmbeddedPostgres", "EmbeddedStack", "StackAddresses"]
