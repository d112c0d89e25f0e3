"""Security headers on every answer, and the CSRF token every state change must carry."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def content_security_policy(form_targets: list[str]) -> str:
    """Only our own origin: no CDN, no inline script or style, no framing."""
    form_action = " ".join(["'self'", *form_targets])
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            f"frame-ancestors 'none'; form-action {form_action}")


class SecurityHeadersMiddleware:
    """CSP, no sniffing, no referrer beyond our origin, no framing, no caching of pages."""

    def __init__(self, app: ASGIApp, *, form_targets: list[str]) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(form_targets),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if not is_static:
                    # Pages show personal data: no copy in a shared proxy or the back button.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_is_valid(request: Request, submitted: str | None) -> bool:
    expected = request.session.get("csrf")
    given = submitted or request.headers.get(CSRF_HEADER)
    return isinstance(expected, str) and isinstance(given, str) and \
        hmac.compare_digest(expected, given)
