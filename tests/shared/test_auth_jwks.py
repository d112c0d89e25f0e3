"""Production tokens: RS256, verified against an OIDC issuer's JWKS (served on loopback)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import Principal, Role, TokenVerifier
from shared.problems import Unauthorized

ISSUER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    public = json.loads(RSAAlgorithm.to_jwk(ISSUER_KEY.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

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


def issued(key: rsa.RSAPrivateKey, **claims: object) -> str:
    payload = {"sub": "oidc-user-1", "role": "contract_manager", "iss": "https://idp.example",
               "aud": "wirkung", "exp": int(time.time()) + 60, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


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
