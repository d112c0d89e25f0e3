"""The AsyncAPI documents say what travels on the topics: every message the demo's events
make the relays publish matches its message in the publishing service's document (headers,
key, payload, with a JSON Schema validator), and the consumers document what they read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import jsonschema_rs
import pytest
from aiokafka.structs import ConsumerRecord

from shared.audit.checkpoint import new_private_key_text
from shared.contracts.base import registered_contracts
from shared.topics import Topics
from tests.integration.demo import seed_small_demo, three_services
from tests.support import (
    Infrastructure,
    eventually,
    read_topic,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WRITERS = ("agreements", "cases")


@dataclass
class Published:
    """What the relays published of a small demo, and each service's AsyncAPI document."""

    topics: Topics
    messages: dict[str, list[ConsumerRecord[bytes, bytes]]]
    documents: dict[str, dict[str, Any]]


def seed(urls: dict[str, str]) -> None:
    seed_small_demo(urls, providers=3, per_provider=2, cases=40)


async def relayed(url: str, topic: str) -> int | None:
    """How many messages the relay published, once it has published every stored event."""
    connection = await asyncpg.connect(url)
    try:
        table = f"{topic.split('.')[-2]}_events"
        last = await connection.fetchval(
            f"SELECT coalesce(max(notification_id), 0) FROM {table}")  # noqa: S608
        position = await connection.fetchrow(
            "SELECT notification_id, published FROM relay_positions WHERE topic = $1", topic)
    finally:
        await connection.close()
    if position is None or last == 0 or position["notification_id"] != last:
        return None
    return int(position["published"])


@pytest.fixture(scope="module")
async def published(infrastructure: Infrastructure, secret: str) -> AsyncIterator[Published]:
    async with three_services(infrastructure, secret, agreements={
            "audit_key": new_private_key_text(), "audit_checkpoint_seconds": 0.0}) as running:
        topics, urls, clients = running.topics, running.urls, running.clients
        await asyncio.to_thread(seed, urls)
        messages = {}
        for name in WRITERS:
            topic = getattr(topics, name)
            count = await eventually(lambda: relayed(urls[name], topic),  # noqa: B023
                                     within=120, interval=0.5)
            messages[topic] = await read_topic(infrastructure.bootstrap_servers, topic,
                                               expected=count)
            assert len(messages[topic]) == count
        messages[topics.audit_checkpoints] = await read_topic(
            infrastructure.bootstrap_servers, topics.audit_checkpoints, expected=1)
        documents = {name: (await client.get("/asyncapi.json")).json()
                     for name, client in clients.items()}
        yield Published(topics, messages, documents)


def validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A validator of `schema`, its references resolved in the document's components."""
    return jsonschema_rs.validator_for({**schema, "components": document["components"]},
                                       validate_formats=True)


def message_for(document: dict[str, Any], topic: str, ce_type: str) -> dict[str, Any]:
    """The one message of the topic's channel whose `ce_type` header is `ce_type`."""
    channel = document["channels"][topic]
    found = []
    for reference in channel["messages"].values():
        message = document["components"]["messages"][reference["$ref"].rsplit("/", 1)[1]]
        if message["headers"]["properties"]["ce_type"].get("const") == ce_type:
            found.append(message)
    assert len(found) == 1, (topic, ce_type, len(found))
    return dict(found[0])


@pytest.mark.parametrize(("service", "topic"), [("agreements", "agreements"),
                                                ("cases", "cases"),
                                                ("agreements", "audit_checkpoints")])
def test_every_published_message_matches_the_publishers_document(
        published: Published, service: str, topic: str) -> None:
    document = published.documents[service]
    address = getattr(published.topics, topic)
    records = published.messages[address]
    assert records
    validators: dict[str, tuple[Any, Any, Any]] = {}
    for record in records:
        headers = {name: raw.decode() for name, raw in record.headers}
        if headers["ce_type"] not in validators:
            message = message_for(document, address, headers["ce_type"])
            validators[headers["ce_type"]] = (
                validator(document, message["headers"]), validator(document, message["payload"]),
                validator(document, message["bindings"]["kafka"]["key"]))
        for check, instance in zip(validators[headers["ce_type"]],
                                   (headers, json.loads(record.value), record.key.decode()),
                                   strict=True):
            check.validate(instance)
        assert record.key.decode() == headers["ce_subject"]


def test_the_demo_publishes_many_kinds_of_event(published: Published) -> None:
    """A check of the check above: it saw most of what the relays publish."""
    seen = {dict(record.headers)["ce_type"].decode()
            for records in published.messages.values() for record in records}
    assert len(seen) >= 12, sorted(seen)


def test_a_message_off_its_contract_is_refused(published: Published) -> None:
    """The documents' schemas are strict enough to catch a payload that breaks its contract."""
    document = published.documents["cases"]
    record = published.messages[published.topics.cases][0]
    ce_type = dict(record.headers)["ce_type"].decode()
    payload = validator(document, message_for(document, published.topics.cases,
                                               ce_type)["payload"])
    data = json.loads(record.value)
    assert payload.is_valid(data)
    assert not payload.is_valid({**data, "personal_note": "Frau M. wirkt erschöpft"})
    assert not payload.is_valid({key: value for key, value in data.items() if key != "actor"})


def test_each_topic_documents_every_contract_on_it(published: Published) -> None:
    contracts = registered_contracts()
    for service in WRITERS:
        topic = getattr(published.topics, service)
        channel = published.documents[service]["channels"][topic]
        documented = {message["$ref"].rsplit("/", 1)[1] for message in
                      channel["messages"].values()}
        types = {ce_type for ce_type, contract in contracts.items()
                 if contract.service == service}
        assert len(documented) == len(types) > 0
        titles = {published.documents[service]["components"]["messages"][name]["title"]
                  for name in documented}
        assert titles == types


def test_consumers_document_what_they_receive(published: Published) -> None:
    topics = published.topics
    metrics = published.documents["metrics"]
    received = {operation["channel"]["$ref"].rsplit("/", 1)[1]
                for operation in metrics["operations"].values()
                if operation["action"] == "receive"}
    assert received == {topics.agreements, topics.cases}
    assert (metrics["channels"][topics.cases]["messages"]
            == published.documents["cases"]["channels"][topics.cases]["messages"])
    sent = {operation["channel"]["$ref"].rsplit("/", 1)[1]
            for operation in metrics["operations"].values() if operation["action"] == "send"}
    assert sent == {topics.metrics_dlq}
    cases = published.documents["cases"]
    assert any(operation["action"] == "receive"
               and operation["channel"]["$ref"].endswith(topics.agreements)
               for operation in cases["operations"].values())
