"""`wirkung` — run the system, mint development tokens, serve one service."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from shared.auth import Role

SERVICES = ("agreements", "cases", "metrics", "web")
# Services whose tables are made by migrations (`services/<service>/migrations.py`).
MIGRATED = ("agreements", "cases", "metrics")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wirkung", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the whole system on the embedded stack")
    dev.add_argument("--home", type=Path, default=Path(".wirkung"),
                     help="data, logs and dev.env (default .wirkung)")
    dev.add_argument("--agreements-port", type=int, default=8001)
    dev.add_argument("--cases-port", type=int, default=8002)
    dev.add_argument("--metrics-port", type=int, default=8003)
    dev.add_argument("--web-port", type=int, default=8000)
    dev.add_argument("--postgres-port", type=int, default=5433)
    dev.add_argument("--broker-port", type=int, default=9092)
    dev.add_argument("--no-demo", action="store_true", help="start without demo data")

    serve = commands.add_parser("serve", help="serve one service (settings from the environment)")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    token = commands.add_parser("token", help="mint a development token (HS256)")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--provider", help="provider id (role provider)")
    token.add_argument("--team", help="team (role caseworker)")
    token.add_argument("--subject", help="who the token speaks for")
    token.add_argument("--home", type=Path, default=Path(".wirkung"))

    contracts = commands.add_parser("contracts", help="export the contracts' JSON Schemas")
    contracts.add_argument("--out", type=Path, required=True, help="folder for the .json files")

    audit = commands.add_parser("audit",
                                help="verify the event chains; history; past state; report")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="recompute and check the hash chains")
    verify.add_argument("--service", choices=("agreements", "cases"))
    history = audit_commands.add_parser("history", help="every event of an aggregate")
    history.add_argument("aggregate_id", type=UUID)
    as_of = audit_commands.add_parser("as-of", help="an aggregate's state at a moment")
    as_of.add_argument("aggregate_id", type=UUID)
    as_of.add_argument("moment", type=datetime.fromisoformat,
                       help="ISO timestamp, e.g. 2026-04-01T12:00:00+00:00")
    verify_indicator = audit_commands.add_parser(
        "verify-indicator", help="replay the events up to a saved indicator answer's input "
                                 "positions, recompute it and compare")
    verify_indicator.add_argument(
        "file", type=Path, help="the answer as saved from GET /indicators/{id} (cells and "
                                "manifest), or its manifest alone")
    report = audit_commands.add_parser(
        "report", help="the auditor's report of a period: one self-contained HTML file")
    report.add_argument("--period", required=True, help="2026, 2026-Q1 or 2026-03")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    for command in (verify, history, as_of, verify_indicator, report):
        command.add_argument("--home", type=Path, default=Path(".wirkung"),
                             help="where `wirkung dev` wrote dev.env (default .wirkung)")
    for command in (history, as_of, verify_indicator):
        command.add_argument("--json", action="store_true", help="JSON for machines")

    simulate = commands.add_parser(
        "simulate", help="a year of a city, into the event stores through the services' "
                    "applications (for benchmarks)")
    simulate.add_argument("--city", choices=("small", "medium", "large"), default="small")
    simulate.add_argument("--year", type=int, default=2026)
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--home", type=Path, default=Path(".wirkung"))

    metrics = commands.add_parser("metrics", help="administer the metrics service's facts")
    metrics_commands = metrics.add_subparsers(dest="metrics_command", required=True)
    metrics_commands.add_parser(
        "rebuild", help="replay both topics from offset zero into fresh facts and swap them in "
                        "(settings from the environment, like the service)")
    population = metrics_commands.add_parser(
        "import-population", help="import reference population figures from a CSV file "
                                  "(columns district, age_band, year, population)")
    population.add_argument("file", type=Path, help="the CSV file")
    population.add_argument("--source", required=True, help="where the figures come from")
    population.add_argument("--by", default="wirkung-cli", help="who imports them")

    cases = commands.add_parser("cases",
                                help="administer the cases service's personal data and its keys")
    cases_commands = cases.add_subparsers(dest="cases_command", required=True)
    retention = cases_commands.add_parser(
        "retention", help="erase the personal data whose retention period has run (settings "
                          "from the environment, like the service)")
    retention.add_argument("--dry-run", action="store_true",
                           help="list whose personal data is due, and why; erase nothing")
    retention.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD",
                           help="the day to count to (default: today)")
    cases_commands.add_parser(
        "rotate-key-encryption-key",
        help="re-wrap every client key under WIRKUNG_CASES_KEY_ENCRYPTION_KEY, opening it with "
             "WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY (the events stay as they are; an "
             "interrupted run can be run again)")

    migrate = commands.add_parser(
        "migrate", help="apply a service's schema migrations to its database (settings from "
                        "the environment, like the service); prints what it applied")
    migrate.add_argument("service", choices=MIGRATED)

    args = parser.parse_args(argv)
    if args.command == "migrate":
        return _migrate(args.service)
    if args.command == "cases":
        from wirkung.cases import run_cases_command

        return run_cases_command(args)
    if args.command == "metrics":
        from wirkung.metrics import run_metrics_command

        return run_metrics_command(args)
    if args.command == "dev":
        from wirkung.dev import run_dev

        return run_dev(args)
    if args.command == "serve":
        return _serve(args.service, args.host, args.port)
    if args.command == "contracts":
        return _export_contracts(args.out)
    if args.command == "audit":
        return _audit(args)
    if args.command == "simulate":
        return _simulate(args)
    return _token(args)


def _simulate(args: argparse.Namespace) -> int:
    import time

    from wirkung.dev import development_key_encryption_key
    from wirkung.environment import required
    from wirkung.simulate import simulate

    print("Recording the agreements and the cases through their applications (no HTTP, no "
          "personal data) ...", file=sys.stderr)
    agreements = required("WIRKUNG_AGREEMENTS_DATABASE_URL", args.home)
    cases = required("WIRKUNG_CASES_DATABASE_URL", args.home)
    # The clients' keys wrapped by the KEK the cases service opens them with: the
    # environment's, else the one `wirkung dev` keeps in the home directory.
    kek = development_key_encryption_key(args.home)
    started = time.monotonic()
    counts = simulate(agreements, cases, key_encryption_key=kek, city=args.city,
                      year=args.year, seed=args.seed)
    seconds = time.monotonic() - started
    print(f"{counts.providers} providers, {counts.agreements} agreements, {counts.reports} "
          f"reports, {counts.clients} clients, {counts.cases} cases: {counts.events} events "
          f"in {seconds:.0f}s ({counts.events / seconds:,.0f} events/s)")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from wirkung import audit

    if args.audit_command == "verify":
        services = [args.service] if args.service else list(audit.WRITE_SERVICES)
        return audit.verify(services, args.home)
    if args.audit_command == "verify-indicator":
        from wirkung.indicator_audit import verify_indicator

        return verify_indicator(args.file, args.home, args.json)
    if args.audit_command == "report":
        from wirkung.report.command import write_report

        return write_report(args.period, args.out, args.home)
    if args.audit_command == "history":
        return audit.show_history(args.aggregate_id, args.home, args.json)
    moment = args.moment if args.moment.tzinfo else args.moment.replace(tzinfo=UTC)
    return audit.show_as_of(args.aggregate_id, moment, args.home, args.json)


def _export_contracts(out: Path) -> int:
    import json

    from shared.contracts import json_schemas

    out.mkdir(parents=True, exist_ok=True)
    for ce_type, schema in json_schemas().items():
        (out / f"{ce_type}.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False))
        print(out / f"{ce_type}.json")
    return 0


def _migrate(service: str) -> int:
    import importlib

    from shared import store_migrations
    from shared.migrations import DatabaseNewerThanCode, Migration, apply, latest

    settings_class = {"agreements": "services.agreements.settings:AgreementsSettings",
                      "cases": "services.cases.settings:CasesSettings",
                      "metrics": "services.metrics.settings:MetricsSettings"}[service]
    module, name = settings_class.split(":")
    database_url: str = getattr(importlib.import_module(module), name)().database_url
    # The metrics service keeps no events, so it has no event stores to migrate.
    stores = [] if service == "metrics" else [
        (store_migrations.OWNER, store_migrations.MIGRATIONS)]
    owners: list[tuple[str, tuple[Migration, ...]]] = [
        *stores,
        (service, importlib.import_module(f"services.{service}.migrations").MIGRATIONS)]
    for owner, migrations in owners:
        try:
            applied = apply(database_url, owner, migrations)
        except DatabaseNewerThanCode as error:
            print(f"wirkung migrate: {error}", file=sys.stderr)
            return 1
        for migration in applied:
            print(f"{owner}: applied {migration.number} {migration.name}")
        print(f"{owner}: schema version {latest(migrations)}"
              + ("" if applied else " (nothing to apply)"))
    return 0


def _serve(service: str, host: str, port: int) -> int:
    import uvicorn

    uvicorn.run(f"services.{service}.main:create_app", factory=True, host=host, port=port,
                log_config=None, access_log=False, timeout_graceful_shutdown=10)
    return 0


def _token(args: argparse.Namespace) -> int:
    from shared.auth import mint_token
    from wirkung.dev import development_secret

    try:
        print(mint_token(development_secret(args.home), role=Role(args.role),
                         provider_id=args.provider, team=args.team, subject=args.subject))
    except ValueError as error:
        print(f"wirkung token: {error}", file=sys.stderr)
        return 2
    return 0
