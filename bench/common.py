"""What the benchmarks share: the servers to run against, the machine, the output."""

from __future__ import annotations

import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.embedded import EmbeddedStack, StackAddresses
from shared.embedded.process import free_port


@contextmanager
def servers() -> Iterator[StackAddresses]:
    """The embedded stack on free ports (or the servers the environment names)."""
    with tempfile.TemporaryDirectory(prefix="wirkung-bench-") as home:
        stack = EmbeddedStack(Path(home), postgres_port=free_port(), broker_port=free_port(),
                              fsync=False)
        with stack as addresses:
            yield addresses


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
