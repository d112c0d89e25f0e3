"""The `wirkung metrics` commands: rebuild the facts, import population; settings from env."""

from __future__ import annotations

import argparse
import asyncio
import sys


def run_metrics_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from services.metrics.settings import MetricsSettings

    try:
        settings = MetricsSettings()
    except ValidationError as error:
        print(f"wirkung metrics: set WIRKUNG_METRICS_DATABASE_URL ({error.error_count()} "
              "setting(s) missing or invalid)", file=sys.stderr)
        return 2
    if args.metrics_command == "rebuild":
        return asyncio.run(_rebuild(settings))
    return asyncio.run(_import_population(settings, args))


async def _rebuild(settings: object) -> int:
    from services.metrics.progress import ProgressLine
    from services.metrics.rebuild import RebuildRunning, rebuild
    from services.metrics.replay import HistoryIncomplete
    from services.metrics.settings import MetricsSettings
    from shared.migrations import DatabaseNewerThanCode

    assert isinstance(settings, MetricsSettings)
    progress = ProgressLine()
    try:
        outcome = await rebuild(settings, progress)
    except (RebuildRunning, DatabaseNewerThanCode) as error:
        print(f"wirkung metrics rebuild: {error}", file=sys.stderr)
        return 1
    except HistoryIncomplete as error:
        if progress.shown:
            progress.finish()
        print(f"wirkung metrics rebuild: {error}", file=sys.stderr)
        return 2
    progress.finish()
    print(f"rebuilt the facts from {outcome.events} events "
          f"({outcome.dead_letters} not applicable) and swapped them in")
    return 0


async def _import_population(settings: object, args: argparse.Namespace) -> int:
    import asyncpg

    from services.metrics.migrations import prepare_database
    from services.metrics.population import InvalidPopulation, import_population, rows_from_csv
    from services.metrics.settings import MetricsSettings
    from shared.migrations import DatabaseNewerThanCode

    assert isinstance(settings, MetricsSettings)
    try:
        rows = rows_from_csv(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, InvalidPopulation) as error:
        print(f"wirkung metrics import-population: {error}", file=sys.stderr)
        return 2
    try:
        await asyncio.to_thread(prepare_database, settings.database_url)
    except DatabaseNewerThanCode as error:
        print(f"wirkung metrics import-population: {error}", file=sys.stderr)
        return 1
    connection = await asyncpg.connect(settings.database_url)
    try:
        count = await import_population(connection, rows, source=args.source,
                                        imported_by=args.by)
    finally:
        await connection.close()
    print(f"imported {count} population rows from {args.file} (source: {args.source})")
    return 0
