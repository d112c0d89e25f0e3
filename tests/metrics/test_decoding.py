"""The consumer's fast decoding agrees with Envelope.from_kafka and the contracts."""

from __future__ import annotations

import pytest
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from services.metrics.facts.decoding import decode
from services.metrics.facts.projection import UnknownEventType, parse
from shared.envelope import Envelope, EnvelopeError, Headers
from tests.metrics.history import fixed_history


def record(value: bytes | None, headers: Headers) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", 0, 0, 0, 0, b"k", value, None, 1, len(value or b""), headers)


def replace_header(headers: Headers, name: str, value: bytes) -> Headers:
    return [(n, value if n == name else v) for n, v in headers]


@pytest.mark.parametrize("envelope", [e for _, e in fixed_history().envelopes],
                         ids=lambda e: f"{e.type.split('.')[3]}-{e.aggregate_version}")
def test_every_event_decodes_as_from_kafka_and_parse_would(envelope: Envelope) -> None:
    _, value, headers = envelope.to_kafka()
    expected = Envelope.from_kafka(headers, value)

    decoded, event = decode(record(value, headers))

    assert event == parse(expected)
    assert (decoded.type, decoded.subject, decoded.time, decoded.aggregate_version,
            decoded.id, decoded.source) == (expected.type, expected.subject, expected.time,
                                            expected.aggregate_version, expected.id,
                                            expected.source)


def test_a_message_that_is_no_cloudevent_is_an_envelope_error() -> None:
    _, value, headers = fixed_history().envelopes[0][1].to_kafka()

    with pytest.raises(EnvelopeError, match="missing"):
        decode(record(value, [("ce_type", b"x")]))
    with pytest.raises(EnvelopeError):
        decode(record(b"{not json", headers))
    with pytest.raises(EnvelopeError):
        decode(record(b"[1, 2]", headers))
    with pytest.raises(EnvelopeError):
        decode(record(value, replace_header(headers, "ce_aggregateversion", b"two")))


def test_an_unknown_type_and_invalid_data_are_told_apart() -> None:
    _, value, headers = fixed_history().envelopes[0][1].to_kafka()

    with pytest.raises(UnknownEventType):
        decode(record(value, replace_header(headers, "ce_type", b"de.wirkung.x.Y.v1")))
    with pytest.raises(ValidationError):
        decode(record(b'{"provider_id": "not a uuid"}', headers))
