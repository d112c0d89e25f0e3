"""OpenID Connect sign-in (authorization code flow with PKCE) against the configured issuer.

Authlib's Starlette client speaks the protocol: discovery, the redirect carrying state,
nonce and an S256 code challenge (their values wait in the encrypted session cookie until
the issuer sends the person back), the code exchange and the ID token's validation.
Tokens never go to a log: only error codes and the role of who signed in do.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Query, Request
from joserfc.errors import JoseError
from starlette.responses import Response

from services.web.flow import end_session, form_of, safe_next, see_other, sign_in_url
from services.web.oidc_token import (
    REASONS,
    STATUS,
    SignInRefused,
    bearer_token,
    id_token_of,
    person_of,
)
from services.web.person import home_of
from services.web.rendering import pages_of
from services.web.settings import WebSettings
from shared.auth import TokenVerifier

CALLBACK = "/anmelden/rueckkehr"
FAILURE_PAGE = "/anmelden/fehler"
SIGNED_OUT = "/anmelden?abgemeldet=1"
# Where to go after signing in, kept in the session while the person is at the issuer.
NEXT = "sign_in_next"
# Why the last sign-in failed, for the page that says so.
REFUSED = "sign_in_refused"
_log = logging.getLogger("wirkung.web.oidc")


class Issuer:
    """This client at the issuer: the protocol through Authlib, the services' token check."""

    def __init__(self, settings: WebSettings) -> None:
        if not (settings.oidc_issuer and settings.oidc_client_id and
                settings.oidc_client_secret):
            raise RuntimeError("set WIRKUNG_WEB_OIDC_ISSUER, WIRKUNG_WEB_OIDC_CLIENT_ID and "
                               "WIRKUNG_WEB_OIDC_CLIENT_SECRET (or, for development, "
                               "WIRKUNG_AUTH_SECRET)")
        self.settings = settings
        self.client_id = settings.oidc_client_id
        discovery = f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
        self.client: Any = OAuth().register(
            "wirkung", server_metadata_url=discovery, client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            client_kwargs={"scope": "openid", "code_challenge_method": "S256"})
        self._verifier: TokenVerifier | None = None

    async def metadata(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.client.load_server_metadata()
        return result

    async def verifier(self) -> TokenVerifier:
        """The services' check: their JWKS, issuer and audience (by default the issuer's)."""
        if self._verifier is None:
            metadata = await self.metadata()
            self._verifier = TokenVerifier(
                jwks_url=self.settings.auth_jwks_url or str(metadata["jwks_uri"]),
                issuer=self.settings.auth_issuer or str(metadata["issuer"]),
                audience=self.settings.auth_audience or self.client_id)
        return self._verifier

    def public(self, request: Request, path: str) -> str:
        base = self.settings.public_url or str(request.base_url)
        return base.rstrip("/") + path


def install(router: APIRouter, settings: WebSettings) -> None:
    """Sign-in at the issuer, its return (callback) and sign-out there."""
    issuer = Issuer(settings)

    @router.get("/anmelden", include_in_schema=False)
    async def sign_in(request: Request, next: Annotated[str, Query(max_length=2000)] = "/",
                      abgemeldet: str | None = None) -> Response:
        if abgemeldet:
            # Not straight back to the issuer: it would sign the person in again at once.
            return pages_of(request).render(request, "signin/signed_out.html")
        request.session[NEXT] = safe_next(next)
        try:
            redirect: Response = await issuer.client.authorize_redirect(
                request, issuer.public(request, CALLBACK))
        except (httpx.HTTPError, ValueError) as error:
            _log.warning("the issuer's discovery failed: %s", type(error).__name__)
            return _failure_page(request, "unreachable", next)
        return redirect

    @router.get(CALLBACK, include_in_schema=False)
    async def returned(request: Request) -> Response:
        next_path = safe_next(request.session.pop(NEXT, None))
        try:
            token: dict[str, Any] = await _exchange(issuer, request)
            bearer = bearer_token(token)
            person = await person_of(await issuer.verifier(), bearer, str(token["id_token"]))
        except SignInRefused as refusal:
            # Shown on a page of its own: reloading it, or switching its language, must not
            # send the spent code to the issuer again.
            request.session[REFUSED] = {"reason": refusal.reason, "next": next_path}
            return see_other(FAILURE_PAGE)
        request.session.pop(REFUSED, None)
        request.session["person"] = person.as_session()
        _log.info("signed in with role %s", person.role)
        return see_other(next_path if next_path != "/" else home_of(person))

    @router.get(FAILURE_PAGE, include_in_schema=False)
    async def failed(request: Request) -> Response:
        refused = request.session.get(REFUSED)
        if not isinstance(refused, dict) or refused.get("reason") not in REASONS:
            return see_other("/anmelden")
        return _failure_page(request, str(refused["reason"]), str(refused.get("next", "/")))

    @router.post("/abmelden", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        await form_of(request)
        person = end_session(request)
        try:
            endpoint = (await issuer.metadata()).get("end_session_endpoint")
        except (httpx.HTTPError, ValueError):
            endpoint = None  # signed out here at least; the issuer's session stays
        if not endpoint or person is None:
            return see_other(SIGNED_OUT)
        query = urlencode({"id_token_hint": id_token_of(person), "client_id": issuer.client_id,
                           "post_logout_redirect_uri": issuer.public(request, SIGNED_OUT)})
        return see_other(f"{endpoint}{'&' if '?' in str(endpoint) else '?'}{query}")


async def _exchange(issuer: Issuer, request: Request) -> dict[str, Any]:
    """The issuer's answer to the code it sent back, its ID token validated."""
    try:
        token: dict[str, Any] = await issuer.client.authorize_access_token(request)
    except OAuthError as error:
        # The error code only: a description may echo what the request carried.
        _log.warning("sign-in at the issuer ended with %r", str(error.error)[:60])
        raise SignInRefused("denied" if error.error == "access_denied" else "failed") from error
    except (httpx.HTTPError, ValueError) as error:
        _log.warning("the issuer did not answer the code exchange: %s", type(error).__name__)
        raise SignInRefused("unreachable") from error
    except (AuthlibBaseError, JoseError) as error:  # the ID token's checks (Authlib, joserfc)
        _log.warning("the issuer's ID token is invalid: %s", type(error).__name__)
        raise SignInRefused("failed") from error
    if "userinfo" not in token:  # no ID token, or none validated against the nonce
        _log.warning("the issuer's answer carries no ID token")
        raise SignInRefused("failed")
    return token


def _failure_page(request: Request, reason: str, next_path: str) -> Response:
    return pages_of(request).render(request, "signin/failed.html", status=STATUS[reason],
                                  reason=REASONS[reason], retry=sign_in_url(safe_next(next_path)))
