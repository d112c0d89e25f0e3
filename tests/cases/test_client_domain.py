"""A client: registered by pseudonym, personal data erased once."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from services.cases.domain import Client
from tests.cases.builders import broken_rule

REGISTERED_ON = date(2026, 1, 12)
ERASED_ON = date(2031, 1, 12)


def a_client(gender_category: str | None = "female") -> Client:
    client = Client.register(pseudonym="p-3f2a9c", gender_category=gender_category,
                             team="asd-nord", actor="cw-1", occurred_on=REGISTERED_ON)
    client.collect_events()
    return client


def test_registering_a_client_records_the_pseudonym_and_coarse_attributes_only() -> None:
    client = Client.register(pseudonym="p-3f2a9c", gender_category="diverse", team="asd-nord",
                             actor="cw-1", occurred_on=REGISTERED_ON)

    [registered] = client.collect_events()

    assert isinstance(registered, Client.Registered)
    recorded = {field.name for field in dataclasses.fields(registered)}
    assert recorded - {"originator_id", "originator_version", "timestamp",
                       "originator_topic"} == {"pseudonym", "gender_category", "team", "actor",
                                               "occurred_on"}
    assert (registered.pseudonym, registered.gender_category) == ("p-3f2a9c", "diverse")
    assert client.team == "asd-nord"


def test_a_client_may_be_registered_without_a_gender_category() -> None:
    client = Client.register(pseudonym="p-1", team="asd-nord", actor="cw-1",
                             occurred_on=REGISTERED_ON)

    [registered] = client.collect_events()

    assert isinstance(registered, Client.Registered)
    assert registered.gender_category is None


def test_a_clients_id_follows_from_the_pseudonym() -> None:
    first, again, other = a_client(), a_client(), Client.register(
        pseudonym="p-other", team="asd-nord", actor="cw-1", occurred_on=REGISTERED_ON)

    assert first.id == again.id == Client.create_id("p-3f2a9c")
    assert other.id != first.id


@pytest.mark.parametrize("category", ["w", "Female", ""])
def test_registering_a_client_with_an_unknown_gender_category_is_rejected(category: str) -> None:
    rule = broken_rule(lambda: Client.register(pseudonym="p-1", gender_category=category,
                                               team="asd-nord", actor="cw-1",
                                               occurred_on=REGISTERED_ON))

    assert rule == "gender_category_unknown"


def test_erasing_a_clients_personal_data_records_who_and_when() -> None:
    client = a_client()

    client.erase_personal_data(actor="dsb-1", occurred_on=ERASED_ON)

    [erased] = client.collect_events()
    assert isinstance(erased, Client.PersonalDataErased)
    assert (erased.actor, erased.occurred_on) == ("dsb-1", ERASED_ON)
    assert client.personal_data_erased


def test_erasing_a_clients_personal_data_twice_is_rejected() -> None:
    client = a_client()
    client.erase_personal_data(actor="dsb-1", occurred_on=ERASED_ON)
    client.collect_events()

    rule = broken_rule(lambda: client.erase_personal_data(actor="dsb-1", occurred_on=ERASED_ON))

    assert rule == "personal_data_already_erased"
    assert client.collect_events() == []


def test_changing_personal_data_records_who_and_when_and_nothing_of_the_data() -> None:
    client = a_client()

    client.update_personal_data(actor="cw-1", occurred_on=ERASED_ON)

    [updated] = client.collect_events()
    assert isinstance(updated, Client.PersonalDataUpdated)
    recorded = {field.name for field in dataclasses.fields(updated)}
    assert recorded - {"originator_id", "originator_version", "timestamp",
                       "originator_topic"} == {"actor", "occurred_on"}
    assert client.version == 2


def test_erased_personal_data_cannot_be_changed() -> None:
    client = a_client()
    client.erase_personal_data(actor="dsb-1", occurred_on=ERASED_ON)
    client.collect_events()

    rule = broken_rule(lambda: client.update_personal_data(actor="cw-1", occurred_on=ERASED_ON))

    assert rule == "personal_data_erased"
    assert client.collect_events() == []
