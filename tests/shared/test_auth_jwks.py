"""Production tokens: RS256, verified against an OIDC issuer's JWKS (served on loopback)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import Principal, Role, TokenVerifier
from shared.problems import Unauthorized

ISSUER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, object]:
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig", "alg": "RS256"}


@contextmanager
def serving(*keys: dict[str, object]) -> Iterator[str]:
    """A JWKS endpoint on loopback holding `keys`."""
    body = json.dumps({"keys": list(keys)})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    with serving(public_jwk(ISSUER_KEY, "k1")) as url:
        yield url


def issued(key: rsa.RSAPrivateKey, kid: str | None = "k1", **claims: object) -> str:
    payload = {"sub": "oidc-user-1", "role": "contract_manager", "iss": "https://idp.example",
               "aud": "wirkung", "exp": int(time.time()) + 60, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid} if kid else None)


def test_a_token_of_the_issuer_is_accepted(jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url, issuer="https://idp.example")

    principal = verifier.verify(issued(ISSUER_KEY, role="provider", provider_id="p-1"))

    assert principal == Principal(subject="oidc-user-1", role=Role.PROVIDER, provider_id="p-1")


def test_a_token_signed_by_another_key_is_refused(jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url, issuer="https://idp.example")

    with pytest.raises(Unauthorized):
        verifier.verify(issued(OTHER_KEY))


def test_a_token_of_another_issuer_or_audience_is_refused(jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url, issuer="https://idp.example")

    with pytest.raises(Unauthorized):
        verifier.verify(issued(ISSUER_KEY, iss="https://evil.example"))
    with pytest.raises(Unauthorized):
        verifier.verify(issued(ISSUER_KEY, aud="another-app"))


def test_an_hs256_token_is_refused_when_verifying_against_jwks(jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url, issuer="https://idp.example")
    forged = jwt.encode({"sub": "x", "role": "auditor", "iss": "https://idp.example",
                         "aud": "wirkung", "exp": int(time.time()) + 60},
                        "guessed-secret-guessed-secret-guessed", algorithm="HS256",
                        headers={"kid": "k1"})

    with pytest.raises(Unauthorized):
        verifier.verify(forged)


def test_a_token_naming_no_key_is_checked_against_the_issuers_only_key(jwks_url: str) -> None:
    verifier = TokenVerifier(jwks_url=jwks_url, issuer="https://idp.example")

    principal = verifier.verify(issued(ISSUER_KEY, kid=None, role="auditor"))

    assert principal == Principal(subject="oidc-user-1", role=Role.AUDITOR)
    with pytest.raises(Unauthorized):
        verifier.verify(issued(OTHER_KEY, kid=None))


def test_a_token_naming_no_key_is_refused_when_the_issuer_has_several() -> None:
    with serving(public_jwk(ISSUER_KEY, "k1"), public_jwk(OTHER_KEY, "k2")) as url:
        verifier = TokenVerifier(jwks_url=url, issuer="https://idp.example")

        with pytest.raises(Unauthorized):
            verifier.verify(issued(ISSUER_KEY, kid=None))
        assert verifier.verify(issued(OTHER_KEY, kid="k2")).role is Role.CONTRACT_MANAGER
