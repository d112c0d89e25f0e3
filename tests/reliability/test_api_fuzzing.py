"""API fuzzing with schemathesis against each service's OpenAPI document, for every role.

Each service runs as its own process (`wirkung serve`) on the real PostgreSQL
and broker. Whatever is generated: no 5xx, invalid data is rejected, and a
request without a token is never let through.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from shared.auth import Role, mint_token
from shared.embedded.process import free_port
from tests.support import (
    TEST_CELL_KEY_SECRET,
    TEST_KEY_ENCRYPTION_KEY,
    Infrastructure,
    new_database_sync,
    new_topics_sync,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("agreements", "cases", "metrics")
PUBLIC = ("/health", "/ready", "/asyncapi", "/docs", "/openapi")
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest, infrastructure: Infrastructure,
            secret: str) -> Iterator[tuple[str, str]]:
    name: str = request.param
    port = free_port()
    topics = new_topics_sync(infrastructure)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("WIRKUNG_", "KAFKA_"))}
    env.update({f"WIRKUNG_{name.upper()}_DATABASE_URL": new_database_sync(infrastructure),
                "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
                "WIRKUNG_TOPIC_PREFIX": topics.prefix, "WIRKUNG_AUTH_SECRET": secret,
                "WIRKUNG_LOG_LEVEL": "WARNING",
                # The cases service does not start without the key that wraps client keys.
                "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": TEST_KEY_ENCRYPTION_KEY,
                # Nor the metrics service without the secret of its cell keys.
                "WIRKUNG_METRICS_CELL_KEY_SECRET": TEST_CELL_KEY_SECRET})
    log = (infrastructure.home / f"fuzz-{name}.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "wirkung", "serve", name, "--port",
                                str(port)], env=env, cwd=ROOT, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _ready(url):
            assert process.poll() is None, f"{name} exited"
            assert time.monotonic() < deadline, f"{name} did not become ready"
            time.sleep(0.3)
        yield name, url
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def tokens(secret: str) -> dict[str, str]:
    return {
        "contract_manager": mint_token(secret, role=Role.CONTRACT_MANAGER),
        "caseworker": mint_token(secret, role=Role.CASEWORKER, team="asd-nord"),
        "auditor": mint_token(secret, role=Role.AUDITOR),
        "provider": mint_token(secret, role=Role.PROVIDER,
                               provider_id="7f1c2e0a-3b4d-4c5e-8f60-718293a4b5c6"),
        "data_protection_officer": mint_token(secret, role=Role.DATA_PROTECTION_OFFICER),
    }


def load(url: str) -> Any:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return schema.exclude(path_regex="^/(health|ready|asyncapi)")


@pytest.mark.parametrize("role", ["contract_manager", "caseworker", "auditor", "provider",
                                  "data_protection_officer"])
def test_no_request_of_any_role_makes_a_server_error(service: tuple[str, str], role: str,
                                                     secret: str) -> None:
    _, url = service
    headers = {"Authorization": f"Bearer {tokens(secret)[role]}"}

    @FUZZ
    @given(case=load(url).as_strategy(GenerationMode.POSITIVE, headers=headers))
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=url, headers=headers, checks=[not_a_server_error])

    fuzz()


@pytest.mark.parametrize("role", ["contract_manager", "caseworker", "provider"])
def test_invalid_data_is_rejected(service: tuple[str, str], role: str, secret: str) -> None:
    _, url = service
    headers = {"Authorization": f"Bearer {tokens(secret)[role]}"}

    @FUZZ
    @given(case=load(url).as_strategy(GenerationMode.NEGATIVE, headers=headers))
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=url, headers=headers,
                               checks=[not_a_server_error, negative_data_rejection])

    fuzz()


def test_authentication_is_never_ignored(service: tuple[str, str]) -> None:
    _, url = service
    anonymous = {"Authorization": "Bearer not-a-token"}

    @settings(max_examples=80, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=load(url).as_strategy(GenerationMode.POSITIVE))
    def fuzz(case: Any) -> None:
        for headers in ({}, anonymous):
            response = case.call(base_url=url, headers=headers)
            assert response.status_code in (401, 422), (case.method, case.path,
                                                        response.status_code)
            if response.status_code == 422:  # the request itself was invalid first
                continue
            assert "application/problem+json" in response.headers["content-type"]

    fuzz()
