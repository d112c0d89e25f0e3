"""The relay of a write service's stored events to its topic, and its wake-up listener."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from shared.eventstore import ServiceApplication
from shared.kafka import topic_ends
from shared.relay import OutboxRelay, Publisher, Translate
from shared.tasks import Job
from shared.write_service.stores import ServiceStores


@dataclass(frozen=True)
class Outbox:
    """Relays the application's events, translated, to `topic` (see `shared.relay`)."""

    service: str
    stores: ServiceStores
    translate: Translate
    topic: str
    publish: Publisher
    bootstrap_servers: str

    async def start(self, app: FastAPI) -> list[Job]:
        """The relay (as `app.state.relay`) and, if the stores notify, a listener that
        wakes it on new events."""
        store: ServiceApplication = app.state.application
        relay = OutboxRelay(recorder=store.recorder, mapper=store.mapper,
                            positions=self.stores.positions, translate=self.translate,
                            topic=self.topic, publish=self.publish,
                            topic_ends=topic_ends(self.bootstrap_servers, self.topic))
        app.state.relay = relay
        jobs = [Job(f"{self.service}-relay", relay.run)]
        listen = self.stores.new_events_listener(store.recorder, relay.wakeup)
        if listen is not None:
            jobs.append(Job(f"{self.service}-listen", listen))
        return jobs
