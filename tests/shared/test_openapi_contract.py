"""Each service's OpenAPI document lists every answer of every operation, errors as RFC 9457
problems of one shared schema, and requests as strict as the service validates them."""

from __future__ import annotations

from typing import Annotated, Any

import jsonschema_rs
import pytest
from fastapi import APIRouter, Depends, FastAPI
from hypothesis import given, settings, strategies

from services.agreements.main import create_app as agreements_app
from services.agreements.settings import AgreementsSettings
from services.cases.api import models as case_models
from services.cases.main import create_app as cases_app
from services.cases.settings import CasesSettings
from services.metrics.main import create_app as metrics_app
from services.metrics.settings import MetricsSettings
from shared import numbers
from shared.auth import Principal, Role, require
from shared.openapi import document_answers
from shared.problems import PROBLEM_JSON
from tests.support import TEST_CELL_KEY_SECRET, TEST_KEY_ENCRYPTION_KEY

DATABASE = "postgresql://nobody@127.0.0.1:1/none"  # the document needs no connection
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "post", "put", "patch", "delete")


def documents() -> dict[str, dict[str, Any]]:
    secret, kafka = "s" * 32, "127.0.0.1:1"
    apps: dict[str, FastAPI] = {
        "agreements": agreements_app(AgreementsSettings(
            database_url=DATABASE, auth_secret=secret, kafka_bootstrap_servers=kafka)),
        "cases": cases_app(CasesSettings(
            database_url=DATABASE, auth_secret=secret, kafka_bootstrap_servers=kafka,
            key_encryption_key=TEST_KEY_ENCRYPTION_KEY)),
        "metrics": metrics_app(MetricsSettings(
            database_url=DATABASE, auth_secret=secret, kafka_bootstrap_servers=kafka,
            cell_key_secret=TEST_CELL_KEY_SECRET)),
    }
    return {name: app.openapi() for name, app in apps.items()}


DOCUMENTS = documents()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_every_error_answer_is_a_problem_of_the_shared_schema(service: str) -> None:
    document = DOCUMENTS[service]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    problem = document["components"]["schemas"]["Problem"]
    assert {"rule", "errors"} <= set(problem["properties"])
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                assert answer["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (
                    method, path, status)
                assert answer["description"], (method, path, status)


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_every_operation_lists_what_its_dependencies_can_answer(service: str) -> None:
    for method, path, operation in operations(DOCUMENTS[service]):
        if path in ("/health", "/ready"):
            continue
        statuses = set(operation["responses"])
        assert {"401", "503"} <= statuses, (method, path)
        if operation.get("x-roles"):
            assert "403" in statuses, (method, path)
            assert "Roles: " in operation["description"]
        if "{" in path or method in ("POST", "PUT", "PATCH", "DELETE"):
            assert "422" in statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if method != "GET":
            assert "409" in statuses, (method, path)
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        if {"version", "as_of"} <= names:
            assert "400" in statuses, (method, path)
        if "if-match" in names:
            assert {"400", "409"} <= statuses, (method, path)


def test_a_route_added_later_is_documented_alike() -> None:
    """The mechanism is the app's, not each route's: a new router needs nothing of its own."""
    app = FastAPI()
    router = APIRouter()

    @router.get("/things/{thing_id}")
    def thing(thing_id: int, _: Annotated[Principal, Depends(require(Role.AUDITOR))],
              ) -> dict[str, int]:
        return {"id": thing_id}

    app.include_router(router)
    document_answers(app, idempotency=True)
    operation = app.openapi()["paths"]["/things/{thing_id}"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422", "503"}
    assert operation["x-roles"] == ["auditor"]


def schema_of(document: dict[str, Any], name: str) -> Any:
    """A validator of a component schema, its references resolved in the document."""
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}",
                                        "components": document["components"]})


def test_a_goal_describes_all_five_levels() -> None:
    goal = schema_of(DOCUMENTS["cases"], "GoalSetting")
    levels = {str(level): f"Stufe {level}" for level in range(-2, 3)}
    assert goal.is_valid({"title": "Schulbesuch", "baseline": -1, "levels": levels})
    for broken in ({}, {**levels, "3": "zu hoch"},
                   {key: value for key, value in levels.items() if key != "0"},
                   {**levels, "0": " "}):
        assert not goal.is_valid({"title": "Schulbesuch", "baseline": -1, "levels": broken})


def test_a_case_names_its_client_one_way() -> None:
    opening = schema_of(DOCUMENTS["cases"], "CaseOpening")
    case = {"field_of_action": "jugend", "district": "Nordstadt", "legal_basis": "SGB VIII §27"}
    client_id = "1da633fa-1f3d-58d9-9d3d-52228b2d87c4"
    assert opening.is_valid({**case, "client_id": client_id})
    assert opening.is_valid({**case, "client_pseudonym": "p-1", "age_band": "14-17"})
    assert not opening.is_valid(case)
    assert not opening.is_valid({**case, "client_pseudonym": "p-1"})
    assert not opening.is_valid({**case, "client_id": client_id, "client_pseudonym": "p-1",
                                 "age_band": "14-17"})


@pytest.mark.parametrize(("service", "schema", "field", "good", "bad"), [
    ("cases", "Delivery", "units", ["1", "0.5", 2, "12.25"], ["", "0", "1e3", "NaN", "-1", 0]),
    ("cases", "GoalSetting", "weight", ["1", "0.5", "100", 100], ["101", "0", "x", 0, 101]),
    ("agreements", "ReportSubmission", "units_delivered", ["310.5", "-1", 3], ["", "1e3", "x"]),
])
def test_a_decimal_is_a_number_or_a_string_of_digits(service: str, schema: str, field: str,
                                                     good: list[Any], bad: list[Any]) -> None:
    properties = DOCUMENTS[service]["components"]["schemas"][schema]["properties"]
    decimal = jsonschema_rs.validator_for(properties[field])
    assert all(decimal.is_valid(value) for value in good), good
    assert not any(decimal.is_valid(value) for value in bad), bad


def links(document: dict[str, Any], path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path]["post"]["responses"]["201"]["links"]
    return found


def test_what_is_created_links_to_the_reads_and_commands_on_it() -> None:
    cases, agreements = DOCUMENTS["cases"], DOCUMENTS["agreements"]
    to_case = links(cases, "/cases")
    read = cases["paths"]["/cases/{case_id}"]["get"]["operationId"]
    close = cases["paths"]["/cases/{case_id}/closure"]["post"]["operationId"]
    assert to_case[read]["parameters"] == {"case_id": "$response.body#/id"}
    assert close in to_case
    to_report = links(agreements, "/agreements/{agreement_id}/reports")
    accept = agreements["paths"]["/agreements/{agreement_id}/reports/{period}/acceptance"]
    assert to_report[accept["post"]["operationId"]]["parameters"] == {
        "agreement_id": "$request.path.agreement_id", "period": "$response.body#/period"}
    for document in DOCUMENTS.values():  # every link names an operation that exists
        ids = {operation["operationId"] for _, _, operation in operations(document)}
        for _, _, operation in operations(document):
            for link in operation["responses"].get("201", {}).get("links", {}).values():
                assert link["operationId"] in ids


@pytest.mark.parametrize("pattern", [numbers.POSITIVE, numbers.NON_NEGATIVE, numbers.SIGNED,
                                     case_models.WEIGHT.pattern])
def test_every_decimal_string_a_schema_admits_is_read(pattern: str) -> None:
    """The check of a string is one pattern for all decimals; each schema's is narrower."""
    check = numbers.DecimalPattern(pattern).check

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(text=strategies.from_regex(pattern, fullmatch=True))
    def read(text: str) -> None:
        assert check(text) == text

    read()
