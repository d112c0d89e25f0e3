"""Bearer tokens (JWT) with a role and a scope.

Development signs with HS256 and a generated local secret; production verifies
RS256 tokens against an OIDC issuer's JWKS. Claims: `sub`, `role`, and the
scope (`provider_id` for providers, `team` for caseworkers). Scope checks on
objects belong to the application; this module only says who is asking.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from shared.openapi import answers, for_roles

# Re-exported: the HTTP layer has always named them from here.
from shared.principals import Principal as Principal
from shared.principals import Role as Role
from shared.principals import scope_is_named as scope_is_named
from shared.problems import Forbidden, Unauthorized


class TokenVerifier:
    """Checks a bearer token and turns it into a Principal."""

    def __init__(self, *, secret: str | None = None, jwks_url: str | None = None,
                 issuer: str = "wirkung", audience: str = "wirkung") -> None:
        if not secret and not jwks_url:
            raise ValueError("set WIRKUNG_AUTH_SECRET (development) or WIRKUNG_AUTH_JWKS_URL")
        self._secret = secret
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._issuer = issuer
        self._audience = audience

    @property
    def fetches_keys(self) -> bool:
        """Whether verifying may fetch keys over the network (JWKS)."""
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        try:
            if self._jwks is not None:
                key: Any = _signing_key(self._jwks, token)
                algorithms = ["RS256"]
            else:
                key, algorithms = self._secret, ["HS256"]
            claims = jwt.decode(token, key, algorithms=algorithms, audience=self._audience,
                                issuer=self._issuer, options={"require": ["sub", "exp"]})
            role = Role(claims.get("role", ""))
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthorized("The bearer token is invalid or expired.",
                               headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) \
                from error
        return Principal(subject=str(claims["sub"]), role=role,
                         provider_id=claims.get("provider_id"), team=claims.get("team"))


def _signing_key(jwks: jwt.PyJWKClient, token: str) -> Any:
    """The issuer's key the token names; the issuer's only key if it names none.

    `kid` is optional (RFC 7515, 4.1.4): an issuer with a single signing key may leave it
    out of its tokens' headers. With several keys a token must say which one signed it.
    """
    if jwt.get_unverified_header(token).get("kid") is not None:
        return jwks.get_signing_key_from_jwt(token).key
    keys = [key for key in jwks.get_jwk_set().keys if key.public_key_use in ("sig", None)]
    if len(keys) != 1:
        raise jwt.InvalidTokenError("the token names no key and the issuer has several")
    return keys[0].key


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def mint_token(secret: str, *, role: Role, subject: str | None = None,
               provider_id: str | None = None, team: str | None = None,
               ttl_seconds: int = 12 * 3600, issuer: str = "wirkung",
               audience: str = "wirkung") -> str:
    """Sign a development token (HS256)."""
    if not scope_is_named(role, team=team, provider_id=provider_id):
        raise ValueError("a provider token needs a provider id" if role is Role.PROVIDER
                         else "a caseworker token needs a team")
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject or f"{role.value}-demo",
        "role": role.value,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if provider_id:
        claims["provider_id"] = provider_id
    if team:
        claims["team"] = team
    return jwt.encode(claims, secret, algorithm="HS256")


_bearer = HTTPBearer(auto_error=False, description="JWT with role and scope claims")


@answers(401)
async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
    verifier: TokenVerifier = request.app.state.token_verifier
    if verifier.fetches_keys:  # may ask the JWKS endpoint: not on the event loop
        principal = await run_in_threadpool(verifier.verify, credentials.credentials)
    else:
        principal = verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency: the caller's principal, if it has one of `roles`."""

    @for_roles(*roles)
    async def dependency(principal: Annotated[Principal, Depends(current_principal)],
                         ) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"The role {principal.role.value} may not do this.")
        return principal

    return dependency
