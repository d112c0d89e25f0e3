"""Rebuilding the agreements replica: emptied, the consumer group rewound, replayed on start."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

import asyncpg
import pytest

from services.cases.replica.consumer import rebuild_replica
from shared.contracts import ProviderRegistered, ProviderUpdated
from tests.cases.system import agreement_feed, cases_system, replicated
from tests.support import Infrastructure, new_database, new_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SELECTED = """SELECT capacity, title, unit_price_cents, p.name FROM replica_agreements
              LEFT JOIN replica_providers p USING (provider_id) WHERE agreement_id = $1"""


async def test_a_rebuilt_replica_replays_the_agreements_topic(infrastructure: Infrastructure,
                                                               secret: str) -> None:
    topics, database_url = await new_topics(infrastructure), await new_database(infrastructure)
    running = partial(cases_system, infrastructure, secret, topics=topics,
                      database_url=database_url, replica_group="replica-r")
    provider_id = uuid.uuid4()
    async with running() as system:
        async with agreement_feed(system) as feed:
            await feed.send(provider_id, ProviderRegistered(
                provider_id=provider_id, name="Jugendhilfe Nord e.V.", legal_form="e.V.",
                fields_of_action=[], occurred_on=date(2025, 11, 1), actor="cm-1"))
            await feed.send(provider_id, ProviderUpdated(
                provider_id=provider_id, name="Jugendhilfe Nord gGmbH",
                occurred_on=date(2025, 11, 2), actor="cm-1"))
            agreement_id = await feed.signed_agreement(capacity=7, provider_id=provider_id,
                                                       title="Soziale Gruppenarbeit")
            await feed.amend(agreement_id, capacity=9)
        await replicated(system, agreement_id, 3)
        await replicated(system, provider_id, 2)
    connection = await asyncpg.connect(database_url)
    try:
        before = await connection.fetchrow(SELECTED, agreement_id)
        await connection.execute("UPDATE replica_agreements SET capacity = 0, title = NULL")
        await connection.execute("UPDATE replica_providers SET name = 'beschädigt'")

        await rebuild_replica(database_url=database_url,
                              bootstrap_servers=infrastructure.bootstrap_servers,
                              topic=topics.agreements, group_id="replica-r",
                              timing=infrastructure.group_timing)
        emptied = await connection.fetchval(
            "SELECT (SELECT count(*) FROM replica_agreements) "
            "+ (SELECT count(*) FROM replica_providers)")
        async with running() as system:
            await replicated(system, agreement_id, 3)
            await replicated(system, provider_id, 2)
            after = await connection.fetchrow(SELECTED, agreement_id)
    finally:
        await connection.close()

    assert emptied == 0
    expected = (9, "Soziale Gruppenarbeit", 6500, "Jugendhilfe Nord gGmbH")
    assert before is not None
    assert after is not None
    assert tuple(before) == expected
    assert tuple(after) == expected
