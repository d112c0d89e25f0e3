"""Every domain event survives the event store's JSON, its free text sealed on the way in and
opened on the way out, and replaying it rebuilds the aggregate."""

from __future__ import annotations

import json
from typing import Any

from services.cases.application import Cases
from services.cases.application.sealing import with_texts
from services.cases.domain import FREE_TEXT, Case
from tests.cases.builders import a_whole_history
from tests.cases.fakes import in_memory_cases


def opened(cases: Cases, event: Any) -> Any:
    fields = FREE_TEXT.get(type(event))
    if not fields:
        return event
    return with_texts(event, fields, cases.texts(cases.repository.get(event.originator_id)))


def free_text(events: list[Any]) -> set[str]:
    """Every non-blank free text the events carry, level descriptions included."""
    texts: set[str] = set()
    for event in events:
        for name in FREE_TEXT.get(type(event), ()):
            value = getattr(event, name)
            texts |= set(value.values()) if isinstance(value, dict) else {value}
    return {text for text in texts if text.strip()}


def test_every_event_reads_back_from_the_store_as_it_was_written() -> None:
    cases = in_memory_cases().cases

    written = [recording.domain_event for recording in cases.save(*a_whole_history())]

    read = [opened(cases, e) for originator in dict.fromkeys(e.originator_id for e in written)
            for e in cases.events.get(originator)]
    assert [(type(e), vars(e)) for e in read] == [(type(e), vars(e)) for e in written]


def test_the_store_holds_no_free_text_as_written() -> None:
    cases = in_memory_cases().cases
    aggregates = a_whole_history()
    texts = free_text([event for aggregate in aggregates
                       for event in aggregate.pending_events])

    cases.save(*aggregates)

    stored = b"".join(n.state for n in cases.recorder.select_notifications(0, 1000))
    assert len(texts) >= 10  # every kind: summary, title, levels, note and each reason
    assert [text for text in texts if text.encode() in stored
            or json.dumps(text)[1:-1].encode() in stored] == []


def test_replaying_the_stored_history_rebuilds_the_same_aggregates() -> None:
    cases = in_memory_cases().cases
    aggregates = a_whole_history()
    as_written = [cases.details(aggregate) for aggregate in aggregates
                  if isinstance(aggregate, Case)]

    cases.save(*aggregates)

    for aggregate in aggregates:
        replayed: Any = cases.repository.get(aggregate.id)
        if not isinstance(aggregate, Case):
            assert vars(replayed) == vars(aggregate)
    assert [cases.details(cases.repository.get(details.id))
            for details in as_written] == as_written
