"""OpenID Connect sign-in (authorization code flow with PKCE) against the configured issuer."""

from __future__ import annotations

from fastapi import APIRouter

from services.web.settings import WebSettings


def install(router: APIRouter, settings: WebSettings) -> None:
    raise RuntimeError("OpenID Connect sign-in is not configured yet")
