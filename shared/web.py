"""The FastAPI app every service shares: problems, metrics, health and readiness."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import asyncpg
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from faststream.kafka.fastapi import KafkaRouter

from shared.asyncapi import Channel, asyncapi_document, asyncapi_routes
from shared.auth import TokenVerifier
from shared.idempotency import IdempotencyMiddleware, IdempotencyStore
from shared.observability import ObservabilityMiddleware, metrics_endpoint
from shared.openapi import document_answers
from shared.problems import install_problem_handlers, problem_response
from shared.settings import ServiceSettings

ReadinessCheck = Callable[[], Awaitable[bool]]


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    secret = settings.auth_secret.get_secret_value() if settings.auth_secret else None
    return TokenVerifier(secret=secret, jwks_url=settings.auth_jwks_url,
                         issuer=settings.auth_issuer, audience=settings.auth_audience)


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_service_app(*, service: str, title: str, description: str, settings: ServiceSettings,
                       kafka: KafkaRouter, routers: Sequence[APIRouter],
                       database_ready: ReadinessCheck, channels: Sequence[Channel],
                       idempotency: IdempotencyStore | None = None) -> FastAPI:
    """A service's app: its routers, the Kafka router, /health, /ready, /metrics, and the
    AsyncAPI document of the topics (`channels`) it sends to and receives from."""
    # Operation ids are the routes' names (register_provider, not register_provider_providers_post):
    # the names a client generated from the document gives its functions.
    app = FastAPI(title=title, description=description, version="0.1.0",
                  generate_unique_id_function=_operation_id)
    app.state.token_verifier = token_verifier(settings)
    install_problem_handlers(app)
    if idempotency is not None:  # inside the observability middleware
        app.add_middleware(IdempotencyMiddleware, store=idempotency,
                           verifier=app.state.token_verifier)
    app.add_middleware(ObservabilityMiddleware, service=service)

    async def health() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    async def ready() -> object:
        """Ready: the database and the broker answer."""
        checks = {
            "database": await _safely(database_ready),
            "broker": await _safely(lambda: kafka.broker.ping(timeout=2.0)),
        }
        if all(checks.values()):
            return {"status": "ready", "checks": checks}
        return problem_response(503, "Not ready", "A dependency does not answer.",
                                checks=checks, headers={"Retry-After": "5"})

    app.add_api_route("/health", health, methods=["GET"], tags=["operations"])
    app.add_api_route("/ready", ready, methods=["GET"], tags=["operations"],
                      responses={503: {"description": "A dependency does not answer; "
                                                      "`checks` says which."}})
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    for router in routers:
        app.include_router(router)
    app.include_router(kafka)
    document_answers(app, idempotency=idempotency is not None)
    asyncapi_routes(app, asyncapi_document(
        title=title, description=description, version=app.version,
        bootstrap_servers=settings.kafka_bootstrap_servers, channels=channels))
    return app


async def _safely(check: ReadinessCheck) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), timeout=3.0))
    except Exception:
        return False


def postgres_ready(database_url: str) -> ReadinessCheck:
    """A readiness check that opens a connection and runs `SELECT 1`."""

    async def check() -> bool:
        if database_url.startswith("memory:"):
            return True
        connection = await asyncpg.connect(database_url, timeout=2.0)
        try:
            return bool(await connection.fetchval("SELECT 1") == 1)
        finally:
            await connection.close()

    return check
