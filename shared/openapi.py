"""The OpenAPI document as exact as the service: every status an operation can answer.

FastAPI documents a route's success and a 422 in its own shape; our services answer every
error as an RFC 9457 problem (`shared.problems`). This module rewrites the document once,
for every route of the app, from what the route depends on, so a route added later is
documented the same way without a word of its own:

- a bearer token (`current_principal`) can be missing or invalid: 401;
- a role check (a dependency marked with `answers(403)`) can refuse: 403;
- any dependency or endpoint marked `answers(...)` adds its statuses (If-Match: 400);
- a parameter or a body can be invalid: 422;
- an object named in the path can be missing: 404;
- a command (POST, PUT, PATCH, DELETE) can break a rule or meet a newer version (409) and
  carry values a rule refuses (422); with the idempotency middleware its `Idempotency-Key`
  can be malformed (400), reused for another request (422) or still running (409);
- the database can be down: 503, with `Retry-After`.

A route's own `responses` keep their descriptions; each error answer gets the one shared
`Problem` schema under `application/problem+json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from shared.openapi_links import link_creations
from shared.problems import PROBLEM_JSON

F = TypeVar("F", bound=Callable[..., Any])
COMMANDS = {"POST", "PUT", "PATCH", "DELETE"}

PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error, as RFC 9457 problem details. Further members may say more "
                   "(e.g. `checks` of /ready).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status says it all."},
        "title": {"type": "string", "examples": ["Rule broken"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "examples": [409]},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The request's path."},
        "rule": {"type": "string", "description": "The business rule that refused the "
                 "request (409, 422, 403), for a program to act on.",
                 "examples": ["agreement_not_active"]},
        "errors": {"type": "array", "description": "What in the request does not match the "
                   "schema (422): where (`loc`), what (`msg`) and its kind (`type`); a file's "
                   "errors name its `line` and `column` instead.", "items": {
                       "type": "object",
                       "properties": {
                           "loc": {"type": "array", "items": {"anyOf": [
                               {"type": "string"}, {"type": "integer"}]}},
                           "msg": {"type": "string"}, "type": {"type": "string"}}}},
    },
    "additionalProperties": True,
    "examples": [{"type": "about:blank", "title": "Rule broken", "status": 409,
                  "detail": "The case is closed.", "instance": "/cases/6d1f0b8e/closure",
                  "rule": "case_closed"}],
}

_MEANING = {
    400: "The request is malformed: a body that is no JSON, an Idempotency-Key too long, "
         "parameters that exclude each other.",
    401: "No valid bearer token.",
    403: "The token's role, scope or purpose does not allow this.",
    404: "No such object (or none your role may see).",
    409: "A rule refused the command (`rule` names it), the version you read (If-Match) is "
         "not the latest, or a request with this Idempotency-Key is running or was applied.",
    422: "The request does not match the schema (`errors` says where), or a value is one a "
         "rule refuses (`rule`).",
    503: "A database or the broker does not answer; retry after `Retry-After` seconds.",
}


def answers(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency or an endpoint with the error statuses it may answer."""

    def mark(function: F) -> F:
        known: frozenset[int] = getattr(function, "__answers__", frozenset())
        function.__answers__ = known | frozenset(statuses)  # type: ignore[attr-defined]
        return function

    return mark


def for_roles(*roles: str) -> Callable[[F], F]:
    """Mark a dependency that lets only `roles` through (it answers 403 to the others)."""

    def mark(function: F) -> F:
        function.__roles__ = tuple(str(role) for role in roles)  # type: ignore[attr-defined]
        return answers(403)(function)

    return mark


def roles(route: Any) -> list[str]:
    """The roles a route lets through ([] if it names none: any valid token)."""
    allowed: set[str] | None = None
    for dependant in _dependants(route.dependant):
        named = getattr(dependant.call, "__roles__", None)
        if named is not None:
            allowed = set(named) if allowed is None else allowed & set(named)
    return sorted(allowed or ())


def document_answers(app: FastAPI, *, idempotency: bool) -> None:
    """Make `app.openapi()` document every error answer of every route, as problems."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            for route in api_routes(app):
                if route.include_in_schema:
                    for method in route.methods:
                        operation = document["paths"][route.path_format][method.lower()]
                        _document(operation, route, method, idempotency=idempotency)
            link_creations(document)  # after the answers: links hang on the 201s
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = PROBLEM
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes, those of included routers too, as the document sees them."""
    from fastapi import routing

    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:  # FastAPI before routers were included lazily
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def statuses(route: Any, method: str, *, idempotency: bool) -> set[int]:
    """The error statuses a route can answer, from what it depends on."""
    flat = [*_dependants(route.dependant)]
    found = {503} if len(flat) > 1 else set()  # what depends on nothing touches no database
    for dependant in flat:
        found |= getattr(dependant.call, "__answers__", frozenset())
    if any(d.query_params or d.header_params or d.body_params or d.cookie_params
           or d.path_params for d in flat):
        found.add(422)
    if any(d.path_params for d in flat) or any(_names_objects(d) for d in flat):
        found.add(404)
    if any(d.body_params for d in flat):
        found.add(400)  # a body that is no JSON at all
    if method in COMMANDS:
        found |= {409, 422}
        if idempotency:
            found.add(400)
    found |= {int(code) for code in route.responses if str(code).isdigit()
              and int(code) >= 400}
    return found


def _names_objects(dependant: Dependant) -> bool:
    """Whether a body names objects by id (a provider, a client), which may not exist."""
    return any(_has_uuid(field.field_info.annotation) for field in dependant.body_params)


def _has_uuid(annotation: Any, seen: frozenset[Any] = frozenset()) -> bool:
    from typing import get_args
    from uuid import UUID

    from pydantic import BaseModel

    if annotation is UUID:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        return any(_has_uuid(field.annotation, seen | {annotation})
                   for field in annotation.model_fields.values())
    return any(_has_uuid(argument, seen) for argument in get_args(annotation))


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for inner in dependant.dependencies:
        yield from _dependants(inner)


def _document(operation: dict[str, Any], route: Any, method: str, *,
              idempotency: bool) -> None:
    allowed = roles(route)
    if allowed:  # for a client (and a test) to know which token to use
        operation["x-roles"] = allowed
        operation["description"] = (operation.get("description", "") + "\n\nRoles: "
                                    + ", ".join(allowed) + ".").strip()
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in sorted(statuses(route, method, idempotency=idempotency)):
        given = responses.get(str(status), {})
        description = given.get("description")
        if not description or description == "Validation Error":
            description = _MEANING.get(status, HTTPStatus(status).phrase)
        answer: dict[str, Any] = {"description": description, "content": {
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        if status in (503, 429):
            answer["headers"] = {"Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
        if status == 401:
            answer["headers"] = {"WWW-Authenticate": {
                "description": "`Bearer`, with `error=\"invalid_token\"` for a bad token.",
                "schema": {"type": "string"}}}
        responses[str(status)] = answer
    operation["responses"] = dict(sorted(responses.items()))
    if idempotency and method in COMMANDS:
        operation.setdefault("parameters", []).append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "description": "A random key of yours: a retry with it gets the first answer and "
                           "runs nothing again (the same key with another request: 422).",
            "schema": {"type": "string", "maxLength": 200}})
    for parameter in operation.get("parameters", []):
        _not_null(parameter)


def _not_null(parameter: dict[str, Any]) -> None:
    """An optional parameter is one left out, never `null`: a query or a header cannot
    carry a JSON null (FastAPI documents `X | None` as a choice of X and null)."""
    schema = parameter.get("schema", {})
    choices = [choice for choice in schema.get("anyOf", []) if choice.get("type") != "null"]
    if "anyOf" in schema and len(choices) == 1:
        del schema["anyOf"]
        schema.update(choices[0])
    elif "anyOf" in schema:
        schema["anyOf"] = choices

