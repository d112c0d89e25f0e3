"""CloudEvents 1.0 envelope in the Kafka protocol binding's binary mode.

Attributes travel as `ce_*` headers, the data as the JSON message body, the
aggregate id as the message key. Two extension attributes carry what every
consumer of ours needs: `ce_aggregateversion` (to apply each event once and in
order) and `ce_correlationid` (to follow one request across services).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_NAMESPACE = uuid.UUID("6f6b8a52-4c41-4f0e-9a52-77697274756e")

Headers = list[tuple[str, bytes]]


class EnvelopeError(ValueError):
    """A message that is not a valid Wirkung CloudEvent."""


def event_id(aggregate_id: str, version: int) -> str:
    """A stable id per stored event, so a republished event keeps its id."""
    return str(uuid.uuid5(_NAMESPACE, f"{aggregate_id}/{version}"))


@dataclass(frozen=True)
class Envelope:
    """One integration event with its CloudEvents context attributes."""

    type: str
    source: str
    subject: str
    time: datetime
    data: Mapping[str, Any]
    aggregate_version: int
    correlation_id: str = ""
    id: str = ""
    body: bytes | None = None  # the data already encoded as JSON, if the sender has it

    @property
    def event_id(self) -> str:
        return self.id or event_id(self.subject, self.aggregate_version)

    def to_kafka(self) -> tuple[bytes, bytes, Headers]:
        """Key, value and headers of the Kafka message."""
        headers: Headers = [
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_id", self.event_id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_subject", self.subject.encode()),
            ("ce_time", _iso(self.time).encode()),
            ("ce_aggregateversion", str(self.aggregate_version).encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.correlation_id:
            headers.append(("ce_correlationid", self.correlation_id.encode()))
        body = self.body if self.body is not None else json.dumps(
            self.data, separators=(",", ":"), sort_keys=True).encode()
        return self.subject.encode(), body, headers

    @classmethod
    def from_kafka(cls, headers: Iterable[tuple[str, bytes]], value: bytes | None) -> Envelope:
        """Decode a Kafka message; raises EnvelopeError on anything malformed."""
        attributes = {name: raw.decode("utf-8", "replace") for name, raw in headers}
        missing = [
            name
            for name in ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject",
                         "ce_time", "ce_aggregateversion")
            if not attributes.get(name)
        ]
        if missing:
            raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
        if attributes["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported specversion {attributes['ce_specversion']}")
        try:
            version = int(attributes["ce_aggregateversion"])
            time = datetime.fromisoformat(attributes["ce_time"].replace("Z", "+00:00"))
            data = json.loads(value or b"")
        except ValueError as error:
            raise EnvelopeError(str(error)) from error
        if not isinstance(data, dict):
            raise EnvelopeError("the event data is not a JSON object")
        return cls(
            type=attributes["ce_type"],
            source=attributes["ce_source"],
            subject=attributes["ce_subject"],
            time=time,
            data=data,
            aggregate_version=version,
            correlation_id=attributes.get("ce_correlationid", ""),
            id=attributes["ce_id"],
        )


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
