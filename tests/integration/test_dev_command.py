"""`wirkung dev` (what `make run` calls): up with demo data, the README's
examples work as written, and Ctrl-C leaves no process and no port behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from shared.embedded.process import free_port, port_is_open

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
README_PORTS = {"8001": "agreements", "8002": "cases", "8003": "metrics"}


@dataclass
class Dev:
    process: subprocess.Popen[bytes]
    output: Path
    home: Path
    ports: dict[str, int]


def readme_examples() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- readme-examples[^>]*-->\s*```bash\n(.*?)```", text, re.S)
    assert match, "the README's example block is missing"
    return match.group(1)


@contextmanager
def running_dev(home: Path, *extra: str) -> Iterator[Dev]:
    """`wirkung dev` on free ports, in a process group of its own, until it is ready."""
    ports = {name: free_port() for name in ("agreements", "cases", "metrics", "web",
                                            "postgres", "broker")}
    output = home / "stdout.txt"
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("WIRKUNG_", "KAFKA_"))}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "wirkung", "dev", "--home", str(home), *extra,
             *(arg for name in ports for arg in (f"--{name}-port", str(ports[name])))],
            stdout=sink, stderr=subprocess.STDOUT, env=environment, cwd=ROOT,
            start_new_session=True,  # its own process group, as in a terminal
        )
    try:
        deadline = time.monotonic() + 90
        while "Stop with Ctrl-C" not in output.read_text():
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.5)
        yield Dev(process, output, home, ports)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dev]:
    with running_dev(tmp_path_factory.mktemp("dev")) as running:
        yield running


def family_of(pid: int) -> list[int]:
    return [pid] + [child.pid for child in psutil.Process(pid).children(recursive=True)]


def still_running(pids: list[int], *, within: float = 10.0) -> list[int]:
    deadline = time.monotonic() + within
    while True:
        alive = [pid for pid in pids
                 if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_the_system_comes_up_with_demo_data_and_prints_urls_and_tokens(dev: Dev) -> None:
    text = dev.output.read_text()

    assert re.search(r"Demo data: 40 providers, 1\d\d signed agreements with four quarters "
                     r"of reports, \d+ clients, 3000 cases", text)
    for name in ("agreements", "cases", "metrics"):
        assert f"http://127.0.0.1:{dev.ports[name]}" in text
    for role in ("contract_manager", "caseworker", "auditor", "data_protection_officer",
                 "provider"):
        assert re.search(rf"^  {role} ", text, re.M), role
    env = (dev.home / "dev.env").read_text()
    assert f"WIRKUNG_METRICS_URL=http://127.0.0.1:{dev.ports['metrics']}" in env
    assert "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" in env


def test_the_readme_examples_work_as_written(dev: Dev) -> None:
    script = readme_examples()
    for readme_port, service in README_PORTS.items():
        script = script.replace(f"127.0.0.1:{readme_port}", f"127.0.0.1:{dev.ports[service]}")
    script = script.replace(".venv/bin/wirkung", f"{sys.executable} -m wirkung")
    environment = {**os.environ, "WIRKUNG_AUTH_SECRET": (dev.home / "secret").read_text()}

    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                            text=True, cwd=ROOT, env=environment, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    answers = [json.loads(line) for line in lines if line.startswith(("{", "["))]
    provider, signed, own_list, overdue, history, case, indicator, *_ = answers
    assert provider["name"] == "Stadtteilhilfe Ost e.V."
    assert signed["status"] == "active"
    assert signed["signed_by"] == "contract_manager-demo"
    assert [item["agreement_id"] for item in own_list["items"]] == [signed["id"]]
    assert [entry["status"] for entry in overdue] == ["overdue"] * len(overdue)
    assert [entry["type"] for entry in history] == ["ServiceAgreement.Drafted",
                                                     "ServiceAgreement.Signed"]
    assert case["client_pseudonym"].startswith("p-")
    assert case["age_band"] == "14-17"
    assert indicator["indicator"] == "active_cases"
    assert {cell["field_of_action"] for cell in indicator["cells"]} >= {"jugend", "soziales"}
    assert any(line.startswith("wirkung_indicator_active_cases{") for line in lines)
    unauthenticated, forbidden = answers[-2:]
    assert unauthenticated["status"] == 401
    assert forbidden["status"] == 403


def test_ctrl_c_even_twice_leaves_no_process_and_no_port_behind(dev: Dev) -> None:
    family = family_of(dev.process.pid)
    assert len(family) >= 6  # wirkung dev, PostgreSQL (and its workers), broker, 3 services

    os.killpg(dev.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    time.sleep(0.3)
    os.killpg(dev.process.pid, signal.SIGINT)  # and an impatient second one
    exit_code = dev.process.wait(timeout=60)

    assert exit_code == 0, dev.output.read_text()
    assert "Stopped: no service, database or broker left running." in dev.output.read_text()
    assert still_running(family) == []
    assert [name for name, port in dev.ports.items() if port_is_open("127.0.0.1", port)] == []


def test_a_crashed_service_stops_the_whole_system(tmp_path: Path) -> None:
    with running_dev(tmp_path, "--no-demo") as crashing:
        family = family_of(crashing.process.pid)
        service = next(child for child in psutil.Process(crashing.process.pid).children()
                       if "serve" in child.cmdline() and "cases" in child.cmdline())

        service.kill()
        exit_code = crashing.process.wait(timeout=60)

        assert exit_code == 1
        assert "The cases service stopped" in crashing.output.read_text()
        assert still_running(family) == []
        assert [n for n, port in crashing.ports.items() if port_is_open("127.0.0.1", port)] == []
