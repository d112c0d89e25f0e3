"""`wirkung migrate agreements`, and the service's refusal of a database newer than it."""

from __future__ import annotations

import pytest

from services.agreements.main import create_app
from services.agreements.migrations import MIGRATIONS
from services.agreements.settings import AgreementsSettings
from shared import store_migrations
from shared.migrations import DatabaseNewerThanCode, Migration, apply, latest, version
from tests.support import Infrastructure, new_database, new_topics, serving, settings_for
from wirkung.cli import main


async def test_wirkung_migrate_applies_and_prints_then_finds_nothing_left(
        infrastructure: Infrastructure, secret: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database_url = await new_database(infrastructure)
    monkeypatch.setenv("WIRKUNG_AGREEMENTS_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRKUNG_AGREEMENTS_AUTH_SECRET", secret)

    assert main(["migrate", "agreements"]) == 0
    first = capsys.readouterr().out
    assert main(["migrate", "agreements"]) == 0
    second = capsys.readouterr().out

    assert f"agreements: applied 1 {MIGRATIONS[0].name}" in first
    assert f"stores: applied 1 {store_migrations.MIGRATIONS[0].name}" in first
    assert "applied" not in second.replace("nothing to apply", "")
    assert second.count("nothing to apply") == 2
    assert version(database_url, "agreements") == latest(MIGRATIONS)


async def test_the_service_refuses_a_database_migrated_by_newer_code(
        infrastructure: Infrastructure, secret: str) -> None:
    database_url = await new_database(infrastructure)
    newer = latest(MIGRATIONS) + 1
    apply(database_url, "agreements",
          [*MIGRATIONS, Migration(newer, "from the future", ("SELECT 1",))])
    topics = await new_topics(infrastructure)
    settings = settings_for(AgreementsSettings, database_url=database_url,
                            infrastructure=infrastructure, topic_prefix=topics.prefix,
                            secret=secret)

    with pytest.raises(DatabaseNewerThanCode, match=rf"version {newer}, .* up to {newer - 1}"):
        async with serving(create_app(settings)):
            pass
