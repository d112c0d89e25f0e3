"""Direct access to a service's event store, for the commands that work on history."""

from __future__ import annotations

from shared.eventstore import ServiceApplication, event_store_environment


def event_store(service: str, url: str) -> ServiceApplication:
    """A service's event store (its tables are named after the service)."""
    application_class: type[ServiceApplication] = type(
        service.capitalize(), (ServiceApplication,), {})
    return application_class(env=event_store_environment(url))
