"""Every domain event of the agreements service is published as a contract."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from services.agreements.contracts import to_contract
from services.agreements.domain import Provider, ProviderReport, ServiceAgreement
from shared.contracts import IntegrationEvent, ProviderReportSubmitted, ServiceAgreementAmended
from shared.envelope import Envelope
from shared.eventstore import ServiceApplication
from tests.agreements.builders import some_figures, some_terms

AGGREGATES = (Provider, ServiceAgreement, ProviderReport)


def domain_event_classes() -> list[type[Any]]:
    """The events nested in the aggregates, found by looking, not by listing them."""
    return [
        value
        for aggregate in AGGREGATES
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event)
        # eventsourcing derives these two bases for every aggregate class.
        and name not in ("Event", "Created")
    ]


def whole_lifecycle() -> list[Any]:
    provider = Provider(name="Jugendhilfe Nord e.V.", legal_form="e.V.",
                        fields_of_action=["jugend"], contact="info@example.org", actor="cm-1",
                        occurred_on=date(2025, 10, 1))
    provider.update(legal_form="gGmbH", actor="cm-1", occurred_on=date(2025, 10, 6))
    agreement = ServiceAgreement.draft(provider_id=provider.id, provider_active=provider.active,
                                       terms=some_terms(), actor="cm-1",
                                       occurred_on=date(2025, 11, 3))
    agreement.edit(terms=some_terms(capacity=14), actor="cm-1", occurred_on=date(2025, 11, 10))
    agreement.sign(actor="cm-2", occurred_on=date(2025, 12, 1))
    agreement.amend(effective_date=date(2026, 4, 1), reason="Bedarf gestiegen", capacity=16,
                    actor="cm-2", occurred_on=date(2026, 3, 2))
    agreement.suspend(reason="Fachkraft fehlt", actor="cm-2", occurred_on=date(2026, 5, 4))
    agreement.resume(actor="cm-2", occurred_on=date(2026, 6, 1))
    report = ProviderReport.submit(agreement=agreement, period="2026-Q1",
                                   figures=some_figures(), actor="provider-7",
                                   occurred_on=date(2026, 5, 5))
    report.reject(reason="Ausgaben ohne Belege", actor="cm-2", occurred_on=date(2026, 5, 11))
    report.resubmit(figures=some_figures(expenditure_cents=2_500_000), actor="provider-7",
                    occurred_on=date(2026, 5, 18))
    report.accept(actor="cm-2", occurred_on=date(2026, 5, 25))
    agreement.terminate(termination_date=date(2026, 10, 1), reason="Träger gibt auf",
                        actor="cm-2", occurred_on=date(2026, 8, 3))
    provider.deactivate(actor="cm-1", occurred_on=date(2026, 10, 1))
    return [*provider.collect_events(), *agreement.collect_events(),
            *report.collect_events()]


@cache
def stored_events() -> dict[type[Any], Any]:
    """One event of each class, as the relay reads it back from the event store."""
    mapper = ServiceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper
    return {type(domain_event): mapper.to_domain_event(mapper.to_stored_event(domain_event))
            for domain_event in whole_lifecycle()}


def contract_of(event_class: type[Any]) -> IntegrationEvent:
    contract = to_contract(stored_events()[event_class])
    assert contract is not None, f"{event_class.__qualname__} has no contract"
    return contract


def test_the_lifecycle_here_produces_every_domain_event() -> None:
    missing = set(domain_event_classes()) - set(stored_events())

    assert not missing, f"add {sorted(c.__qualname__ for c in missing)} to whole_lifecycle()"


@pytest.mark.parametrize("event_class", domain_event_classes(), ids=lambda c: c.__qualname__)
def test_every_domain_event_maps_to_a_contract(event_class: type[Any]) -> None:
    contract = contract_of(event_class)

    assert contract.ce_type().startswith("de.wirkung.agreements.")
    assert contract.actor == stored_events()[event_class].actor


def test_each_domain_event_has_a_contract_of_its_own() -> None:
    ce_types = [contract_of(event_class).ce_type() for event_class in domain_event_classes()]

    assert len(set(ce_types)) == len(ce_types)


@pytest.mark.parametrize("event_class", domain_event_classes(), ids=lambda c: c.__qualname__)
def test_each_contract_survives_the_kafka_envelope(event_class: type[Any]) -> None:
    contract = contract_of(event_class)
    domain_event = stored_events()[event_class]
    envelope = Envelope(type=contract.ce_type(), source=contract.ce_source(),
                        subject=str(domain_event.originator_id), time=domain_event.timestamp,
                        data=contract.model_dump(mode="json"),
                        aggregate_version=domain_event.originator_version)

    _, value, headers = envelope.to_kafka()
    received = Envelope.from_kafka(headers, value)

    assert received.type == contract.ce_type()
    assert type(contract).model_validate(received.data) == contract


def test_an_amendment_publishes_only_what_changed() -> None:
    contract = contract_of(ServiceAgreement.Amended)

    assert isinstance(contract, ServiceAgreementAmended)
    assert contract.model_dump(exclude_none=True, exclude={"agreement_id"}) == {
        "effective_date": date(2026, 4, 1), "reason": "Bedarf gestiegen", "capacity": 16,
        "occurred_on": date(2026, 3, 2), "actor": "cm-2"}


def test_a_report_is_published_with_its_timeliness_but_without_its_narrative() -> None:
    contract = contract_of(ProviderReport.Submitted)

    assert isinstance(contract, ProviderReportSubmitted)
    assert contract.late is True
    assert contract.units_delivered == "412.5"
    assert "narrative" not in contract.model_dump()
