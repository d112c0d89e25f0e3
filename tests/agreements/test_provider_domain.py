"""Registering, updating and deactivating a provider (Freier Träger)."""

from __future__ import annotations

from datetime import date

from services.agreements.domain import Provider
from tests.agreements.builders import broken_rule


def a_provider() -> Provider:
    provider = Provider(name="Jugendhilfe Nord e.V.", legal_form="e.V.",
                        fields_of_action=["jugend"], contact="info@example.org",
                        actor="cm-1", occurred_on=date(2026, 1, 5))
    provider.collect_events()
    return provider


def test_registering_a_provider_records_who_registered_it_and_when() -> None:
    provider = Provider(name="Jugendhilfe Nord e.V.", legal_form="e.V.",
                        fields_of_action=["jugend"], contact="info@example.org",
                        actor="cm-1", occurred_on=date(2026, 1, 5))

    [registered] = provider.collect_events()

    assert isinstance(registered, Provider.Registered)
    assert registered.actor == "cm-1"
    assert registered.occurred_on == date(2026, 1, 5)
    assert provider.active
    assert provider.fields_of_action == ["jugend"]


def test_updating_a_provider_records_only_what_changed() -> None:
    provider = a_provider()

    provider.update(name="Jugendhilfe Nord e.V.", legal_form="gGmbH",
                    fields_of_action=["jugend", "bildung"], actor="cm-2",
                    occurred_on=date(2026, 2, 1))

    [updated] = provider.collect_events()
    assert isinstance(updated, Provider.Updated)
    assert (updated.name, updated.legal_form, updated.contact) == (None, "gGmbH", None)
    assert updated.fields_of_action == ["jugend", "bildung"]
    assert (updated.actor, updated.occurred_on) == ("cm-2", date(2026, 2, 1))
    assert provider.legal_form == "gGmbH"
    assert provider.name == "Jugendhilfe Nord e.V."


def test_an_update_that_changes_nothing_is_rejected() -> None:
    provider = a_provider()

    rule = broken_rule(lambda: provider.update(contact="info@example.org", actor="cm-2",
                                               occurred_on=date(2026, 2, 1)))

    assert rule == "change_must_not_be_empty"
    assert not provider.collect_events()


def test_deactivating_a_provider_records_who_deactivated_it_and_when() -> None:
    provider = a_provider()

    provider.deactivate(actor="cm-2", occurred_on=date(2026, 6, 30))

    [deactivated] = provider.collect_events()
    assert isinstance(deactivated, Provider.Deactivated)
    assert (deactivated.actor, deactivated.occurred_on) == ("cm-2", date(2026, 6, 30))
    assert not provider.active
    assert provider.deactivated_on == date(2026, 6, 30)


def test_deactivating_twice_is_rejected() -> None:
    provider = a_provider()
    provider.deactivate(actor="cm-2", occurred_on=date(2026, 6, 30))
    provider.collect_events()

    rule = broken_rule(lambda: provider.deactivate(actor="cm-2", occurred_on=date(2026, 7, 1)))

    assert rule == "deactivate_requires_active_provider"
    assert not provider.collect_events()


def test_updating_a_deactivated_provider_is_rejected() -> None:
    provider = a_provider()
    provider.deactivate(actor="cm-2", occurred_on=date(2026, 6, 30))
    provider.collect_events()

    rule = broken_rule(lambda: provider.update(name="Neu e.V.", actor="cm-2",
                                               occurred_on=date(2026, 7, 1)))

    assert rule == "update_requires_active_provider"
    assert not provider.collect_events()
