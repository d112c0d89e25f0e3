"""`wirkung dev`: the embedded stack, the four services and demo data, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from shared.audit.checkpoint import new_private_key_text, private_key, public_key_text
from shared.auth import Role, mint_token, new_secret
from shared.embedded import EmbeddedStack
from shared.embedded.process import start_child, stop_child, wait_until

SECRET_FILE = "secret"  # noqa: S105 - a file name, not a secret
BLIND_INDEX_KEY_FILE = "blind-index-cases.key"
KEY_ENCRYPTION_KEY_FILE = "key-encryption-cases.key"
CELL_KEY_SECRET_FILE = "cell-key-metrics.key"  # noqa: S105 - a file name


def kept_key(home: Path, file: str, make: Callable[[], str], variable: str | None = None) -> str:
    """A development key: from the environment if `variable` is set there, else made once
    and kept (readable by its owner only) in `home`."""
    if variable and (given := os.environ.get(variable)):
        return given
    path = home / file
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def development_secret(home: Path) -> str:
    """The local signing secret of the development tokens."""
    return kept_key(home, SECRET_FILE, new_secret, "WIRKUNG_AUTH_SECRET")


def development_session_key(home: Path) -> str:
    """The web service's session cookie key."""
    from services.web.settings import WebSettings

    return kept_key(home, "web-session.key", WebSettings.new_session_key,
                    "WIRKUNG_WEB_SESSION_KEY")


def development_audit_keys(home: Path) -> dict[str, str]:
    """Each write service's audit signing key."""
    return {f"WIRKUNG_{service.upper()}_AUDIT_KEY":
            kept_key(home, f"audit-{service}.key", new_private_key_text)
            for service in ("agreements", "cases")}


def development_blind_index_key(home: Path) -> str:
    """The key of the cases service's blind index of clients."""
    return kept_key(home, BLIND_INDEX_KEY_FILE, new_secret, "WIRKUNG_CASES_BLIND_INDEX_KEY")


def development_key_encryption_key(home: Path) -> str:
    """The key-encryption key that wraps the cases service's client keys."""
    from services.cases.settings import CasesSettings

    return kept_key(home, KEY_ENCRYPTION_KEY_FILE, CasesSettings.new_key_encryption_key,
                    "WIRKUNG_CASES_KEY_ENCRYPTION_KEY")


def development_cell_key_secret(home: Path) -> str:
    """The metrics service's cell-key secret, which decides every published cell's noise."""
    return kept_key(home, CELL_KEY_SECRET_FILE, new_secret, "WIRKUNG_METRICS_CELL_KEY_SECRET")


def development_cases_keys(home: Path) -> dict[str, str]:
    """The cases service's keys kept apart from its database: blind index and KEK."""
    return {"WIRKUNG_CASES_BLIND_INDEX_KEY": development_blind_index_key(home),
            "WIRKUNG_CASES_KEY_ENCRYPTION_KEY": development_key_encryption_key(home)}


def public_keys(audit_keys: dict[str, str]) -> dict[str, str]:
    """What an auditor needs to verify the checkpoints: the public halves."""
    return {name.replace("_AUDIT_KEY", "_AUDIT_PUBLIC_KEY"): public_key_text(private_key(text))
            for name, text in audit_keys.items()}


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_dev(args: argparse.Namespace) -> int:
    home: Path = args.home.resolve()
    ports = {"agreements": args.agreements_port, "cases": args.cases_port,
             "metrics": args.metrics_port, "web": args.web_port}
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Started in the background by a script, a process inherits SIGINT ignored, and Python
    # then keeps it so: the services would stop on Ctrl-C and leave us reporting a crash.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stack = EmbeddedStack(home, postgres_port=args.postgres_port, broker_port=args.broker_port)
    children: dict[str, Any] = {}
    started = time.monotonic()
    try:
        print("Starting PostgreSQL and the Kafka-protocol broker ...", flush=True)
        addresses = stack.start()
        secret = development_secret(home)
        audit_keys = development_audit_keys(home)
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        service_urls = {f"WIRKUNG_{n.upper()}_URL": u for n, u in urls.items()}
        environment = {**os.environ, **addresses.as_environment(), **audit_keys,
                       **service_urls, "WIRKUNG_AUTH_SECRET": secret,
                       # Plain HTTP on the loopback: the session cookie cannot be Secure.
                       "WIRKUNG_WEB_SESSION_KEY": development_session_key(home),
                       "WIRKUNG_WEB_SECURE_COOKIES": "false",
                       **development_cases_keys(home),
                       "WIRKUNG_METRICS_CELL_KEY_SECRET": development_cell_key_secret(home)}
        _write_dev_env(home, {**addresses.as_environment(), **public_keys(audit_keys),
                              **service_urls})
        for name, port in ports.items():
            children[name] = start_child(
                [sys.executable, "-m", "wirkung", "serve", name, "--port", str(port)],
                log=home / "logs" / f"{name}.log", env=environment,
            )
        for name, url in urls.items():
            wait_until(partial(_ready, url), timeout=60, what=f"the {name} service",
                       process=children[name], log=home / "logs" / f"{name}.log")
        if not args.no_demo:
            from wirkung.demo import seed_demo

            seed_demo(home, addresses.database_urls)
        _print_welcome(urls, secret, home, time.monotonic() - started)
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"\nThe {name} service stopped (exit {child.returncode}); see "
                          f"{home / 'logs' / (name + '.log')}. Stopping everything.",
                          file=sys.stderr, flush=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in children.values():
            stop_child(child, sig=signal.SIGTERM, timeout=20)
        stack.stop()
        print("Stopped: no service, database or broker left running.", flush=True)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _write_dev_env(home: Path, values: dict[str, str]) -> None:
    lines = [f"{key}={value}" for key, value in sorted(values.items())]
    (home / "dev.env").write_text("\n".join(lines) + "\n")


def _print_welcome(urls: dict[str, str], secret: str, home: Path, seconds: float) -> None:
    print(f"\nWirkung is up ({seconds:.0f}s).", flush=True)
    print(f"\n  Open {urls['web']} in your browser and sign in as any role.\n", flush=True)
    print("Services:")
    for name, url in urls.items():
        if name != "web":
            print(f"  {name:<11} {url}   (API docs {url}/docs, AsyncAPI {url}/asyncapi)")
    print("\nTokens (valid 12 hours; `wirkung token --role ROLE` makes more):")
    for role, team in ((Role.CONTRACT_MANAGER, None), (Role.CASEWORKER, "asd-nord"),
                       (Role.AUDITOR, None), (Role.DATA_PROTECTION_OFFICER, None)):
        print(f"  {role.value:<24} {mint_token(secret, role=role, team=team)}")
    print(f"  {Role.PROVIDER.value:<24} wirkung token --role provider --provider <provider id>")
    print("\nThe event and checkpoint topics keep every record (retention.ms=-1): a rebuild "
          "and an auditor's verification replay them from the start.")
    print(f"\nSettings in {home / 'dev.env'}, logs in {home / 'logs'}.")
    print("Stop with Ctrl-C.", flush=True)
