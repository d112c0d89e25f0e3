"""RFC 9457 problem documents for every error a service answers.

No stack trace and no personal data ever reaches a client: unexpected
exceptions are logged with the correlation id and answered with a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import Conflict, Kind, NotFound, Refused, ServiceError

__all__ = [
    "PROBLEM_JSON",
    "STATUS_OF_KIND",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Problem",
    "Unauthorized",
    "install_problem_handlers",
    "install_rule_problems",
    "is_unavailable",
    "is_unstorable",
    "problem_response",
    "status_of",
    "unavailable",
]

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger("wirkung.problems")


class Problem(Exception):
    """An error of the HTTP layer answered as a problem document (applications raise
    `shared.errors`)."""

    status = 400
    title = "Bad request"
    rule = ""

    def __init__(self, detail: str = "", *, status: int | None = None,
                 title: str | None = None, rule: str | None = None,
                 headers: dict[str, str] | None = None,
                 extensions: dict[str, Any] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.status = status or self.status
        self.title = title or self.title
        self.rule = rule if rule is not None else self.rule
        self.headers = headers or {}
        # Further members of the problem document (RFC 9457 extensions), e.g. what conflicts.
        self.extensions = extensions or {}


class Unauthorized(Problem):
    status = 401
    title = "Authentication required"


# The applications' errors, under the names the API layer has always used for them.
Forbidden = Refused

# How each kind of application error is answered over HTTP.
STATUS_OF_KIND: dict[Kind, int] = {
    Kind.MALFORMED: 400, Kind.INVALID: 422, Kind.REFUSED: 403, Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409, Kind.GONE: 410,
}


def status_of(error: ServiceError) -> int:
    """The HTTP status an application error is answered with."""
    return STATUS_OF_KIND[error.kind]


def problem_response(status: int, title: str, detail: str = "", *, instance: str = "",
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update({key: value for key, value in extra.items() if value not in (None, "")})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_rule_problems(app: FastAPI, rule_error: type[ServiceError],
                          titles: Mapping[Kind, str]) -> None:
    """Answer a broken domain rule (`rule_error` and its kin) by its kind, under the service's
    title for that kind, naming the rule; a service's `api/errors.py` calls this."""

    async def on_rule(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, rule_error)
        return problem_response(status_of(exc), titles.get(exc.kind, exc.title), str(exc),
                                instance=request.url.path,
                                **{**exc.extensions, "rule": exc.rule})

    app.add_exception_handler(rule_error, on_rule)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of `app` as `application/problem+json`."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc.status, exc.title, exc.detail, instance=request.url.path,
                                headers=exc.headers, **{**exc.extensions, "rule": exc.rule})

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return problem_response(status_of(exc), exc.title, exc.detail,
                                instance=request.url.path,
                                **{**exc.extensions, "rule": exc.rule})

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not those of one router
            from shared.idempotency import allowed_methods

            headers["Allow"] = ", ".join(allowed_methods(request.scope))
        return problem_response(exc.status_code, _reason(exc.status_code), str(exc.detail),
                                instance=request.url.path, headers=headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(error.get("loc", ())), "msg": error.get("msg"), "type": error.get("type")}
            for error in exc.errors()
        ]
        return problem_response(422, "Invalid request", "The request does not match the schema.",
                                instance=request.url.path, errors=errors)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_unstorable(exc):
            return problem_response(422, "Invalid request",
                                    "A value cannot be stored: out of range, or text that is "
                                    "not valid Unicode.", instance=request.url.path)
        if is_unavailable(exc):
            _log.warning("database unavailable on %s %s: %s", request.method,
                         request.url.path, type(exc).__name__)
            return unavailable(request.url.path)
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "Internal error", instance=request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(ServiceError, on_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means a server we depend on cannot be reached right now."""
    import asyncpg
    import psycopg
    import psycopg_pool
    from eventsourcing import persistence

    kinds: tuple[type[BaseException], ...] = (
        ConnectionError, TimeoutError, psycopg.OperationalError, psycopg_pool.PoolTimeout,
        persistence.OperationalError, persistence.InterfaceError,
        asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError,
        asyncpg.InterfaceError)
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def unavailable(instance: str = "") -> JSONResponse:
    """503 with Retry-After: the client may retry (with the same Idempotency-Key)."""
    return problem_response(503, "Service unavailable",
                            "A database or broker cannot be reached; retry shortly.",
                            instance=instance, headers={"Retry-After": "5"})


def is_unstorable(error: BaseException) -> bool:
    """Whether the database refused a value of the request (not a fault of ours)."""
    import asyncpg
    import psycopg
    from eventsourcing import persistence

    # eventsourcing wraps psycopg's (e.g. a NUL byte in a text parameter) in its own.
    return isinstance(error, UnicodeError | asyncpg.DataError | psycopg.DataError
                      | persistence.DataError)
