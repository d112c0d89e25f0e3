"""API fuzzing with schemathesis against each service's OpenAPI document, for every role.

Each service runs as its own process (`wirkung serve`) on the real PostgreSQL
and broker. Schemathesis runs every check in every phase (examples, coverage,
fuzzing, stateful) once per role the document names: no 5xx, no answer the
document does not list, nothing the schema admits refused and nothing it forbids
let through; a request without a token is never let through.
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
from schemathesis.generation.modes import GenerationMode

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
HOOKS = "tests.reliability.fuzzing_hooks"
MAX_EXAMPLES = 5


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


# Where a check of schemathesis is wrong about us: the operation, the checks it skips, why.
NOT_APPLICABLE: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    **{("GET", path): (("positive_data_acceptance",),
                       "`version` and `as_of` exclude each other (400, documented), which "
                       "OpenAPI cannot say of two query parameters")
       for path in ("/agreements/{agreement_id}", "/providers/{provider_id}",
                    "/agreements/{agreement_id}/reports/{period}", "/cases/{case_id}")},
    **{key: (("positive_data_acceptance",), "a rule relates two fields (a term ends after it "
             "starts, a service's planned end not before its start, a span of the access log "
             "ends after it starts): 422 naming the rule")
       for key in (("POST", "/agreements"), ("PUT", "/agreements/{agreement_id}/terms"),
                   ("POST", "/agreements/{agreement_id}/amendments"),
                   ("POST", "/cases/{case_id}/services"), ("GET", "/access-log/counts"))},
    **{key: (("positive_data_acceptance",), "a birth date lies in the past, which JSON Schema "
             "cannot compare with today")
       for key in (("POST", "/clients"), ("PUT", "/clients/{client_id}/personal-data"))},
    **{("GET", path): (("positive_data_acceptance",), "the dimensions (`by`) an indicator "
                       "has depend on the indicator in the path (422 names those it has)")
       for path in ("/indicators/{indicator_id}", "/indicators/{indicator_id}/restatements")},
    ("POST", "/verifications"): (("positive_data_acceptance",), "only an answer this "
                                 "installation gave can be verified (422 otherwise)"),
    ("POST", "/reference/population/csv"): (("positive_data_acceptance",), "the body is a CSV "
                                            "file whose columns JSON Schema cannot describe"),
    ("POST", "/reference/population"): (("positive_data_acceptance",), "PostgreSQL cannot store "
                                        "text with lone surrogates, which JSON admits (422)"),
}


def config(token: str, document: dict[str, Any], operations: list[str]) -> str:
    """schemathesis.toml: every check and phase, bounded in examples, with the role's token;
    the checks that are wrong about an operation off for that operation. The stateful phase
    follows the links between the role's `operations`; a role that creates nothing (an
    auditor of the access log) has none to follow."""
    lines = [f'hooks = "{HOOKS}"', "workers = 1", "seed = 2026",
             "request-timeout = 20",  # an answer that does not come is a failure too
             # Through the security scheme, so that the checks that leave it out can.
             "[auth.openapi.HTTPBearer]", f'bearer = "{token}"',
             "[checks]", "enabled = true",  # all of them
             # PostgreSQL text holds no NUL character: a string with one is answered 422
             # ("cannot be stored"), which the schemas of free text do not spell out.
             "[generation]", f"max-examples = {MAX_EXAMPLES}", "allow-x00 = false",
             "[phases]", "examples.enabled = true", "coverage.enabled = true",
             "fuzzing.enabled = true",
             f"stateful.enabled = {str(bool(linked(document, operations))).lower()}"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            checks, _ = NOT_APPLICABLE.get((method.upper(), path), ((), ""))
            if checks:
                lines += ["[[operations]]", f'include-operation-id = "{operation["operationId"]}"']
                lines += [f"checks.{check}.enabled = false" for check in checks]
    return "\n".join(lines) + "\n"


def linked(document: dict[str, Any], operations: list[str]) -> list[tuple[str, str]]:
    """The links from one of `operations` to another."""
    return [(operation["operationId"], link["operationId"])
            for item in document["paths"].values() for operation in item.values()
            for answer in operation["responses"].values()
            for link in answer.get("links", {}).values()
            if operation["operationId"] in operations and link["operationId"] in operations]


def operations_of(role: str, document: dict[str, Any]) -> list[str]:
    """The ids of the operations a role may use (`x-roles`; all roles where it names none)."""
    return [operation["operationId"] for path, item in document["paths"].items()
            for operation in item.values()
            if role in operation.get("x-roles", [role])
            and not path.startswith(("/health", "/ready"))]


def test_every_role_meets_the_documented_contract(service: tuple[str, str], secret: str,
                                                  tmp_path: Path) -> None:
    """Schemathesis with all its checks and phases (examples, coverage, fuzzing, stateful)
    against the service, once per role that may use it: no server error, no answer the
    document does not list, no request the schema admits refused or one it forbids let
    through."""
    name, url = service
    document = httpx.get(f"{url}/openapi.json").json()
    roles = sorted({role for item in document["paths"].values() for operation in item.values()
                    for role in operation.get("x-roles", [])})
    assert roles
    failed = []
    for role in roles:
        settings_file = tmp_path / f"{role}.toml"
        operations = operations_of(role, document)
        settings_file.write_text(config(tokens(secret)[role], document, operations))
        try:
            run = subprocess.run(
                [str(Path(sys.executable).parent / "st"), "--config-file", str(settings_file),
                 "--no-color", "run", f"{url}/openapi.json",
                 *[f"--include-operation-id={operation}" for operation in operations]],
                capture_output=True, text=True, cwd=tmp_path, timeout=240, check=False,
                env={**os.environ, "PYTHONPATH": str(ROOT)})
        except subprocess.TimeoutExpired as stuck:
            output = stuck.stdout.decode() if isinstance(stuck.stdout, bytes) else ""
            failed.append(f"=== {name} as {role}: no end after 240 s\n{output[-6000:]}")
            continue
        if run.returncode != 0:
            failed.append(f"=== {name} as {role}\n{run.stdout[-6000:]}{run.stderr[-2000:]}")
    assert not failed, "\n".join(failed)


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
