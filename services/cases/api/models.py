"""Request bodies of the cases API: unknown fields are refused, dates default to today."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PastDate,
    WithJsonSchema,
    model_validator,
)

from services.cases.application import ClientRef, PseudonymousClient, RegisteredClient
from shared.numbers import Day, DecimalPattern, PositiveDecimal, Whole, date_text
from shared.vocabulary import AgeBand, ClosureReason, FieldOfAction, GenderCategory

GAS_LEVELS = ("-2", "-1", "0", "1", "2")
# The weight of a goal in the T-score: more than 0, at most 100.
WEIGHT = DecimalPattern(r"^(100(\.0{1,10})?|[1-9][0-9]?(\.[0-9]{1,10})?"
                         r"|0\.[0-9]{0,9}[1-9][0-9]{0,9})$")
Weight = Annotated[Decimal, Field(gt=0, le=100), BeforeValidator(WEIGHT.check), WEIGHT]
OccurredOn = Annotated[Day | None, Field(description="When it happened; today if left out.")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientRegistration(Command):
    """Register a client; the personal data is sealed in the vault, never in an event."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Erika Mustermann", "birth_date": "2009-05-17",
        "address": "Hauptstraße 1, 12345 Musterstadt", "gender_category": "female"}]})

    name: str = Field(min_length=1, max_length=200)
    birth_date: Annotated[PastDate, BeforeValidator(date_text)]
    address: str = Field(min_length=1, max_length=300)
    gender_category: GenderCategory | None = None
    occurred_on: OccurredOn = None
    register_anyway: bool = Field(default=False, description="Register even though your team "
                                  "knows a client of this name and birth date (a namesake).")


class PersonalDataChange(Command):
    """A client's name, birth date and address as they are now; sealed like a registration."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Erika Musterfrau", "birth_date": "2009-05-17",
        "address": "Bahnhofstraße 5, 12345 Musterstadt"}]})

    name: str = Field(min_length=1, max_length=200)
    birth_date: Annotated[PastDate, BeforeValidator(date_text)]
    address: str = Field(min_length=1, max_length=300)


def _one_way_to_name_the_client(schema: dict[str, Any], example: dict[str, Any]) -> None:
    """The schema as two whole alternatives (`oneOf`), each complete, so that a generated
    client has a model for each: a registered client, or one known by pseudonym only."""
    properties: dict[str, Any] = schema.pop("properties")
    required: list[str] = schema.pop("required", [])
    schema.pop("type", None)
    schema.pop("additionalProperties", None)
    common = {name: value for name, value in properties.items()
              if name not in ("client_id", "client_pseudonym", "age_band")}
    schema["examples"] = [example]
    schema["oneOf"] = [
        {"title": "OpeningForRegisteredClient", "type": "object",
         "additionalProperties": False, "required": ["client_id", *required],
         "properties": {"client_id": {"type": "string", "format": "uuid"},
                        "client_pseudonym": {"type": "null"}, "age_band": {"type": "null"},
                        **common}},
        {"title": "OpeningForPseudonymousClient", "type": "object",
         "additionalProperties": False,
         "required": ["client_pseudonym", "age_band", *required],
         "properties": {"client_pseudonym": properties["client_pseudonym"]["anyOf"][0],
                        "age_band": properties["age_band"]["anyOf"][0],
                        "client_id": {"type": "null"}, **common}}]


class CaseOpening(Command):
    """Open a case for a registered client (`client_id`), or for a client known only by
    pseudonym (`client_pseudonym` and `age_band`)."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _one_way_to_name_the_client(
        schema, {"client_id": "1da633fa-1f3d-58d9-9d3d-52228b2d87c4",
                 "field_of_action": "jugend", "target_groups": ["junge Erwachsene"],
                 "district": "Nordstadt", "legal_basis": "SGB VIII §27"}))

    client_id: UUID | None = None
    client_pseudonym: str | None = Field(default=None, min_length=1, max_length=64)
    age_band: AgeBand | None = Field(default=None, description="Only with client_pseudonym.")
    field_of_action: FieldOfAction
    target_groups: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list,
                                                                      max_length=20)
    district: str = Field(min_length=1, max_length=100, description="Sozialraum")
    team: str | None = Field(default=None, max_length=100,
                             description="Your own team (the default); no other.")
    legal_basis: str = Field(min_length=1, max_length=100, examples=["SGB VIII §27"])
    occurred_on: OccurredOn = None

    @model_validator(mode="after")
    def one_way_to_name_the_client(self) -> Self:
        by_id = self.client_id is not None
        by_pseudonym = self.client_pseudonym is not None or self.age_band is not None
        if by_id == by_pseudonym or (by_pseudonym and (
                self.client_pseudonym is None or self.age_band is None)):
            raise ValueError("give client_id, or client_pseudonym with age_band")
        return self

    def client(self) -> ClientRef:
        if self.client_id is not None:
            return RegisteredClient(self.client_id)
        return PseudonymousClient(str(self.client_pseudonym), str(self.age_band))


class Assessment(Command):
    summary: str = Field(min_length=1, max_length=5000)
    occurred_on: OccurredOn = None


class GoalSetting(Command):
    """A help-plan goal scaled from -2 to +2 (Goal Attainment Scaling)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Regelmäßiger Schulbesuch", "weight": 1, "baseline": -1,
        "levels": {"-2": "fehlt mehr als drei Tage pro Woche", "-1": "fehlt zwei bis drei Tage",
                   "0": "fehlt höchstens einen Tag", "1": "fehlt höchstens einen Tag im Monat",
                   "2": "fehlt nie unentschuldigt"}}]})

    title: str = Field(min_length=1, max_length=200)
    levels: Annotated[dict[str, Annotated[str, Field(max_length=500)]], WithJsonSchema({
        # Five keys of five: each level once (as names, "-1" and "1" would be one in a
        # generated client's code).
        "type": "object", "description": 'What each level means, keyed "-2" to "2": all five.',
        "propertyNames": {"enum": list(GAS_LEVELS)}, "minProperties": 5, "maxProperties": 5,
        "additionalProperties": {"type": "string", "maxLength": 500, "pattern": r"\S"}})]
    # The goal refuses any other levels itself (422, rule goal_needs_five_levels).
    weight: Weight = Decimal(1)
    baseline: Whole = Field(ge=-2, le=2, description="The level when the goal is set.")
    occurred_on: OccurredOn = None


class GoalReview(Command):
    level: Whole = Field(ge=-2, le=2, description="Attainment level, 0 as expected.")
    note: str = Field(default="", max_length=5000)
    occurred_on: OccurredOn = None


class ServiceAssignment(Command):
    agreement_id: UUID
    units_planned: PositiveDecimal = Field(description="In the agreement's pricing unit.")
    start_date: Day
    end_date: Day | None = Field(default=None, description="Planned last day (bewilligt bis), "
                                  "if the approval has one; not before start_date.")
    occurred_on: OccurredOn = None


class Delivery(Command):
    period: str = Field(pattern=r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$", examples=["2026-Q1"])
    units: PositiveDecimal
    occurred_on: OccurredOn = None


class Reasoned(Command):
    """A command that says only why, and when."""

    reason: Reason
    occurred_on: OccurredOn = None


class ServiceEnding(Reasoned):
    pass


class Closure(Command):
    reason: ClosureReason
    occurred_on: OccurredOn = None


class Reopening(Reasoned):
    pass


class GoalWithdrawal(Reasoned):
    """Withdraw a goal set wrongly: it no longer counts; its reviews stay in the history."""


class DeliveryReversal(Reasoned):
    """Reverse a delivery logged wrongly: its units no longer count."""


class Handover(Command):
    """Hand the case over to another team; from then on only that team sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "team": "asd-sued", "reason": "Umzug in den Bezirk Süd"}]})

    team: str = Field(min_length=1, max_length=100, pattern=r"\S",
                      description="The team that takes the case over.")
    reason: Reason
    occurred_on: OccurredOn = None
