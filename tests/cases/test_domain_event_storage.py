"""Every domain event survives the event store's JSON, and replaying it rebuilds the aggregate."""

from __future__ import annotations

from services.cases.application import Cases
from tests.cases.builders import a_whole_history


def in_memory_cases() -> Cases:
    return Cases(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_every_event_reads_back_from_the_store_as_it_was_written() -> None:
    cases = in_memory_cases()

    written = [recording.domain_event for recording in cases.save(*a_whole_history())]

    read = [e for originator in dict.fromkeys(e.originator_id for e in written)
            for e in cases.events.get(originator)]
    assert [(type(e), vars(e)) for e in read] == [(type(e), vars(e)) for e in written]


def test_replaying_the_stored_history_rebuilds_the_same_aggregates() -> None:
    cases = in_memory_cases()
    aggregates = a_whole_history()

    cases.save(*aggregates)

    for aggregate in aggregates:
        assert vars(cases.repository.get(aggregate.id)) == vars(aggregate)
