"""Benchmark 1: HTTP commands against raw eventsourcing saves on the same database.

    python bench/commands.py [--commands 3000] [--clients 8]

(a) 8 threads register providers straight through the application
(`Agreements.register_provider`: the aggregate made and saved, no HTTP),
(b) 8 concurrent HTTP clients register providers through the running
agreements service (`wirkung serve`, its relay, read model and audit chain at
work). Prints both rates, p50/p99 latency of (b) and, last,
ratio = (b) / (a) (goal >= 0.8).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx

from bench.common import figure, machine, servers
from services.agreements.application import PURPOSE, Agreements
from shared.auth import Role, mint_token, new_secret
from shared.embedded.process import free_port
from shared.eventstore import event_store_environment
from shared.principals import Caller, Principal

BODY = {"name": "Bench e.V.", "legal_form": "e.V.", "fields_of_action": ["jugend"]}


def raw_saves(database_url: str, commands: int, clients: int) -> float:
    store = Agreements(env=event_store_environment(database_url))
    manager = Caller(Principal(subject="bench", role=Role.CONTRACT_MANAGER), PURPOSE)

    def save(_: int) -> None:
        store.register_provider(name="Bench e.V.", legal_form="e.V.",
                                fields_of_action=["jugend"], contact="", caller=manager,
                                occurred_on=date(2026, 1, 1))

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(save, range(commands)))
    elapsed = time.perf_counter() - started
    store.close()
    return commands / elapsed


async def http_commands(url: str, token: str, commands: int,
                        clients: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = commands

    async def client() -> None:
        nonlocal remaining
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await http.post("/providers", json=BODY,
                                           headers={"Authorization": f"Bearer {token}"})
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return commands / (time.perf_counter() - started), latencies


def serve(database_url: str, bootstrap: str, secret: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))}
    env.update({"WIRKUNG_AGREEMENTS_DATABASE_URL": database_url,
                "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "WIRKUNG_AUTH_SECRET": secret,
                "WIRKUNG_LOG_LEVEL": "WARNING"})
    process = subprocess.Popen([sys.executable, "-m", "wirkung", "serve", "agreements",
                                "--port", str(port)], env=env,
                               cwd=Path(__file__).resolve().parents[1])
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the agreements service did not start")


def main(commands: int, clients: int) -> None:
    with servers() as addresses:
        database_url = addresses.database_urls["agreements"]
        secret = new_secret()
        figure("machine", machine())
        figure("commands", str(commands))
        figure("clients", str(clients))
        raw = raw_saves(database_url, commands, clients)
        figure("raw_saves_per_s", raw)
        process, url = serve(database_url, addresses.bootstrap_servers, secret)
        try:
            token = mint_token(secret, role=Role.CONTRACT_MANAGER)
            asyncio.run(http_commands(url, token, 100, clients))  # warm up
            rate, latencies = asyncio.run(http_commands(url, token, commands, clients))
        finally:
            process.terminate()
            process.wait(20)
        figure("http_commands_per_s", rate)
        quantiles = statistics.quantiles(latencies, n=100)
        figure("http_p50_ms", quantiles[49] * 1000)
        figure("http_p99_ms", quantiles[98] * 1000)
        figure("ratio", rate / raw)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    arguments = parser.parse_args()
    main(arguments.commands, arguments.clients)
