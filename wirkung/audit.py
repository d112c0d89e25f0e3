"""`wirkung audit`: verify the event chains, and read history and past state."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from shared.audit.check import ChainCheck, check_service_chain
from shared.audit.checkpoint import Checkpoint, public_key
from shared.audit.store import AuditStore
from shared.audit.topic import read_checkpoints
from shared.audit.verify import Verification
from shared.eventstore import ServiceApplication
from shared.history import history, load
from shared.store_migrations import prepare_stores
from wirkung.environment import required, setting
from wirkung.stores import event_store

WRITE_SERVICES = ("agreements", "cases")


def check_chain(service: str, home: Path) -> ChainCheck:
    """Recompute a service's chain from its store; check it against every checkpoint."""
    url = required(f"WIRKUNG_{service.upper()}_DATABASE_URL", home)
    key = required(f"WIRKUNG_{service.upper()}_AUDIT_PUBLIC_KEY", home)
    store = event_store(service, url)
    prepare_stores(url)  # as the service would on starting: its chain table may be new
    audit = AuditStore(url)
    try:
        return check_service_chain(service, store.recorder, audit,
                                   published_checkpoints(service, home), public_key(key))
    finally:
        audit.close()
        store.close()


def verify(services: list[str], home: Path) -> int:
    """Verify each service's chain; exit status 1 names the first broken position."""
    broken = False
    for service in services:
        check = check_chain(service, home)
        print(summary(check.verification))
        print(f"  checkpoints: {check.kept} in the database, {check.published} on the topic")
        broken = broken or not check.verification.intact
    return 1 if broken else 0


def summary(result: Verification) -> str:
    head = (f"{result.service}: {result.events} events, {result.chained} chained, "
            f"{result.checkpoints} checkpoint signatures valid")
    if result.intact:
        return f"{head}: intact"
    first = result.findings[0]
    lines = [f"{head}: BROKEN at {first}"]
    lines += [f"  {finding}" for finding in result.findings[1:]]
    return "\n".join(lines)


def published_checkpoints(service: str, home: Path) -> list[Checkpoint]:
    """The checkpoints on the topic, if the broker can be reached."""
    bootstrap = setting("KAFKA_BOOTSTRAP_SERVERS", home)
    if not bootstrap:
        return []
    prefix = setting("WIRKUNG_TOPIC_PREFIX", home) or "wirkung"
    try:
        return asyncio.run(read_checkpoints(bootstrap, f"{prefix}.audit.checkpoints", service))
    except Exception as error:  # the database copies are still checked
        print(f"(checkpoints topic not read: {type(error).__name__})", file=sys.stderr)
        return []


def _store_of(aggregate_id: UUID, home: Path) -> tuple[ServiceApplication, str]:
    for service in WRITE_SERVICES:
        url = setting(f"WIRKUNG_{service.upper()}_DATABASE_URL", home)
        if not url:
            continue
        store = event_store(service, url)
        if list(store.repository.event_store.get(aggregate_id, limit=1)):
            return store, service
        store.close()
    raise SystemExit(f"wirkung: no service has an aggregate {aggregate_id}")


def show_history(aggregate_id: UUID, home: Path, as_json: bool) -> int:
    store, service = _store_of(aggregate_id, home)
    try:
        entries = history(store, aggregate_id)
    finally:
        store.close()
    rows = [{"version": e.version, "type": e.type, "occurred_on": e.occurred_on,
             "recorded_at": e.recorded_at, "actor": e.actor, "data": e.data} for e in entries]
    if as_json:
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return 0
    print(f"{service} aggregate {aggregate_id}")
    print(table(["version", "type", "occurred_on", "recorded_at", "actor", "data"],
                [[r["version"], r["type"], r["occurred_on"], r["recorded_at"], r["actor"],
                  json.dumps(r["data"], default=str, ensure_ascii=False)] for r in rows]))
    return 0


def show_as_of(aggregate_id: UUID, moment: datetime, home: Path, as_json: bool) -> int:
    store, service = _store_of(aggregate_id, home)
    try:
        aggregate = load(store, aggregate_id, as_of=moment)
    finally:
        store.close()
    state = {key.lstrip("_"): value for key, value in vars(aggregate).items()
             if key not in ("_pending_events",)}
    if as_json:
        print(json.dumps(state, default=_plain, ensure_ascii=False, indent=2))
        return 0
    print(f"{service} aggregate {aggregate_id} as of {moment.isoformat()}")
    print(table(["field", "value"], [[k, json.dumps(v, default=_plain, ensure_ascii=False)]
                                     for k, v in sorted(state.items())]))
    return 0


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    return str(value)


def table(header: list[str], rows: list[list[Any]], width: int = 60) -> str:
    cells = [[str(c) if len(str(c)) <= width else str(c)[:width - 1] + "…" for c in row]
             for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
