"""The consumer's fast decoding agrees with Envelope.from_kafka and the contracts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from services.metrics.facts.decoding import decode
from services.metrics.facts.projection import UnknownEventType, parse, rows_of
from shared.contracts import HelpPlanGoalSet, HelpPlanGoalSetV2
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


def test_a_goal_set_v2_without_its_title_makes_the_same_fact_as_v1() -> None:
    case_id, goal_id = uuid4(), uuid4()
    common = {"case_id": case_id, "goal_id": goal_id, "weight": Decimal("1.5"), "baseline": -1,
              "occurred_on": date(2026, 3, 2), "actor": "cw-1"}
    facts = []
    for contract in (HelpPlanGoalSet(title="Abstinenz der Mutter", **common),
                     HelpPlanGoalSetV2(**common)):
        envelope = Envelope(type=contract.ce_type(), source=contract.ce_source(),
                            subject=str(case_id), time=datetime(2026, 3, 2, tzinfo=UTC),
                            data=contract.model_dump(mode="json"), aggregate_version=2)
        _, value, headers = envelope.to_kafka()
        decoded, event = decode(record(value, headers))
        facts.append(rows_of([(decoded, event)]))

    assert len(facts[1]) == 1
    assert facts[0].by_table == facts[1].by_table
