"""All four services as real processes on the test's PostgreSQL and broker, for the browser."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import httpx

from services.web.settings import WebSettings
from shared.audit.checkpoint import new_private_key_text
from shared.embedded.process import free_port, start_child, stop_child, wait_until
from tests.support import (
    TEST_CELL_KEY_SECRET,
    TEST_KEY_ENCRYPTION_KEY,
    Infrastructure,
    new_database_sync,
    new_topics_sync,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("agreements", "cases", "metrics", "web")
# The day every service of the stack counts as today (`WIRKUNG_FIXED_DAY`), whatever the
# calendar says: the tests date their agreements, cases and reports from it.
TODAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Stack:
    """Where each service answers, and the secrets the test may use as the system does."""

    urls: dict[str, str]
    secret: str
    session_key: str
    logs: Path

    @property
    def web(self) -> str:
        return self.urls["web"]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_stack(infrastructure: Infrastructure, secret: str, home: Path,
                  **web_environment: str) -> Iterator[Stack]:
    """Start the services as `wirkung serve` would in production, each on a free port."""
    topics = new_topics_sync(infrastructure)
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    session_key = WebSettings.new_session_key()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WIRKUNG_", "KAFKA_"))},
        "KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
        "KAFKA_ENABLE_IDEMPOTENCE": "false", "WIRKUNG_TOPIC_PREFIX": topics.prefix,
        **infrastructure.group_timing_environment(),
        "WIRKUNG_AUTH_SECRET": secret, "WIRKUNG_LOG_LEVEL": "WARNING",
        "WIRKUNG_FIXED_DAY": TODAY.isoformat(),
        **{f"WIRKUNG_{name.upper()}_DATABASE_URL": new_database_sync(infrastructure)
           for name in ("agreements", "cases", "metrics")},
        **{f"WIRKUNG_{name.upper()}_URL": url for name, url in urls.items()},
        "WIRKUNG_WEB_SESSION_KEY": session_key, "WIRKUNG_WEB_SECURE_COOKIES": "false",
        # The write services sign their chains' checkpoints as in production, soon after
        # each change (the auditor's chain page shows them).
        **{f"WIRKUNG_{name.upper()}_{setting}": value for name in ("agreements", "cases")
           for setting, value in (("AUDIT_KEY", new_private_key_text()),
                                  ("AUDIT_CHECKPOINT_SECONDS", "2"))},
        # Consumer groups of their own: a member of a process another test killed would hold
        # up a shared group's rebalance until its session times out.
        "WIRKUNG_CASES_REPLICA_GROUP": f"web-replica-{topics.prefix}",
        "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": TEST_KEY_ENCRYPTION_KEY,
        "WIRKUNG_METRICS_CONSUMER_GROUP": f"web-metrics-{topics.prefix}",
        "WIRKUNG_METRICS_CELL_KEY_SECRET": TEST_CELL_KEY_SECRET,
        **web_environment,
    }
    logs = home / "logs"
    with ExitStack() as stack:
        for name in SERVICES:
            child = start_child([sys.executable, "-m", "wirkung", "serve", name, "--port",
                                 str(ports[name])], log=logs / f"{name}.log", env=environment,
                                cwd=ROOT)
            stack.callback(stop_child, child, timeout=20)
            wait_until(partial(_answers, urls[name] + "/ready"), timeout=60,
                       what=f"the {name} service", process=child, log=logs / f"{name}.log")
        yield Stack(urls=urls, secret=secret, session_key=session_key, logs=logs)
