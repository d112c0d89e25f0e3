"""API fuzzing with schemathesis against each service's OpenAPI document, for every role.

Each service runs as its own process (`wirkung serve`) on the real PostgreSQL
and broker. Schemathesis runs every check in every phase (examples, coverage,
fuzzing, stateful) once per role the document names: no 5xx, no answer the
document does not list, nothing the schema admits refused and nothing it forbids
let through; a request without a token is never let through.
"""

from __future__ import annotations

import importlib
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
                "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": TEST_KEY_ENCRYPTION_KEY})
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
             "starts, a service's planned end not before its start): 422 with the rule's name")
       for key in (("POST", "/agreements"), ("PUT", "/agreements/{agreement_id}/terms"),
                   ("POST", "/agreements/{agreement_id}/amendments"),
                   ("POST", "/cases/{case_id}/services"))},
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


def generated_client(url: str, folder: Path, package: str) -> Any:
    """A client generated by openapi-python-client from the service's document, imported."""
    document = folder / f"{package}.json"
    document.write_text(httpx.get(f"{url}/openapi.json").text)
    generation = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path",
         str(document), "--output-path", str(folder / package), "--meta", "none"],
        capture_output=True, text=True, cwd=folder, timeout=120, check=False)
    assert generation.returncode == 0, generation.stdout + generation.stderr
    skipped = [line for line in generation.stdout.splitlines()
               if "will not be generated" in line
               # A CSV file as the body: the generator writes no code for text/csv.
               and "/reference/population/csv" not in line]
    assert not skipped, generation.stdout
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))


def call(package: Any, tag: str, operation: str, **arguments: Any) -> Any:
    """One operation of a generated client; its answer, which must be a success."""
    module = importlib.import_module(f"{package.__name__}.api.{tag}.{operation}")
    answer = module.sync_detailed(**arguments)
    assert 200 <= int(answer.status_code) < 300, (operation, answer.status_code, answer.content)
    return answer


def test_a_generated_client_performs_the_readme_flow(service: tuple[str, str], secret: str,
                                                    tmp_path: Path) -> None:
    """The README's example, through a client generated from the published document only:
    the proof that the contract is usable as published."""
    name, url = service
    package = generated_client(url, tmp_path, f"wirkung_{name}_client")
    models = importlib.import_module(f"{package.__name__}.models")
    as_role = {role: package.AuthenticatedClient(base_url=url, token=token)
               for role, token in tokens(secret).items()}
    if name == "agreements":
        manager = as_role["contract_manager"]
        provider = call(package, "providers", "register_provider_providers_post",
                        client=manager, body=models.ProviderRegistration.from_dict({
                            "name": "Stadtteilhilfe Ost e.V.", "legal_form": "e.V.",
                            "fields_of_action": ["soziales"]})).parsed
        drafted = call(package, "agreements", "draft_agreement_agreements_post",
                       client=manager, body=models.AgreementDraft.from_dict({
                           "provider_id": str(provider.id), "title": "Quartierstreff Ost",
                           "budget_product_code": "3.1.1.01", "field_of_action": "soziales",
                           "districts": ["Oststadt"], "term_start": "2026-01-01",
                           "term_end": "2027-12-31", "annual_budget_cents": 12000000,
                           "pricing_unit": "hour", "unit_price_cents": 5800, "capacity": 20,
                           "impact_goals": [{"text": "70 % enden planmäßig",
                                             "indicator_id": "planned_closure_rate",
                                             "comparison": ">=", "target_value": "0.7"}]})).parsed
        call(package, "agreements", "sign_agreement_agreements_agreement_id_signature_post",
             client=manager, agreement_id=drafted.id, if_match='"1"', body=models.When())
        history = call(package, "agreements",
                       "agreement_history_agreements_agreement_id_history_get",
                       client=as_role["auditor"], agreement_id=drafted.id).parsed
        assert [entry.type_ for entry in history][-1] == "ServiceAgreement.Signed"
    elif name == "cases":
        caseworker = as_role["caseworker"]
        client = call(package, "clients", "register_client_clients_post", client=caseworker,
                      body=models.ClientRegistration.from_dict({
                          "name": "Erika Mustermann", "birth_date": "2010-05-17",
                          "address": "Hauptstraße 1, Musterstadt"})).parsed
        case = call(package, "cases", "open_case_cases_post", client=caseworker,
                    x_purpose="assistance_planning",
                    body=models.OpeningForRegisteredClient.from_dict({
                        "client_id": str(client.id), "field_of_action": "jugend",
                        "target_groups": ["Familien"], "district": "Nordstadt",
                        "legal_basis": "SGB VIII §27"})).parsed
        read = call(package, "cases", "read_case_cases_case_id_get", client=caseworker,
                    case_id=case.id).parsed
        assert read.client_pseudonym == client.pseudonym
    else:
        indicators = call(package, "indicators", "list_indicators_indicators_get",
                          client=as_role["auditor"]).parsed
        assert "active_cases" in {indicator.id for indicator in indicators}
