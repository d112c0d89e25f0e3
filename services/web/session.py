"""The session: a cookie encrypted with AES-GCM, so the service keeps no state.

It holds the signed-in person's token, who they are, the CSRF token, the language
and a half-filled form kept across a new sign-in. Authenticated encryption means a
cookie changed by the browser is simply no session.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "wirkung_session"
# Browsers keep at most about 4 KB per cookie.
MAX_COOKIE_BYTES = 4000


class SessionCipher:
    """Seals and opens the session's JSON with one key."""

    def __init__(self, key: str) -> None:
        raw = base64.urlsafe_b64decode(key.encode() + b"=" * (-len(key) % 4))
        if len(raw) != 32:
            raise ValueError("WIRKUNG_WEB_SESSION_KEY must be 32 bytes in URL-safe base64")
        self._aead = AESGCM(raw)

    def seal(self, data: dict[str, Any]) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, json.dumps(data, separators=(",", ":")).encode(),
                                    COOKIE.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, text: str) -> dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
            opened = self._aead.decrypt(raw[:12], raw[12:], COOKIE.encode())
            data = json.loads(opened)
        except (InvalidTag, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


class EncryptedSessionMiddleware:
    """`request.session` from and into the encrypted cookie (HttpOnly, SameSite=Lax)."""

    def __init__(self, app: ASGIApp, *, key: str, secure: bool) -> None:
        self.app = app
        self.cipher = SessionCipher(key)
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cookie = HTTPConnection(scope).cookies.get(COOKIE)
        initial = self.cipher.open(cookie) if cookie else {}
        scope["session"] = dict(initial)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: dict[str, Any] = scope["session"]
                if session != initial or (cookie and not session):
                    headers = MutableHeaders(scope=message)
                    headers.append("Set-Cookie", self._cookie(session))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session: dict[str, Any]) -> str:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        if not session:
            return f"{COOKIE}=; Max-Age=0{flags}"
        value = self.cipher.seal(session)
        if len(value) > MAX_COOKIE_BYTES:
            # A kept draft is the one thing that can grow: drop it rather than the sign-in.
            session.pop("draft", None)
            value = self.cipher.seal(session)
        return f"{COOKIE}={value}{flags}"
