"""`wirkung cases`: erasure when the retention period has run, and rotating the
key-encryption key; through the cases application, settings from the environment, like the
service."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.cases.settings import CasesSettings


def run_cases_command(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from services.cases.settings import CasesSettings

    try:
        settings = CasesSettings()
        settings.keyring()
    except (ValidationError, ValueError) as error:
        needed = ("WIRKUNG_CASES_DATABASE_URL, WIRKUNG_CASES_KEY_ENCRYPTION_KEY (the new key) "
                  "and WIRKUNG_CASES_PREVIOUS_KEY_ENCRYPTION_KEY (the old one)"
                  if args.cases_command == "rotate-key-encryption-key"
                  else "WIRKUNG_CASES_DATABASE_URL and WIRKUNG_CASES_KEY_ENCRYPTION_KEY")
        print(f"wirkung cases: set {needed}: {error}", file=sys.stderr)
        return 2
    from shared.migrations import DatabaseNewerThanCode

    # Either command first brings the tables of an earlier release up to date, as the
    # service would on starting (keys stored before the KEK have no column for its id).
    try:
        if args.cases_command == "rotate-key-encryption-key":
            return _rotate(settings)
        return _retention(settings, args.on or date.today(), dry_run=args.dry_run)
    except DatabaseNewerThanCode as error:
        print(f"wirkung cases: {error}", file=sys.stderr)
        return 1


def _rotate(settings: CasesSettings) -> int:
    from services.cases.application import Cases, UnknownKeyEncryptionKey

    try:
        rewrapped = Cases.rotate_key_encryption_key(settings)
    except UnknownKeyEncryptionKey as error:
        print(f"wirkung cases rotate-key-encryption-key: {error}; the keys re-wrapped so far "
              "stay re-wrapped, run it again with that key as the previous one",
              file=sys.stderr)
        return 1
    print(f"re-wrapped {rewrapped} client key(s) under key-encryption key "
          f"{settings.keyring().current.id}; the events were not touched")
    return 0


def _retention(settings: CasesSettings, today: date, *, dry_run: bool) -> int:
    from services.cases.application import Cases
    from shared.clock import FixedClock

    cases = Cases.from_settings(settings, clock=FixedClock(today))
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
