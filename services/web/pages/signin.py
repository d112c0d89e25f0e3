"""Signing in and out, the start page and the language switch.

On the embedded stack a development sign-in offers every role and mints a token with
the local secret; it does not exist when the services verify tokens against an
OIDC issuer's keys — then `services.web.oidc` signs people in.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.responses import Response

from services.web import oidc
from services.web.clients import ServiceError, Services, services_of
from services.web.flow import end_session, form_of, safe_next, see_other
from services.web.i18n import language_of
from services.web.labels import N_
from services.web.person import Person, home_of
from services.web.rendering import pages_of
from services.web.settings import WebSettings
from shared.auth import Role, mint_token

ROLE_NAMES = {
    Role.CASEWORKER.value: N_("Fallmanagement"),
    Role.PROVIDER.value: N_("Freier Träger"),
    Role.CONTRACT_MANAGER.value: N_("Sozialplanung / Controlling"),
    Role.AUDITOR.value: N_("Rechnungsprüfung"),
    Role.DATA_PROTECTION_OFFICER.value: N_("Datenschutz"),
}


def install(app: FastAPI, settings: WebSettings) -> None:
    """The start page and language for everyone; the sign-in (and sign-out) that fits."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def start(request: Request) -> Response:
        person = Person.from_session(request.session)
        if person is None or person.expired:
            if not settings.development_sign_in:
                return see_other("/anmelden")
            return await sign_in_page(request)
        return see_other(home_of(person))

    @router.post("/sprache", include_in_schema=False)
    async def switch_language(request: Request) -> Response:
        form = await form_of(request)
        request.session["lang"] = language_of(form.get("lang"))
        return see_other(safe_next(form.get("next")))

    async def sign_in_page(request: Request, next_path: str = "/",
                           signed_out: bool = False) -> Response:
        pages = pages_of(request)
        services = services_of(request)
        return pages.render(
            request, "signin/development.html", roles=ROLE_NAMES, teams=settings.teams,
            providers=await _providers(services, settings), next_path=safe_next(next_path),
            signed_out=signed_out)

    if settings.development_sign_in:
        @router.get("/anmelden", include_in_schema=False)
        async def development_sign_in(request: Request,
                                      next: Annotated[str, Query(max_length=2000)] = "/",
                                      abgemeldet: str | None = None) -> Response:
            return await sign_in_page(request, next, signed_out=bool(abgemeldet))

        @router.post("/abmelden", include_in_schema=False)
        async def sign_out(request: Request) -> Response:
            await form_of(request)
            end_session(request)
            return see_other("/anmelden?abgemeldet=1")

        @router.post("/anmelden", include_in_schema=False)
        async def development_sign_in_done(request: Request) -> Response:
            form = await form_of(request)
            role = form.get("role", "")
            if role not in ROLE_NAMES:
                return await sign_in_page(request, form.get("next", "/"))
            team = form.get("team") if role == Role.CASEWORKER.value else None
            provider = form.get("provider_id") if role == Role.PROVIDER.value else None
            if (role == Role.CASEWORKER.value and team not in settings.teams) or \
                    (role == Role.PROVIDER.value and not provider):
                return await sign_in_page(request, form.get("next", "/"))
            secret = settings.auth_secret.get_secret_value() if settings.auth_secret else ""
            ttl = settings.dev_session_minutes * 60
            subject = f"{role}-{team or provider or 'demo'}"
            token = mint_token(secret, role=Role(role), subject=subject, team=team,
                               provider_id=provider, ttl_seconds=ttl)
            person = Person(token=token, subject=subject, role=role, team=team,
                            provider_id=provider, expires_at=int(time.time()) + ttl)
            request.session["person"] = person.as_session()
            next_path = safe_next(form.get("next"))
            return see_other(next_path if next_path != "/" else home_of(person))
    else:
        oidc.install(router, settings)

    app.include_router(router)


async def _providers(services: Services, settings: WebSettings) -> list[dict[str, str]]:
    """The demo's providers to sign in as (development only: read with a minted token)."""
    if not settings.development_sign_in or settings.auth_secret is None:
        return []
    token = mint_token(settings.auth_secret.get_secret_value(), role=Role.CONTRACT_MANAGER,
                       subject="web-development-sign-in", ttl_seconds=60)
    try:
        providers = await services.agreements.providers(token, active=True, limit=200)
    except ServiceError:
        return []  # the sign-in works without the list
    return sorted(({"id": str(p["provider_id"]), "name": str(p["name"])} for p in providers),
                  key=lambda provider: provider["name"])
