from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.envelope import Envelope, EnvelopeError, event_id


def an_envelope() -> Envelope:
    return Envelope(type="de.wirkung.cases.CaseOpened.v1", source="/wirkung/cases",
                    subject="6d1f0b8e-0000-4000-8000-000000000001",
                    time=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), data={"team": "asd-nord"},
                    aggregate_version=3, correlation_id="req-42")


def test_an_envelope_survives_the_kafka_binary_binding() -> None:
    key, value, headers = an_envelope().to_kafka()

    decoded = Envelope.from_kafka(headers, value)

    assert key == b"6d1f0b8e-0000-4000-8000-000000000001"
    assert decoded.type == "de.wirkung.cases.CaseOpened.v1"
    assert decoded.subject == an_envelope().subject
    assert decoded.time == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert decoded.data == {"team": "asd-nord"}
    assert decoded.aggregate_version == 3
    assert decoded.correlation_id == "req-42"
    assert decoded.id == event_id(an_envelope().subject, 3)


def test_the_headers_are_the_cloudevents_attributes() -> None:
    _, _, headers = an_envelope().to_kafka()

    names = {name for name, _ in headers}

    assert {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time",
            "ce_aggregateversion", "ce_correlationid", "content-type"} <= names
    assert dict(headers)["ce_time"] == b"2026-03-02T09:30:00Z"


def test_a_republished_event_keeps_its_id() -> None:
    assert event_id("a", 1) == event_id("a", 1)
    assert event_id("a", 1) != event_id("a", 2)


@pytest.mark.parametrize("drop", ["ce_type", "ce_subject", "ce_aggregateversion", "ce_id"])
def test_a_message_without_a_required_attribute_is_rejected(drop: str) -> None:
    _, value, headers = an_envelope().to_kafka()

    with pytest.raises(EnvelopeError, match=drop):
        Envelope.from_kafka([h for h in headers if h[0] != drop], value)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_is_rejected(body: bytes) -> None:
    _, _, headers = an_envelope().to_kafka()

    with pytest.raises(EnvelopeError):
        Envelope.from_kafka(headers, body)
