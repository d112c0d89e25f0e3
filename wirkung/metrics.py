"""`wirkung metrics`: rebuild the facts, import population; through the metrics application,
settings from the environment, like the service."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.metrics.settings import MetricsSettings


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


async def _rebuild(settings: MetricsSettings) -> int:
    from services.metrics.application import (
        HistoryIncomplete,
        Indicators,
        ProgressLine,
        RebuildRunning,
    )
    from shared.migrations import DatabaseNewerThanCode

    progress = ProgressLine()
    try:
        outcome = await Indicators(settings.disclosure_threshold).rebuild(settings, progress)
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


async def _import_population(settings: MetricsSettings, args: argparse.Namespace) -> int:
    from services.metrics.application import Indicators, InvalidPopulation
    from shared.migrations import DatabaseNewerThanCode

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"wirkung metrics import-population: {error}", file=sys.stderr)
        return 2
    try:
        count = await Indicators(settings.disclosure_threshold).import_population(
            settings.database_url, text, source=args.source, imported_by=args.by)
    except InvalidPopulation as error:
        print(f"wirkung metrics import-population: {error}", file=sys.stderr)
        return 2
    except DatabaseNewerThanCode as error:
        print(f"wirkung metrics import-population: {error}", file=sys.stderr)
        return 1
    print(f"imported {count} population rows from {args.file} (source: {args.source})")
    return 0
