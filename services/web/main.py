"""Composition root of the web service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from services.web.clients import NotThere, Services, SignInRequired, Unavailable, services_of
from services.web.flow import (
    CsrfRefused,
    SignInNeeded,
    back_path,
    keep_draft,
    see_other,
    sign_in_url,
)
from services.web.pages import (
    accessibility,
    agreement_steps,
    agreements,
    audit_chain,
    audit_history,
    audit_report,
    case,
    cases,
    clients,
    data_protection,
    impact,
    indicator_audit,
    population,
    provider_agreements,
    providers,
    reports,
    signin,
    steering,
)
from services.web.rendering import Pages, pages_of
from services.web.report.runs import ReportRuns
from services.web.security import SecurityHeadersMiddleware
from services.web.session import EncryptedSessionMiddleware
from services.web.settings import WebSettings
from shared.clock import Clock
from shared.observability import ObservabilityMiddleware, configure_logging, metrics_endpoint
from shared.problems import problem_response

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("wirkung.web")


def create_app(settings: WebSettings | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    """Build the web service from its settings (the environment by default).

    `clock` says what day it is (the year a page starts with, whether a report's period has
    begun or ended): the system's by default (or the day `WIRKUNG_FIXED_DAY` names).
    """
    settings = settings or WebSettings()
    configure_logging("web", settings.log_level)
    if not (STATIC / "vendor" / "kern" / "kern.min.css").exists():
        raise RuntimeError("the front-end assets are missing: run `make assets` first")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services(agreements_url=settings.agreements_url,
                                      cases_url=settings.cases_url,
                                      metrics_url=settings.metrics_url)
        app.state.report_runs = ReportRuns()
        try:
            yield
        finally:
            await app.state.report_runs.close()
            await app.state.services.close()

    app = FastAPI(title="Wirkung", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.pages = Pages(feedback_address=settings.feedback_address)
    app.state.clock = clock or settings.clock()
    signin.install(app, settings)
    for module in (cases, case, clients, data_protection, accessibility, audit_history,
                   audit_chain, audit_report, indicator_audit, providers, agreements,
                   agreement_steps, provider_agreements, population, reports, steering, impact):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/health", _health, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ready", _ready, methods=["GET"], include_in_schema=False)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    _install_error_pages(app)
    app.add_middleware(EncryptedSessionMiddleware, key=settings.session_key.get_secret_value(),
                       secure=settings.secure_cookies)
    issuer = [_origin(settings.oidc_issuer)] if settings.oidc_issuer else []
    app.add_middleware(SecurityHeadersMiddleware, form_targets=issuer)
    app.add_middleware(ObservabilityMiddleware, service="web")
    return app


async def _health() -> dict[str, str]:
    return {"status": "ok"}


async def _ready(request: Request) -> Response:
    """Ready: the services the pages call answer."""
    checks = await services_of(request).answering()
    if all(checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    return problem_response(503, "Not ready", "A service does not answer.", checks=checks,
                            headers={"Retry-After": "5"})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _install_error_pages(app: FastAPI) -> None:
    async def on_sign_in_needed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        return _to_sign_in(request, exc.next_path)

    async def on_token_refused(request: Request, exc: Exception) -> Response:
        # The service no longer accepts the token: the sign-in ended.
        request.session.pop("person", None)
        if request.method == "POST":
            await keep_draft(request)
        return _to_sign_in(request, back_path(request))

    async def on_not_there(request: Request, exc: Exception) -> Response:
        return pages_of(request).render(request, "errors/not_found.html", status=404)

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        _log.warning("a service did not answer: %s", exc)
        return pages_of(request).render(request, "errors/unavailable.html", status=503,
                                        headers={"Retry-After": "10"})

    async def on_csrf(request: Request, exc: Exception) -> Response:
        return pages_of(request).render(request, "errors/refused.html", status=403)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return pages_of(request).render(request, "errors/not_found.html", status=404)
        return pages_of(request).render(request, "errors/refused.html", status=exc.status_code)

    app.add_exception_handler(SignInNeeded, on_sign_in_needed)
    app.add_exception_handler(SignInRequired, on_token_refused)
    app.add_exception_handler(NotThere, on_not_there)
    app.add_exception_handler(Unavailable, on_unavailable)
    app.add_exception_handler(CsrfRefused, on_csrf)
    app.add_exception_handler(StarletteHTTPException, on_http)


def _to_sign_in(request: Request, next_path: str) -> Response:
    url = sign_in_url(next_path)
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return see_other(url)
