"""The AsyncAPI 3.0 document of a service: every topic it sends to or receives from, every
event type on it as a message with its CloudEvents headers, its key and its payload schema
taken from the versioned contracts in `shared.contracts`.

FastStream's own document knows only the channels (its payloads are `{}`): our relays send
pre-encoded CloudEvents, whose types only the contracts know. A consumer's team reads here
what it will receive, and can validate each message with a JSON Schema validator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic.json_schema import models_json_schema

from shared.contracts.base import IntegrationEvent, registered_contracts
from shared.envelope import CONTENT_TYPE, SPEC_VERSION

Action = Literal["send", "receive"]
_SCHEMAS = "#/components/schemas/{model}"
_BINDING = "0.5.0"


@dataclass(frozen=True)
class Channel:
    """A topic and what travels on it; `contracts` empty: messages of any shape (a DLQ)."""

    address: str
    description: str
    action: Action
    contracts: Sequence[type[IntegrationEvent]] = ()
    key: str = "The aggregate's id (the CloudEvents subject): one aggregate, one partition."
    extra_headers: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the CloudEvents source, if not the contracts' own service


def events_of(service: str) -> list[type[IntegrationEvent]]:
    """Every registered contract a service publishes (old versions too: a topic keeps them)."""
    return [contract for _, contract in sorted(registered_contracts().items())
            if contract.service == service]


def message_name(contract: type[IntegrationEvent]) -> str:
    return f"{contract.event_name or contract.__name__}.v{contract.version}"


def asyncapi_document(*, title: str, description: str, version: str, bootstrap_servers: str,
                      channels: Sequence[Channel]) -> dict[str, Any]:
    """The document, as JSON: channels, operations and their messages, schemas in components."""
    contracts = {contract for channel in channels for contract in channel.contracts}
    ordered = sorted(contracts, key=lambda c: c.ce_type())
    refs, schemas = models_json_schema([(c, "serialization") for c in ordered],
                                       ref_template=_SCHEMAS)
    payloads = {contract: refs[(contract, "serialization")] for contract in ordered}
    components: dict[str, Any] = {"schemas": dict(schemas.get("$defs", {})), "messages": {}}
    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": version, "description": description},
        "defaultContentType": CONTENT_TYPE,
        "servers": {"kafka": {"host": bootstrap_servers.split(",")[0], "protocol": "kafka",
                              "description": "The installation's Kafka cluster."}},
        "channels": {}, "operations": {}, "components": components,
    }
    for channel in channels:
        messages: dict[str, Any] = {}
        for contract in channel.contracts:
            name = message_name(contract)
            components["messages"].setdefault(name, _message(contract, channel,
                                                             payloads[contract]))
            messages[name] = {"$ref": f"#/components/messages/{name}"}
        if not channel.contracts:
            name = f"{channel.address}.message"
            components["messages"][name] = _opaque_message(channel)
            messages[name] = {"$ref": f"#/components/messages/{name}"}
        document["channels"][channel.address] = {
            "address": channel.address, "description": channel.description,
            "servers": [{"$ref": "#/servers/kafka"}], "messages": messages,
            "bindings": {"kafka": {"topic": channel.address, "bindingVersion": _BINDING}}}
        document["operations"][f"{channel.action}:{channel.address}"] = {
            "action": channel.action,
            "channel": {"$ref": f"#/channels/{_pointer(channel.address)}"},
            "messages": [{"$ref": f"#/channels/{_pointer(channel.address)}/messages/{name}"}
                         for name in messages]}
    return document


def _message(contract: type[IntegrationEvent], channel: Channel,
             payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": message_name(contract),
        "title": contract.ce_type(),
        "summary": (contract.__doc__ or "").strip().split("\n\n")[0],
        "contentType": CONTENT_TYPE,
        "headers": cloudevents_headers(contract.ce_type(),
                                       channel.source or contract.ce_source(),
                                       channel.extra_headers),
        "payload": dict(payload),
        "correlationId": {"location": "$message.header#/ce_correlationid"},
        "bindings": {"kafka": {"key": {"type": "string", "minLength": 1,
                                       "description": channel.key},
                               "bindingVersion": _BINDING}},
    }


def _opaque_message(channel: Channel) -> dict[str, Any]:
    headers = {"type": "object", "required": sorted(channel.extra_headers),
               "properties": {name: {"type": "string", "description": text}
                              for name, text in channel.extra_headers.items()}}
    return {"name": f"{channel.address}.message", "title": channel.address,
            "summary": channel.description, "headers": headers,
            "payload": {"description": "The message as it was received, byte for byte."},
            "bindings": {"kafka": {"key": {"type": "string", "description": channel.key},
                                   "bindingVersion": _BINDING}}}


def cloudevents_headers(ce_type: str, source: str, extra: dict[str, str]) -> dict[str, Any]:
    """The CloudEvents attributes in the Kafka binding's binary mode (`ce_*` headers) and the
    two extensions every consumer of ours relies on."""
    properties: dict[str, Any] = {
        "ce_specversion": {"const": SPEC_VERSION, "description": "CloudEvents version."},
        "ce_id": {"type": "string", "format": "uuid", "description":
                  "The event's id, stable when it is published again: apply an id once."},
        "ce_source": {"const": source, "description": "The publishing service."},
        "ce_type": {"const": ce_type, "description": "Contract and version of the data."},
        "ce_subject": {"type": "string", "minLength": 1,
                       "description": "The aggregate's id (as the message key)."},
        "ce_time": {"type": "string", "format": "date-time",
                    "description": "When the event was recorded (UTC)."},
        "ce_aggregateversion": {"type": "string", "pattern": r"^[1-9][0-9]*$", "description":
                                "The aggregate's version after the event: apply in order."},
        "ce_correlationid": {"type": "string", "description":
                             "The request that caused the event, across services."},
        "content-type": {"const": CONTENT_TYPE},
        **{name: {"type": "string", "description": text} for name, text in extra.items()},
    }
    return {"type": "object", "properties": properties,
            "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject",
                         "ce_time", "ce_aggregateversion", "content-type"]}


def _pointer(address: str) -> str:
    return address.replace("~", "~0").replace("/", "~1")


def events_channel(service: str, address: str, action: Action) -> Channel:
    """A service's events topic, as its publisher sends or a consumer receives it."""
    return Channel(address, f"Events of the {service} service (CloudEvents 1.0, binary mode).",
                   action, events_of(service))


def checkpoints_channel(service: str, address: str) -> Channel:
    """The audit checkpoints topic, which each write service signs its event chain to."""
    return Channel(address, "Signed checkpoints of the services' event chains.", "send",
                   events_of("audit"), key="The service whose event chain is signed.",
                   source=f"/wirkung/{service}")


def dead_letter_channel(address: str) -> Channel:
    """Where a consumer puts a message it cannot apply, with where it came from and why."""
    return Channel(address, "Messages the projection could not apply, as they were received "
                   "(their own headers kept), with where they came from and why.", "send",
                   key="The message's own key.", extra_headers={
                       "dlq_origin_topic": "The topic the message was read from.",
                       "dlq_origin_partition": "Its partition.",
                       "dlq_origin_offset": "Its offset there.",
                       "dlq_error_class": "The kind of error applying it raised.",
                       "dlq_error_message": "The error's message (at most 500 characters)."})


def asyncapi_routes(app: Any, document: dict[str, Any]) -> None:
    """Serve `document` at /asyncapi.json and, rendered, at /asyncapi."""
    import json

    from fastapi.responses import HTMLResponse, JSONResponse
    from faststream.specification.asyncapi.site import get_asyncapi_html

    class _Rendered:  # what FastStream's page reads of its own documents
        title = document["info"]["title"]

        def to_json(self) -> str:
            return json.dumps(document)

    page = get_asyncapi_html(_Rendered(), try_it_out_path=None)  # type: ignore[arg-type]

    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(document)

    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(page)

    app.add_api_route("/asyncapi.json", asyncapi_json, methods=["GET"], include_in_schema=False)
    app.add_api_route("/asyncapi", asyncapi_page, methods=["GET"], include_in_schema=False)
