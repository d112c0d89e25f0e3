from __future__ import annotations

from datetime import date

from services.agreements.domain import Provider


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
