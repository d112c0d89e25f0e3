"""Idempotent commands: a retry with the same `Idempotency-Key` gets the first answer.

The key is scoped to the person: the verified token's subject, so a retry with a
refreshed token (an OIDC client gets a new one every few minutes) is the same
command, and another person's same key is another command. A request whose token
does not verify is passed on untouched (the service refuses it). The first request claims the
key, runs, and stores its answer; a retry replays that answer and runs
nothing; the same key with another request is refused (422); a retry while
the first is still running is told so (409). An answer of 5xx is not stored,
so the client may retry. Keys live in the service's own PostgreSQL database.

The command's events and the mark that its key was saved are written in one
transaction (`shared.keyed_recorder`), so a request that dies after saving
but before its answer is stored is never run a second time: a retry is told
that the command was applied (409) instead.

An answer may hold personal data (a case with its notes, a client's address),
so the database holds none of it readable: the key is stored as a digest, the
request's fingerprint is keyed by the key, and the answer is sealed
(AES-256-GCM) under a key derived from the Idempotency-Key and the person. Only
a retry that presents the key opens it; a dump of the database does not. Keys
should be random (the web sends a random UUID per form).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import TokenVerifier
from shared.problems import is_unavailable, problem_response, unavailable
from shared.tasks import close_pool

HEADER = b"idempotency-key"
STALE_CLAIM_SECONDS = 30.0
_COMMAND_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_REPLAYED_HEADERS = {"content-type", "location", "etag"}
# (scope, key) of the command running in this context; its save marks the key saved.
COMMAND_KEY: ContextVar[tuple[str, str] | None] = ContextVar("command_key", default=None)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Claimed:
    """The key is new: run the command."""


@dataclass(frozen=True)
class InProgress:
    """The first request with this key has not finished yet."""


@dataclass(frozen=True)
class Mismatch:
    """The key was used for another request."""


@dataclass(frozen=True)
class Applied:
    """The first request saved its events but died before its answer was stored."""

    saved_at: datetime


Claim = StoredAnswer | Claimed | InProgress | Mismatch | Applied


class IdempotencyStore(Protocol):
    async def claim(self, scope: str, key: str, fingerprint: str) -> Claim: ...
    async def complete(self, scope: str, key: str, answer: StoredAnswer) -> None: ...
    async def release(self, scope: str, key: str) -> None: ...


class MemoryIdempotencyStore:
    """For the in-memory event store of unit tests."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[str, StoredAnswer | None]] = {}
        self._lock = asyncio.Lock()

    async def claim(self, scope: str, key: str, fingerprint: str) -> Claim:
        async with self._lock:
            row = self._rows.get((scope, key))
            if row is None:
                self._rows[(scope, key)] = (fingerprint, None)
                return Claimed()
        return _decide(row[0], fingerprint, row[1])

    async def complete(self, scope: str, key: str, answer: StoredAnswer) -> None:
        fingerprint, _ = self._rows[(scope, key)]
        self._rows[(scope, key)] = (fingerprint, answer)

    async def release(self, scope: str, key: str) -> None:
        self._rows.pop((scope, key), None)


class PostgresIdempotencyStore:
    """Keys and answers in the service's own database (table made by
    `shared.store_migrations`)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._pool: asyncpg.Pool | None = None

    async def start(self) -> None:
        self._pool = await asyncpg.create_pool(self.database_url, min_size=1, max_size=4)

    async def stop(self) -> None:
        if self._pool is not None:
            await close_pool(self._pool)

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "start() the store first"
        return self._pool

    async def claim(self, scope: str, key: str, fingerprint: str) -> Claim:
        inserted = await self.pool.fetchval(
            """INSERT INTO idempotency_keys (scope, key, fingerprint, sealed)
               VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING RETURNING true""",
            scope, key, fingerprint)
        if inserted:
            return Claimed()
        # A claim left pending by a request that died before it saved anything (its
        # database went away) is taken over after a while, so the client's retry can run.
        taken_over = await self.pool.fetchval(
            """UPDATE idempotency_keys SET created_at = now()
               WHERE scope = $1 AND key = $2 AND fingerprint = $3 AND status IS NULL
                 AND saved_at IS NULL
                 AND created_at < now() - make_interval(secs => $4) RETURNING true""",
            scope, key, fingerprint, STALE_CLAIM_SECONDS)
        if taken_over:
            return Claimed()
        row = await self.pool.fetchrow(
            """SELECT fingerprint, status, headers, body, saved_at,
                      created_at < now() - make_interval(secs => $3) AS stale
               FROM idempotency_keys WHERE scope = $1 AND key = $2""",
            scope, key, STALE_CLAIM_SECONDS)
        if row is None:  # released in between: try once more
            return await self.claim(scope, key, fingerprint)
        if row["status"] is None and row["saved_at"] is not None and row["stale"] \
                and row["fingerprint"] == fingerprint:
            return Applied(row["saved_at"])
        answer = None
        if row["status"] is not None:
            answer = StoredAnswer(row["status"], [tuple(h) for h in json.loads(row["headers"])],
                                  row["body"])
        return _decide(row["fingerprint"], fingerprint, answer)

    async def complete(self, scope: str, key: str, answer: StoredAnswer) -> None:
        await self.pool.execute(
            "UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 "
            "WHERE scope = $1 AND key = $2",
            scope, key, answer.status, json.dumps(answer.headers), answer.body)

    async def release(self, scope: str, key: str) -> None:
        """Let a retry run again, unless the command saved its events already."""
        await self.pool.execute(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL "
            "AND saved_at IS NULL", scope, key)


def _decide(stored: str, fingerprint: str, answer: StoredAnswer | None) -> Claim:
    if stored != fingerprint:
        return Mismatch()
    return answer if answer is not None else InProgress()


def routed(scope: Scope) -> bool:
    """Whether the request reaches an endpoint (its path takes its method)."""
    from starlette.routing import Match

    app = scope.get("app")
    routes = getattr(getattr(app, "router", None), "routes", None)
    if routes is None:
        return True
    return any(route.matches(scope)[0] is Match.FULL for route in routes)


def allowed_methods(scope: Scope) -> list[str]:
    """The methods the request's path takes, for the `Allow` header of a 405."""
    return [method for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
            if routed({**scope, "method": method})]


class IdempotencyMiddleware:
    """ASGI middleware applying `Idempotency-Key` to every command of a service."""

    def __init__(self, app: ASGIApp, store: IdempotencyStore,
                 verifier: TokenVerifier) -> None:
        self.app = app
        self.store = store
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        key = headers.get(HEADER, b"").decode("latin-1").strip()
        if not key or scope.get("method") not in _COMMAND_METHODS or not routed(scope):
            await self.app(scope, receive, send)  # not a command: the app answers (405 …)
            return
        if len(key) > 200:
            await problem_response(400, "Invalid Idempotency-Key",
                                   "At most 200 characters.")(scope, receive, send)
            return
        caller = await self._person(headers.get(b"authorization", b""))
        if caller is None:  # no valid token: the service answers 401, nothing to remember
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = hmac.new(key.encode(), b"\0".join(
            [scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""),
             headers.get(b"if-match", b""), body]), hashlib.sha256).hexdigest()
        sealing = AnswerSeal(caller, key)
        try:
            claim = await self.store.claim(caller, sealing.stored_key, fingerprint)
        except Exception as error:
            if not is_unavailable(error):
                raise
            await unavailable(scope["path"])(scope, receive, send)
            return
        if isinstance(claim, StoredAnswer):
            await _replay(sealing.opened(claim), send)
            return
        if isinstance(claim, Mismatch):
            await problem_response(422, "Idempotency-Key reused",
                                   "This key was used for a different request.")(
                scope, receive, send)
            return
        if isinstance(claim, InProgress):
            await problem_response(409, "Request in progress",
                                   "The first request with this key is still running.",
                                   headers={"Retry-After": "1"})(scope, receive, send)
            return
        if isinstance(claim, Applied):
            await problem_response(
                409, "Command already applied",
                f"The first request with this key was recorded at "
                f"{claim.saved_at.isoformat()}, but its answer was lost in a failure. "
                "It is not run again; read the resource to see its state.")(
                scope, receive, send)
            return
        await self._run_once(scope, body, send, sealing)

    async def _person(self, authorization: bytes) -> str | None:
        """Whose command: a digest of the verified token's subject; None without a valid token.

        Verified here, before the command runs: a forged token naming someone's subject
        must not get that person's stored answer.
        """
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            if self.verifier.fetches_keys:  # may ask the JWKS endpoint: not on the event loop
                principal = await run_in_threadpool(self.verifier.verify, token.strip())
            else:
                principal = self.verifier.verify(token.strip())
        except Exception:  # invalid or expired; the route's own check answers it
            return None
        return hashlib.sha256(f"subject\0{principal.subject}".encode()).hexdigest()

    async def _run_once(self, scope: Scope, body: bytes, send: Send,
                        sealing: AnswerSeal) -> None:
        caller, key = sealing.caller, sealing.stored_key
        status, answer_headers, chunks = 500, [], []
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status, answer_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                answer_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                                  for k, v in message.get("headers", [])
                                  if k.decode("latin-1").lower() in _REPLAYED_HEADERS]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        running = COMMAND_KEY.set((caller, key))
        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await self._forget(caller, key)
            raise
        finally:
            COMMAND_KEY.reset(running)
        if status >= 500:
            await self._forget(caller, key)
        else:
            await self.store.complete(caller, key, sealing.sealed(
                StoredAnswer(status, answer_headers, b"".join(chunks))))

    async def _forget(self, caller: str, key: str) -> None:
        """Let a retry run again; if the database is gone, the claim stays pending."""
        try:
            await self.store.release(caller, key)
        except Exception as error:
            if not is_unavailable(error):
                raise


@dataclass(frozen=True)
class AnswerSeal:
    """How one person's key is stored (a digest) and their answer sealed (under the key)."""

    caller: str
    key: str

    @property
    def stored_key(self) -> str:
        return hashlib.sha256(f"idempotency-key\0{self.key}".encode()).hexdigest()

    def sealed(self, answer: StoredAnswer) -> StoredAnswer:
        nonce = os.urandom(12)
        return StoredAnswer(answer.status, answer.headers, nonce + self._aead().encrypt(
            nonce, answer.body, self._context()))

    def opened(self, answer: StoredAnswer) -> StoredAnswer:
        body = self._aead().decrypt(answer.body[:12], answer.body[12:], self._context())
        return StoredAnswer(answer.status, answer.headers, body)

    def _aead(self) -> AESGCM:
        return AESGCM(hashlib.sha256(
            f"idempotent-answer\0{self.caller}\0{self.key}".encode()).digest())

    def _context(self) -> bytes:
        return f"{self.caller}\0{self.stored_key}".encode()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _replay(answer: StoredAnswer, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
