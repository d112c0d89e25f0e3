from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from shared.auth import Principal, Role, TokenVerifier, mint_token
from shared.problems import Unauthorized

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def test_a_minted_token_names_role_and_scope() -> None:
    token = mint_token(SECRET, role=Role.CASEWORKER, team="asd-nord", subject="cw-7")

    principal = TokenVerifier(secret=SECRET).verify(token)

    assert principal == Principal(subject="cw-7", role=Role.CASEWORKER, team="asd-nord")


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = mint_token("another-secret-another-secret-another", role=Role.AUDITOR)

    with pytest.raises(Unauthorized):
        TokenVerifier(secret=SECRET).verify(token)


def test_an_expired_token_is_refused() -> None:
    token = mint_token(SECRET, role=Role.AUDITOR, ttl_seconds=-10)

    with pytest.raises(Unauthorized):
        TokenVerifier(secret=SECRET).verify(token)


def test_a_token_with_an_unknown_role_is_refused() -> None:
    token = jwt.encode({"sub": "x", "role": "mayor", "iss": "wirkung", "aud": "wirkung",
                        "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")

    with pytest.raises(Unauthorized):
        TokenVerifier(secret=SECRET).verify(token)


def test_an_unsigned_token_is_refused() -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(json.dumps(
        {"sub": "x", "role": "auditor", "iss": "wirkung", "aud": "wirkung",
         "exp": int(time.time()) + 60}).encode()).rstrip(b"=").decode()
    token = f"{header}.{claims}."


    with pytest.raises(Unauthorized):
        TokenVerifier(secret=SECRET).verify(token)


def test_provider_and_caseworker_tokens_need_their_scope() -> None:
    with pytest.raises(ValueError, match="provider id"):
        mint_token(SECRET, role=Role.PROVIDER)
    with pytest.raises(ValueError, match="team"):
        mint_token(SECRET, role=Role.CASEWORKER)


def test_a_verifier_needs_a_secret_or_a_jwks_url() -> None:
    with pytest.raises(ValueError, match="WIRKUNG_AUTH"):
        TokenVerifier()
