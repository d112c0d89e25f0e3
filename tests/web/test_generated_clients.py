"""The contracts are usable as published: clients generated from each service's OpenAPI
document by a standard generator (openapi-python-client) perform the README's example flow.

The documents are fetched from the running services, as an integrator would; the clients
are generated into a temporary folder and imported from there. The stack is the one the
browser tests share (every service as its own process).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from shared.auth import Role, mint_token
from tests.web.stack import TODAY, Stack

SERVICES = ("agreements", "cases", "metrics")
PERSONS = 5  # the disclosure threshold: a cell of fewer is withheld
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


class Generated:
    """The generated client packages, one per service, imported by module path."""

    def __init__(self, root: Path, stack: Stack) -> None:
        self.root, self.stack = root, stack

    def module(self, service: str, path: str) -> ModuleType:
        return importlib.import_module(f"{service}_client.{path}")

    def client(self, service: str, token: str | None) -> Any:
        package = importlib.import_module(f"{service}_client")
        if token is None:
            return package.Client(base_url=self.stack.urls[service], timeout=httpx.Timeout(15))
        return package.AuthenticatedClient(base_url=self.stack.urls[service], token=token,
                                           timeout=httpx.Timeout(15))

    def call(self, service: str, operation: str, token: str | None, *args: Any,
             **kwargs: Any) -> Any:
        """One operation by its operationId: the module the generator named after it."""
        tag_folders = (self.root / f"{service}_client" / "api").iterdir()
        for folder in tag_folders:
            if (folder / f"{operation}.py").exists():
                module = self.module(service, f"api.{folder.name}.{operation}")
                return module.sync_detailed(*args, client=self.client(service, token), **kwargs)
        raise AssertionError(f"the {service} client has no operation {operation}")

    def model(self, service: str, name: str, data: dict[str, Any]) -> Any:
        models = self.module(service, "models")
        return getattr(models, name).from_dict(data)


@pytest.fixture(scope="module")
def generated(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("generated-clients")
    environment = {**os.environ, "PATH": f"{GENERATOR.parent}:{os.environ['PATH']}"}
    for service in SERVICES:
        document = root / f"{service}.json"
        answer = httpx.get(f"{stack.urls[service]}/openapi.json", timeout=15)
        answer.raise_for_status()
        document.write_bytes(answer.content)
        made = subprocess.run(
            [str(GENERATOR), "generate", "--path", str(document), "--meta", "none",
             "--output-path", str(root / f"{service}_client")],
            capture_output=True, text=True, env=environment, timeout=120, check=False)
        assert made.returncode == 0, made.stdout + made.stderr
        skipped = [line for line in made.stdout.splitlines() if "will not be generated" in line
                   # A CSV file as the body: the generator writes no code for text/csv.
                   and "/reference/population/csv" not in line]
        assert not skipped, made.stdout
    sys.path.insert(0, str(root))
    try:
        yield Generated(root, stack)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] in
                     {f"{service}_client" for service in SERVICES}]:
            del sys.modules[name]


def test_clients_generated_from_the_documents_perform_the_readme_flow(
        generated: Generated, stack: Stack) -> None:
    manager = mint_token(stack.secret, role=Role.CONTRACT_MANAGER, subject="cm-generated")
    caseworker = mint_token(stack.secret, role=Role.CASEWORKER, team="asd-nord",
                            subject="cw-generated")
    auditor = mint_token(stack.secret, role=Role.AUDITOR, subject="au-generated")

    # A contract manager registers a provider, drafts an agreement with a goal and signs it.
    registered = generated.call("agreements", "register_provider", manager,
                                body=generated.model("agreements", "ProviderRegistration", {
                                    "name": "Stadtteilhilfe Ost e.V.", "legal_form": "e.V.",
                                    "fields_of_action": ["soziales"]}))
    assert registered.status_code == 201, registered.content
    provider_id = str(registered.parsed.id)
    drafted = generated.call("agreements", "draft_agreement", manager,
                             body=generated.model("agreements", "AgreementDraft", {
                                 "provider_id": provider_id, "title": "Quartierstreff Ost",
                                 "budget_product_code": "3.1.1.01",
                                 "field_of_action": "soziales", "districts": ["Oststadt"],
                                 "term_start": f"{TODAY.year}-01-01",
                                 "term_end": f"{TODAY.year + 1}-12-31",
                                 "annual_budget_cents": 12_000_000, "pricing_unit": "hour",
                                 "unit_price_cents": 5800, "capacity": 20,
                                 "impact_goals": [{"text": "70 % enden planmäßig",
                                                   "indicator_id": "planned_closure_rate",
                                                   "comparison": ">=", "target_value": "0.7"}]}))
    assert drafted.status_code == 201, drafted.content
    agreement_id = drafted.parsed.id
    signed = generated.call("agreements", "sign_agreement", manager, agreement_id,
                            body=generated.model("agreements", "When", {}), if_match='"1"')
    assert signed.status_code == 200, signed.content
    assert str(signed.parsed.status) == "active"

    # The provider sees its agreement and its reports; the auditor reads the history.
    provider = mint_token(stack.secret, role=Role.PROVIDER, provider_id=provider_id,
                          subject="provider-generated")
    own = generated.call("agreements", "list_agreements", provider)
    assert own.status_code == 200, own.content
    assert [item.to_dict()["agreement_id"] for item in own.parsed.items] == [str(agreement_id)]
    reports = generated.call("agreements", "list_reports", provider, agreement_id)
    assert reports.status_code == 200, reports.content
    assert reports.parsed, "a signed agreement of this year has reporting periods"
    history = generated.call("agreements", "agreement_history", auditor, agreement_id)
    assert history.status_code == 200, history.content
    assert [entry.type_ for entry in history.parsed] == ["ServiceAgreement.Drafted",
                                                         "ServiceAgreement.Signed"]

    # Caseworkers register clients and open cases; the metrics service counts them. Five
    # persons in a district of their own: a cell that is shown, not withheld as a small one.
    district = f"Generiert-{uuid.uuid4().hex[:8]}"
    for number in range(PERSONS):
        client = generated.call("cases", "register_client", caseworker,
                                body=generated.model("cases", "ClientRegistration", {
                                    "name": f"Erika Mustermann {number}",
                                    "birth_date": "2010-05-17",
                                    "address": "Hauptstraße 1, Musterstadt"}))
        assert client.status_code == 201, client.content
        opened = generated.call("cases", "open_case", caseworker,
                                body=generated.model("cases", "OpeningForRegisteredClient", {
                                    "client_id": str(client.parsed.id),
                                    "field_of_action": "jugend", "target_groups": ["Familien"],
                                    "district": district, "legal_basis": "SGB VIII §27"}),
                                x_purpose="assistance_planning")
        assert opened.status_code == 201, opened.content
        assert opened.parsed.client_pseudonym.startswith("p-")
    assert _until_counted(generated, auditor, district) == {
        "district": district, "value": PERSONS, "persons": PERSONS}

    # Without a token a 401, with the wrong role a 403 — both documented problem answers.
    body = generated.model("agreements", "ProviderRegistration", {
        "name": "Ohne Token e.V.", "legal_form": "e.V.", "fields_of_action": ["soziales"]})
    assert generated.call("agreements", "register_provider", None, body=body).status_code == 401
    assert generated.call("agreements", "register_provider", caseworker,
                          body=body).status_code == 403


def _until_counted(generated: Generated, auditor: str, district: str,
                   within: float = 30.0) -> dict[str, Any]:
    """The district's cell of the active cases, once it counts every case opened there."""
    deadline = time.monotonic() + within
    while True:
        answer = generated.call("metrics", "read_indicator", auditor, "active_cases",
                                by="district")
        assert answer.status_code == 200, answer.content
        assert answer.parsed.indicator == "active_cases"
        cells = {cell["district"]: cell for cell in
                 (item.to_dict() for item in answer.parsed.cells)}
        cell = cells.get(district, {})
        if cell.get("value") == PERSONS or time.monotonic() > deadline:
            return {name: cell.get(name) for name in ("district", "value", "persons")}
        time.sleep(0.3)
