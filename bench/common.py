"""What the benchmarks share: the servers to run against, a service running on them, the
machine, the output."""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from shared.embedded import EmbeddedStack, StackAddresses
from shared.embedded.process import free_port, start_child, stop_child, wait_until

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def servers() -> Iterator[StackAddresses]:
    """The embedded stack on free ports (or the servers the environment names)."""
    with tempfile.TemporaryDirectory(prefix="wirkung-bench-") as home:
        stack = EmbeddedStack(Path(home), postgres_port=free_port(), broker_port=free_port(),
                              fsync=False)
        with stack as addresses:
            yield addresses


@dataclass(frozen=True)
class Served:
    """A service running as its own process: its address and the process."""

    url: str
    process: subprocess.Popen[Any]


@contextmanager
def serving(service: str, environment: Mapping[str, str], log: Path) -> Iterator[Served]:
    """`wirkung serve <service>` with `environment` as its settings (no other `WIRKUNG_` or
    `KAFKA_` variable of this process), its output in `log`; ready, and stopped after."""
    port = free_port()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("WIRKUNG_", "KAFKA_"))} | dict(environment)
    process = start_child([sys.executable, "-m", "wirkung", "serve", service,
                           "--port", str(port)], log=log, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(partial(_ready, url), timeout=120, what=f"the {service} service",
                   process=process, log=log)
        yield Served(url, process)
    finally:
        stop_child(process, sig=signal.SIGTERM, timeout=20)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB, Python {platform.python_version()}"


def figure(name: str, value: float | str) -> None:
    """One `name=value` line, as every benchmark prints its figures."""
    text = f"{value:.3f}" if isinstance(value, float) else value
    print(f"{name}={text}", flush=True)
