"""Base of the integration events: pydantic models with JSON Schema export.

Each contract names its service and event and has a version; together they
make the CloudEvents type, e.g. `de.wirkung.cases.CaseOpened.v1`. A changed
contract gets a new version; consumers keep reading the old one. A new
version is a class of its own (`HelpPlanGoalSetV2`) that names its event
(`event_name = "HelpPlanGoalSet"`), so both versions stay registered.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

_REGISTRY: dict[str, type[IntegrationEvent]] = {}


class IntegrationEvent(BaseModel):
    """An event one service publishes for the others, in the past tense."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: ClassVar[str]
    version: ClassVar[int] = 1
    # The event's name in the CloudEvents type, where the class name adds its version.
    event_name: ClassVar[str | None] = None

    occurred_on: date = Field(
        description="Date the fact happened (not when it was recorded).",
        examples=["2026-03-02"],
    )
    actor: str = Field(description="Who acted (token subject).", examples=["u-4711"])

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "service" in cls.__dict__:
            _REGISTRY[cls.ce_type()] = cls

    @classmethod
    def ce_type(cls) -> str:
        return f"de.wirkung.{cls.service}.{cls.event_name or cls.__name__}.v{cls.version}"

    @classmethod
    def ce_source(cls) -> str:
        return f"/wirkung/{cls.service}"


def contract_for(ce_type: str) -> type[IntegrationEvent]:
    """The contract class of a CloudEvents type; KeyError if unknown."""
    return _REGISTRY[ce_type]


def registered_contracts() -> dict[str, type[IntegrationEvent]]:
    return dict(_REGISTRY)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every registered contract, keyed by CloudEvents type."""
    return {ce_type: model.model_json_schema() for ce_type, model in sorted(_REGISTRY.items())}
