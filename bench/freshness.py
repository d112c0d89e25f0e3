"""Benchmark 6: end-to-end freshness, command commit → indicator visible, under a steady load.

    python -m bench.freshness [--city medium] [--rate 200] [--seconds 30] [--clients 32]

On a system holding the city-year (`bench.cityyear`), real HTTP commands
arrive on an open-loop schedule (command i is due at i / rate seconds, sent
then or as soon as one of `clients` connections is free, whatever the
answers before it took): of every ten, six record a service delivery and
three review a help-plan goal on open cases of the year (cases API, each
with a token of the case's team), one registers a provider (agreements API).

Freshness of a command is the time from its answer (2xx: its event is
committed) until the metrics service has applied it: a poller reads, every
5 ms, the metrics service's `applied_versions` for the aggregates of the
commands still waiting, and a command is visible once its aggregate's applied
version reaches the version the command produced (the `ETag` of the answer;
a new provider's is 1). The metrics service writes that version in the same
transaction as the command's fact rows, so from then on every indicator query
sees the command. The time from sending the command is reported as well.

Figures: the rate asked for and the rate achieved (answers per second over
the run), command latency, and freshness p50/p95/p99 (goal p95 ≤ 500 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import date
from itertools import cycle
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.cityyear import CityYear, city_year
from bench.common import figure, machine
from services.metrics.application import LIVE_SCHEMA, Indicators
from services.metrics.settings import MetricsSettings
from shared.auth import Role, mint_token
from shared.topics import Topics
from wirkung.stores import event_store

POLL_INTERVAL = 0.005
MIX = ("delivery",) * 6 + ("review",) * 3 + ("provider",)


@dataclass(frozen=True)
class OpenCase:
    case_id: str
    team: str
    service_id: str
    goal_ids: tuple[str, ...]


@dataclass
class Command:
    kind: str
    due: float
    sent: float = 0.0
    answered: float = 0.0
    answered_at: float = 0.0  # wall clock, to compare with the broker's record times
    on_topic_at: float = 0.0  # the relay's produce time of the command's event
    visible: float = 0.0
    aggregate_id: str = ""
    version: int = 0
    failed: str = ""


async def open_cases(system: CityYear, limit: int) -> list[OpenCase]:
    """Open cases of the year with a running service, and their goals (read from the store)."""
    connection = await asyncpg.connect(system.database_urls["cases"])
    try:
        rows = await connection.fetch(
            """SELECT DISTINCT ON (c.case_id) c.case_id::text, c.team, s.service_id::text
               FROM case_summaries c JOIN case_services s USING (case_id)
               WHERE c.status = 'open' AND s.ended_on IS NULL
               ORDER BY c.case_id LIMIT $1""", limit)
    finally:
        await connection.close()
    store = event_store("cases", system.database_urls["cases"])
    try:
        return [OpenCase(row[0], row[1], row[2], _goals(store.repository.get(uuid.UUID(row[0]))))
                for row in rows]
    finally:
        store.close()


def _goals(case: Any) -> tuple[str, ...]:
    return tuple(str(goal_id) for goal_id in case.goals)


class Load:
    """Sends the commands on schedule and records when each was answered."""

    def __init__(self, system: CityYear, cases: list[OpenCase], clients: int) -> None:
        self.system, self.cases = system, cycle(cases)
        self.slots = asyncio.Semaphore(clients)
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        self.http = {name: httpx.AsyncClient(base_url=system.urls[name], timeout=60,
                                             limits=limits)
                     for name in ("agreements", "cases")}
        self.tokens = {team: mint_token(system.secret, role=Role.CASEWORKER, team=team)
                       for team in {case.team for case in cases}}
        self.manager = mint_token(system.secret, role=Role.CONTRACT_MANAGER)
        self.waiting: dict[str, list[Command]] = {}
        self.sent: dict[tuple[str, int], Command] = {}
        self.period = f"{date.today():%Y-%m}"

    async def send(self, command: Command) -> None:
        async with self.slots:
            command.sent = time.perf_counter()
            try:
                response = await self._request(command)
            except httpx.HTTPError as error:
                command.failed = type(error).__name__
                return
            command.answered, command.answered_at = time.perf_counter(), time.time()
        if response.status_code >= 300:
            command.failed = f"{response.status_code} {response.text[:200]}"
            return
        if command.kind == "provider":
            command.aggregate_id, command.version = response.json()["id"], 1
        else:
            command.version = int(response.headers["ETag"].strip('W/"'))
        self.waiting.setdefault(command.aggregate_id, []).append(command)
        self.sent[(command.aggregate_id, command.version)] = command

    async def _request(self, command: Command) -> httpx.Response:
        if command.kind == "provider":
            return await self.http["agreements"].post(
                "/providers", json={"name": "Freshness e.V.", "legal_form": "e.V.",
                                    "fields_of_action": ["jugend"]},
                headers={"Authorization": f"Bearer {self.manager}"})
        case = next(self.cases)
        command.aggregate_id = case.case_id
        headers = {"Authorization": f"Bearer {self.tokens[case.team]}"}
        if command.kind == "review" and case.goal_ids:
            goal = case.goal_ids[int(command.due * 1000) % len(case.goal_ids)]
            return await self.http["cases"].post(
                f"/cases/{case.case_id}/goals/{goal}/reviews",
                json={"level": 1, "note": ""}, headers=headers)
        return await self.http["cases"].post(
            f"/cases/{case.case_id}/services/{case.service_id}/deliveries",
            json={"period": self.period, "units": 2}, headers=headers)

    async def close(self) -> None:
        for client in self.http.values():
            await client.aclose()


async def watch(load: Load, metrics_url: str, stop: asyncio.Event) -> None:
    """Mark commands visible once the metrics service has applied their versions."""
    connection = await asyncpg.connect(metrics_url)
    try:
        while not (stop.is_set() and not load.waiting):
            if load.waiting:
                ids = list(load.waiting)
                rows = await connection.fetch(
                    "SELECT aggregate_id, version FROM facts.applied_versions "
                    "WHERE aggregate_id = ANY($1::text[])", ids)
                now = time.perf_counter()
                for aggregate_id, version in rows:
                    still = []
                    for command in load.waiting.get(aggregate_id, []):
                        if command.version <= version:
                            command.visible = now
                        else:
                            still.append(command)
                    if still:
                        load.waiting[aggregate_id] = still
                    else:
                        load.waiting.pop(aggregate_id, None)
            await asyncio.sleep(POLL_INTERVAL)
    finally:
        await connection.close()


async def follow_topics(load: Load, bootstrap_servers: str) -> None:
    """Note each command's event's produce time (the relay's record timestamp) on its topic.

    Splits freshness into commit → on the topic (relay) and on the topic →
    applied (metrics consumer); read with a 10 ms fetch wait, after the run.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                fetch_max_wait_ms=10)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        topics = Topics()
        partitions = [TopicPartition(topic, p) for topic in (topics.agreements, topics.cases)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        # On the development broker this is inside the last batch (see shared.offsets): the
        # few older records read first belong to no command of the run and are passed over.
        await consumer.seek_to_end(*partitions)
        while True:
            for records in (await consumer.getmany(timeout_ms=100)).values():
                for record in records:
                    headers = dict(record.headers)
                    key = (headers["ce_subject"].decode(),
                           int(headers["ce_aggregateversion"]))
                    if key in load.sent:
                        load.sent[key].on_topic_at = record.timestamp / 1000
    finally:
        await consumer.stop()


async def measure(system: CityYear, rate: float, seconds: float,
                  clients: int) -> list[Command]:
    cases = await open_cases(system, limit=max(int(rate * 20), 200))
    if not cases:
        raise RuntimeError("the city-year has no open case with a running service")
    load = Load(system, cases, clients)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(load, system.database_urls["metrics"], stop))
    follower = asyncio.create_task(follow_topics(load, system.addresses.bootstrap_servers))
    await asyncio.sleep(1.0)  # the follower is at the topics' ends before the first command
    commands: list[Command] = []
    sending: list[asyncio.Task[None]] = []
    started = time.perf_counter()
    try:
        for number, kind in zip(range(int(rate * seconds)), cycle(MIX), strict=False):
            command = Command(kind=kind, due=started + number / rate)
            delay = command.due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            commands.append(command)
            sending.append(asyncio.create_task(load.send(command)))
        await asyncio.gather(*sending)
        stop.set()
        await asyncio.wait_for(watcher, timeout=120)
    finally:
        watcher.cancel()
        follower.cancel()
        await asyncio.gather(watcher, follower, return_exceptions=True)
        await load.close()
    return commands


def report(commands: list[Command], rate: float, prefix: str = "freshness") -> None:
    done = [c for c in commands if not c.failed]
    failed = [c for c in commands if c.failed]

    def out(name: str, value: float | str) -> None:
        figure(name.replace("freshness", prefix, 1), value)

    out("freshness_target_commands_per_s", rate)
    out("freshness_commands", str(len(commands)))
    out("freshness_failed", str(len(failed)))
    if failed:
        out("freshness_first_failure", failed[0].failed.replace("\n", " "))
    if not done:
        return
    span = max(c.answered for c in done) - min(c.due for c in commands)
    out("freshness_commands_per_s", len(done) / span)
    out("freshness_sent_late_p95_ms", _p(95, [c.sent - c.due for c in done]))
    out("freshness_command_latency_p50_ms", _p(50, [c.answered - c.sent for c in done]))
    out("freshness_command_latency_p95_ms", _p(95, [c.answered - c.sent for c in done]))
    fresh = [c.visible - c.answered for c in done]
    for q in (50, 95, 99):
        out(f"freshness_p{q}_ms", _p(q, fresh))
    out("freshness_from_send_p95_ms", _p(95, [c.visible - c.sent for c in done]))
    out("freshness_max_ms", max(fresh) * 1000)
    seen = [c for c in done if c.on_topic_at]
    if seen:  # the two legs, by the wall clock (one machine, one clock)
        out("freshness_to_topic_p50_ms", _p(50, [c.on_topic_at - c.answered_at for c in seen]))
        out("freshness_to_topic_p95_ms", _p(95, [c.on_topic_at - c.answered_at for c in seen]))
        applied = [c.visible - c.answered - (c.on_topic_at - c.answered_at) for c in seen]
        out("freshness_topic_to_visible_p50_ms", _p(50, applied))
        out("freshness_topic_to_visible_p95_ms", _p(95, applied))


def _p(q: int, values: list[float]) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def run(system: CityYear, rate: float = 200.0, seconds: float = 30.0, clients: int = 32,
        prefix: str = "freshness") -> None:
    commands = asyncio.run(measure(system, rate, seconds, clients))
    report(commands, rate, prefix)


async def gauge_refresh_seconds(system: CityYear) -> float:
    """How long one refresh of the metrics service's indicator gauges takes on these facts:
    the overview they publish (`Indicators.main_figures`), asked as the service asks it.

    The service refreshes them inside the batch transaction while batches are
    small, so under a trickle of commands this is part of every batch.
    """
    settings = MetricsSettings(
        database_url=system.database_urls["metrics"],
        cell_key_secret=system.metrics_environment["WIRKUNG_METRICS_CELL_KEY_SECRET"])
    indicators = Indicators(settings.disclosure_threshold, settings.cell_key_method())
    connection = await asyncpg.connect(settings.database_url,
                                       server_settings={"search_path": LIVE_SCHEMA})
    try:
        started = time.perf_counter()
        await indicators.main_figures(connection)
        return time.perf_counter() - started
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=200.0, help="commands per second asked")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections")
    args = parser.parse_args()
    figure("machine", machine())
    with city_year(args.city, seed=args.seed) as system:
        run(system, args.rate, args.seconds, args.clients)


if __name__ == "__main__":
    main()
