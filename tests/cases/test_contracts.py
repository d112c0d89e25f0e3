"""Every domain event of cases and clients becomes a public contract, without personal data."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Union, get_args, get_origin
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from pydantic import BaseModel

from services.cases.contracts import to_contract
from services.cases.domain import Case, Client
from shared.contracts import IntegrationEvent
from shared.contracts.base import contract_for, registered_contracts
from shared.envelope import Envelope
from tests.cases.builders import a_whole_history

PERSONAL = {"name", "first_name", "last_name", "surname", "birth", "birth_date",
            "date_of_birth", "dob", "address", "street", "postal_code", "zip", "city",
            "phone", "email", "note", "notes", "narrative"}


def domain_event_classes() -> list[type[Aggregate.Event]]:
    """The events nested in Case and Client, leaving out the bases every aggregate has."""
    return [value for aggregate in (Case, Client) for name, value in vars(aggregate).items()
            if isinstance(value, type) and issubclass(value, Aggregate.Event)
            and name not in vars(Aggregate)]


def whole_history() -> list[Any]:
    return [event for aggregate in a_whole_history() for event in aggregate.collect_events()]


def cases_contracts() -> list[type[IntegrationEvent]]:
    return [c for c in registered_contracts().values() if c.service == "cases"]


def test_the_introspection_finds_the_events_of_both_aggregates() -> None:
    names = {cls.__qualname__ for cls in domain_event_classes()}

    assert {"Case.Opened", "Case.Closed", "Client.Registered",
            "Client.PersonalDataErased"} <= names
    assert not {"Case.Event", "Case.Created"} & names


@pytest.mark.parametrize("event_class", domain_event_classes(), ids=lambda c: c.__qualname__)
def test_every_domain_event_maps_to_a_contract(event_class: type[Any]) -> None:
    examples = [event for event in whole_history() if type(event) is event_class]

    assert examples, f"add a {event_class.__qualname__} to a_whole_history()"
    assert all(isinstance(to_contract(example), IntegrationEvent) for example in examples)


def test_an_event_of_another_kind_is_not_published() -> None:
    assert to_contract(object()) is None


def test_contracts_carry_the_facts_of_the_domain_events() -> None:
    contracts = {type(c).__name__: c.model_dump(mode="json")
                 for c in (to_contract(event) for event in whole_history()) if c is not None}

    assert contracts["HelpPlanGoalSetV2"]["weight"] == "1.5"
    assert contracts["ServiceDeliveryRecorded"]["units"] == "12.5"
    assert contracts["CaseClosed"]["reason"] == "planned_goals_achieved"
    assert len(contracts["CaseClosed"]["ended_service_ids"]) == 1
    assert contracts["GoalReviewed"]["level"] == 1
    assert contracts["ClientRegistered"]["gender_category"] == "female"
    assert contracts["ServiceAssigned"]["end_date"] == "2026-08-31"
    assert (contracts["DeliveryReversed"]["period"], contracts["DeliveryReversed"]["units"]) == (
        "2026-03", "2")
    assert (contracts["CaseHandedOver"]["from_team"], contracts["CaseHandedOver"]["to_team"]) == (
        "asd-nord", "asd-sued")


@pytest.mark.parametrize("event_class", [Case.GoalWithdrawn, Case.DeliveryReversed,
                                         Case.HandedOver], ids=lambda c: c.__qualname__)
def test_the_reason_of_a_correction_or_hand_over_is_not_published(event_class: type[Any]) -> None:
    [event] = [event for event in whole_history() if type(event) is event_class]

    contract = to_contract(event)

    assert contract is not None
    assert "reason" not in type(contract).model_fields
    assert event.reason not in contract.model_dump_json()


@pytest.mark.parametrize("event", whole_history(), ids=lambda e: type(e).__qualname__)
def test_each_contract_survives_the_cloudevents_envelope(event: Any) -> None:
    contract = to_contract(event)
    assert contract is not None
    envelope = Envelope(type=contract.ce_type(), source=contract.ce_source(),
                        subject=str(event.originator_id), time=datetime(2026, 3, 2, tzinfo=UTC),
                        data=contract.model_dump(mode="json"),
                        aggregate_version=event.originator_version)

    _, value, headers = envelope.to_kafka()
    received = Envelope.from_kafka(headers, value)

    assert contract_for(received.type).model_validate(received.data) == contract


def test_a_goal_is_published_without_its_title_or_level_descriptions() -> None:
    event = next(event for event in whole_history() if type(event) is Case.GoalSet)

    contract = to_contract(event)

    assert contract is not None
    assert contract.ce_type() == "de.wirkung.cases.HelpPlanGoalSet.v2"
    assert {"title", "levels"}.isdisjoint(type(contract).model_fields)
    published = contract.model_dump_json()
    assert all(text not in published for text in (event.title, *event.levels.values()))


def test_a_goal_published_before_v2_still_reads_with_its_title() -> None:
    v1 = contract_for("de.wirkung.cases.HelpPlanGoalSet.v1")

    goal = v1.model_validate({"case_id": str(uuid4()), "goal_id": str(uuid4()),
                              "title": "Ziel", "weight": "1", "baseline": -1,
                              "occurred_on": "2026-03-02", "actor": "cw-1"})

    assert goal.ce_type() == "de.wirkung.cases.HelpPlanGoalSet.v1"
    assert contract_for("de.wirkung.cases.HelpPlanGoalSet.v2") is not v1


def field_names(model: type[BaseModel]) -> Iterator[str]:
    """Names of the model's fields and, recursively, of the models nested in them."""
    for name, field in model.model_fields.items():
        yield name
        for nested in _models_in(field.annotation):
            yield from field_names(nested)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    if get_origin(annotation) in (Union, types.UnionType) or get_args(annotation):
        for argument in get_args(annotation):
            yield from _models_in(argument)


def personal_fields(model: type[BaseModel]) -> list[str]:
    """Fields named like personal data, also as part of a name (`client_birth_date`)."""
    return [name for name in field_names(model)
            if any(re.search(rf"(^|_){re.escape(word)}(_|$)", name) for word in PERSONAL)]


@pytest.mark.parametrize("contract", cases_contracts(), ids=lambda c: c.__name__)
def test_no_cases_contract_has_a_field_named_like_personal_data(
        contract: type[IntegrationEvent]) -> None:
    assert personal_fields(contract) == []


def test_every_cases_domain_event_has_its_own_contract() -> None:
    published = {type(to_contract(event)) for event in whole_history()}

    assert len(published) == len(domain_event_classes())
    assert published <= set(cases_contracts())


class _Person(BaseModel):
    street: str


class _Careless(BaseModel):
    client_birth_date: str
    contacts: list[_Person] | None


def test_the_personal_data_check_finds_names_in_nested_models_too() -> None:
    assert personal_fields(_Careless) == ["client_birth_date", "street"]
