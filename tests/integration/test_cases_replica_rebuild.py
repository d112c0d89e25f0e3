"""Rebuilding the agreements replica: emptied, the consumer group rewound, replayed on start."""

from __future__ import annotations

from functools import partial

import asyncpg
import pytest

from services.cases.replica.consumer import rebuild_replica
from tests.cases.system import agreement_feed, cases_system, replicated
from tests.support import Infrastructure, new_database, new_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_rebuilt_replica_replays_the_agreements_topic(infrastructure: Infrastructure,
                                                               secret: str) -> None:
    topics, database_url = await new_topics(infrastructure), await new_database(infrastructure)
    running = partial(cases_system, infrastructure, secret, topics=topics,
                      database_url=database_url, replica_group="replica-r")
    async with running() as system:
        async with agreement_feed(system) as feed:
            agreement_id = await feed.signed_agreement(capacity=7)
            await feed.amend(agreement_id, capacity=9)
        await replicated(system, agreement_id, 3)
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("UPDATE replica_agreements SET capacity = 0")  # damaged

        await rebuild_replica(database_url=database_url,
                              bootstrap_servers=infrastructure.bootstrap_servers,
                              topic=topics.agreements, group_id="replica-r")
        emptied = await connection.fetchval("SELECT count(*) FROM replica_agreements")
        async with running() as system:
            await replicated(system, agreement_id, 3)
            capacity = await connection.fetchval(
                "SELECT capacity FROM replica_agreements WHERE agreement_id = $1", agreement_id)
    finally:
        await connection.close()

    assert emptied == 0
    assert capacity == 9
