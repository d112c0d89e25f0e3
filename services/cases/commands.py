"""The `wirkung cases` commands: erasure when the retention period has run; settings from env."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def run_cases_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from services.cases.settings import CasesSettings

    try:
        settings = CasesSettings()
    except ValidationError as error:
        print(f"wirkung cases: set WIRKUNG_CASES_DATABASE_URL ({error.error_count()} "
              "setting(s) missing or invalid)", file=sys.stderr)
        return 2
    return _retention(settings, args.on or date.today(), dry_run=args.dry_run)


def _retention(settings: object, today: date, *, dry_run: bool) -> int:
    from services.cases.main import build_application
    from services.cases.settings import CasesSettings
    from shared.eventstore import event_store_environment

    assert isinstance(settings, CasesSettings)
    cases = build_application(settings.database_url,
                              event_store_environment(settings.database_url), settings,
                              lambda: today)
    try:
        found = cases.due_for_erasure(today) if dry_run else cases.erase_due(today)
    finally:
        cases.close()
    verb = "due for erasure" if dry_run else "erased"
    print(f"{len(found)} client(s) {verb} on {today.isoformat()}"
          + (" (dry run: nothing erased)" if dry_run else ""))
    for item in found:
        print(f"  {item.pseudonym}  {item.reason}")
    return 0
