"""The OpenAPI document lists every endpoint with request and response examples."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.agreements.api_support import Service, running_service
from tests.support import Infrastructure, Tokens

pytestmark = pytest.mark.integration

OPERATIONS = {
    ("post", "/providers"), ("get", "/providers"), ("get", "/providers/{provider_id}"),
    ("patch", "/providers/{provider_id}"), ("post", "/providers/{provider_id}/deactivation"),
    ("get", "/providers/{provider_id}/history"),
    ("get", "/audit/chain"), ("post", "/audit/chain/verification"),
    ("post", "/agreements"), ("get", "/agreements"), ("get", "/agreements/{agreement_id}"),
    ("put", "/agreements/{agreement_id}/terms"),
    ("post", "/agreements/{agreement_id}/signature"),
    ("post", "/agreements/{agreement_id}/amendments"),
    ("post", "/agreements/{agreement_id}/suspension"),
    ("post", "/agreements/{agreement_id}/resumption"),
    ("post", "/agreements/{agreement_id}/termination"),
    ("get", "/agreements/{agreement_id}/history"),
    ("get", "/agreements/{agreement_id}/reports"),
    ("post", "/agreements/{agreement_id}/reports"),
    ("get", "/agreements/{agreement_id}/reports/{period}"),
    ("put", "/agreements/{agreement_id}/reports/{period}"),
    ("post", "/agreements/{agreement_id}/reports/{period}/acceptance"),
    ("post", "/agreements/{agreement_id}/reports/{period}/rejection"),
    ("get", "/agreements/{agreement_id}/reports/{period}/history"),
    ("get", "/access-log"),
    ("get", "/access-log/counts"),
    ("get", "/reports"),
}


@pytest.fixture(scope="module")
async def openapi(infrastructure: Infrastructure, tokens: Tokens,
                  secret: str) -> AsyncIterator[dict[str, Any]]:
    service: Service
    async for service in running_service(infrastructure, tokens, secret):
        yield dict((await service.client.get("/openapi.json")).json())


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif schema.get("type") == "array":
            schema = schema["items"]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        else:
            return schema


def operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")
            and not path.startswith(("/health", "/ready", "/asyncapi"))}


def test_every_endpoint_is_documented(openapi: dict[str, Any]) -> None:
    assert operations(openapi) == OPERATIONS


def test_every_request_and_response_body_has_an_example(openapi: dict[str, Any]) -> None:
    for method, path in sorted(operations(openapi)):
        operation = openapi["paths"][path][method]
        assert operation.get("summary"), (method, path)
        body = operation.get("requestBody")
        if body is not None:
            schema = resolve(openapi, body["content"]["application/json"]["schema"])
            assert schema.get("examples"), (method, path, "request")
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success]["content"]["application/json"]
        schema = resolve(openapi, content["schema"])
        assert schema.get("examples"), (method, path, "response")
