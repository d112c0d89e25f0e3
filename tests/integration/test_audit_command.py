"""`wirkung audit`: a running service chains and signs; the command verifies and reads."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from services.agreements.main import create_app
from services.agreements.settings import AgreementsSettings
from shared.audit.checkpoint import new_private_key_text, private_key, public_key_text
from shared.topics import Topics
from tests.support import Infrastructure, Tokens, bearer, eventually, serving, settings_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def wirkung(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))}
    return subprocess.run([sys.executable, "-m", "wirkung", *args], capture_output=True,
                          text=True, env={**env, **environment}, cwd=ROOT, timeout=120,
                          check=False)


async def test_a_service_signs_its_chain_and_the_command_verifies_it(
        infrastructure: Infrastructure, topics: Topics, secret: str, tokens: Tokens,
        database_url: str, tmp_path: Path) -> None:
    key = new_private_key_text()
    settings = settings_for(AgreementsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret, audit_key=key, audit_checkpoint_seconds=0.0)
    app = create_app(settings)
    async with serving(app) as client:
        created = await client.post("/providers", headers=bearer(tokens.contract_manager),
                                    json={"name": "Geprüft e.V.", "legal_form": "e.V.",
                                          "fields_of_action": ["soziales"]})
        provider_id = created.json()["id"]
        await client.patch(f"/providers/{provider_id}", json={"name": "Geprüft neu e.V."},
                           headers=bearer(tokens.contract_manager))

        async def signed() -> Any:
            checkpoints = app.state.audit_store.checkpoints()
            return checkpoints if checkpoints and checkpoints[-1].position >= 2 else None

        await eventually(signed, within=30)
        await asyncio.sleep(0.5)  # the checkpoint's publication
    environment = {
        "WIRKUNG_AGREEMENTS_DATABASE_URL": database_url,
        "WIRKUNG_AGREEMENTS_AUDIT_PUBLIC_KEY": public_key_text(private_key(key)),
        "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
        "WIRKUNG_TOPIC_PREFIX": topics.prefix,
    }

    intact = wirkung("audit", "verify", "--service", "agreements", "--home", str(tmp_path),
                     environment=environment)
    history = wirkung("audit", "history", provider_id, "--json", "--home", str(tmp_path),
                      environment=environment)
    first_moment = json.loads(history.stdout)[0]["recorded_at"]
    as_of = wirkung("audit", "as-of", provider_id, first_moment.replace(" ", "T"),
                    "--home", str(tmp_path), environment=environment)
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DELETE FROM agreements_events WHERE notification_id = 1")
    broken = wirkung("audit", "verify", "--service", "agreements", "--home", str(tmp_path),
                     environment=environment)

    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "agreements: 2 events, 2 chained" in intact.stdout
    assert ": intact" in intact.stdout
    assert re.search(r"checkpoints: [12] in the database, [12] on the topic", intact.stdout)
    assert [e["type"] for e in json.loads(history.stdout)] == ["Provider.Registered",
                                                               "Provider.Updated"]
    assert "Geprüft e.V." in as_of.stdout
    assert "Geprüft neu" not in as_of.stdout
    assert broken.returncode == 1
    assert f"BROKEN at position 1 (aggregate {provider_id}): event deleted" in broken.stdout
